/**
 * What an expression is evaluated in (`EvalContext`): names bound around it, how the module resolves the others,
 * how workspace files are read, and the budget that bounds the work.
 */
import type { Span } from '../text/span';
import { BudgetError, type Val } from './values';

/** What an expression is evaluated in. */
export interface EvalContext {
  /** the file the expression is in (for provenance, and the folder `file()` reads relative to) */
  readonly path: string;
  /** names bound around the expression (`for` variables, `each`, `count`, iterators), innermost last */
  readonly bindings: ReadonlyMap<string, Val>;
  /**
   * A traversal that starts at a name no binding holds: `root` followed by the static attribute names after it
   * (`var.x` → `('var', ['x'])`). Returns the value and how many of `names` it used.
   */
  lookup(root: string, names: readonly string[], span: Span): { value: Val; used: number };
  /** a file of the workspace, relative to the module's folder (`file()`, `templatefile()`) */
  readFile(relPath: string): string | undefined;
  /** the work done so far; throws `BudgetError` past the budget */
  readonly budget: Budget;
}

export class Budget {
  steps = 0;
  depth = 0;
  constructor(readonly maxSteps = 2_000_000, readonly maxDepth = 160, readonly maxElements = 100_000) {}

  tick(n = 1): void {
    this.steps += n;
    if (this.steps > this.maxSteps) throw new BudgetError(`the evaluation took more than ${this.maxSteps.toLocaleString('en')} steps`);
  }

  /** a collection about to hold `n` elements */
  size(n: number, what: string): void {
    if (n > this.maxElements) throw new BudgetError(`${what} would hold ${n.toLocaleString('en')} elements, over the limit of ${this.maxElements.toLocaleString('en')}`);
    this.tick(n);
  }
}

export function withBindings(ctx: EvalContext, add: Iterable<[string, Val]>): EvalContext {
  const bindings = new Map(ctx.bindings);
  for (const [k, v] of add) bindings.set(k, v);
  return { ...ctx, bindings, lookup: ctx.lookup, readFile: ctx.readFile };
}

