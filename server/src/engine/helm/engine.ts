/**
 * A set of templates parsed together as Helm parses a chart's (in the order given, later definitions of a name
 * replacing earlier ones unless empty) and rendered one by one, with Helm's removal of `<no value>`. Errors are
 * data: a parse error names the file and offset, an execution error the action.
 */
import type { Tree } from './ast';
import { EXEC_LIMITS, ExecError, Executor, type ExecLimits, type TemplateSet } from './exec';
import { HELM_FUNCS } from './helm-funcs';
import { removeNoValue, type SourcePiece } from './output';
import { parseTemplate } from './parse';
import { TextCache } from './text-cache';
import type { Value } from './value';

export interface TemplateFailure {
  message: string;
  /** the template file and the span of the failing action (or the parse error's offset) */
  file: string;
  start: number;
  end: number;
  /** a limit was hit (time, steps, output, nesting) */
  limit: boolean;
}

export type Rendered = { text: string; pieces: SourcePiece[]; error?: undefined } | { error: TemplateFailure; text?: undefined };

/**
 * Parsed templates by text: trees are never changed once parsed, so a chart rendered again after an edit parses
 * only the template that changed, and a dependency's templates (Bitnami's `common` under every chart) are parsed
 * once for all the charts that hold them. A tree names its file only at its top (`Tree.file`, the top tree's
 * `name`); what is kept is parsed under a name no template has and named on the way out. Bounded: cleared when it
 * holds too much.
 */
// a million characters: what a chart and its dependencies hold, many times over; a dependency every chart includes
// stays in (each chart uses it again), and a repository of 117 charts keeps 15 MB less alive than at four million
const PARSED = new TextCache<ReturnType<typeof parseTemplate>>(1_000_000);
/** the file name the kept trees are parsed under (no template path holds a NUL) */
const UNNAMED = '\0';

function parseCached(name: string, text: string): ReturnType<typeof parseTemplate> {
  const r = PARSED.get(text, (t) => parseTemplate(UNNAMED, t, (n) => HELM_FUNCS.has(n)));
  if (r.error) {
    const message = r.error.message.startsWith(`template: ${UNNAMED}:`) ? `template: ${name}:${r.error.message.slice(`template: ${UNNAMED}:`.length)}` : r.error.message;
    return { error: { ...r.error, message, file: name } };
  }
  return { trees: r.trees.map((t) => ({ name: t.name === UNNAMED ? name : t.name, file: name, root: t.root })) };
}

function isEmptyTree(t: Tree): boolean {
  return t.root.nodes.every((n) => n.type === 'text' && n.text.trim() === '');
}

export class TemplateEngine {
  private readonly trees = new Map<string, Tree>();
  readonly parseError?: TemplateFailure;

  /** `files` in the order Helm parses them. */
  constructor(files: readonly { name: string; text: string }[], private readonly limits: ExecLimits = EXEC_LIMITS) {
    for (const f of files) {
      const r = parseCached(f.name, f.text);
      if (r.error) {
        this.parseError = { message: r.error.message, file: f.name, start: r.error.offset, end: r.error.offset, limit: false };
        return;
      }
      for (const t of r.trees) this.add(t);
    }
  }

  private add(t: Tree): void {
    const old = this.trees.get(t.name);
    if (old && isEmptyTree(t)) return;
    this.trees.set(t.name, t);
  }

  has(name: string): boolean {
    return this.trees.has(name);
  }

  /** Renders one template with `data` as dot; `track`: keep the source map. */
  render(name: string, data: Value, track = true): Rendered {
    if (this.parseError) return { error: this.parseError };
    // the set's trees, copied only when `tpl` defines more (a chart holds hundreds of definitions, and renders
    // each of its files with them)
    const local: TemplateSet = { trees: this.trees, funcs: HELM_FUNCS };
    local.parseMore = (n, text) => {
      const r = parseCached(n, text);
      if (r.error) return r.error.message;
      for (const t of r.trees.slice(1)) {
        if (local.trees.has(t.name) && isEmptyTree(t)) continue;
        if (local.trees === this.trees) local.trees = new Map(this.trees);
        local.trees.set(t.name, t);
      }
      return r.trees[0]!;
    };
    const limits = this.limits.deadline === undefined && this.limitsMillis ? { ...this.limits, deadline: Date.now() + this.limitsMillis } : this.limits;
    try {
      const out = new Executor(local, limits, track).execute(name, data);
      const cleaned = removeNoValue(out.text(), out.pieces);
      return { text: cleaned.text, pieces: cleaned.pieces };
    } catch (e) {
      if (e instanceof ExecError) return { error: { message: e.message, file: e.file, start: e.start, end: e.end, limit: e.limit } };
      if (e instanceof RangeError) return { error: { message: `rendering failed: ${e.message}`, file: name, start: 0, end: 0, limit: true } };
      throw e;
    }
  }

  /** a time budget per render, in milliseconds (unset: none but the step limit) */
  limitsMillis?: number;
}
