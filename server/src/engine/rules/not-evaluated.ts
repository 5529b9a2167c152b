/**
 * `rules-not-evaluated` (information): a rule whose protocol, ports, source or destination could not be evaluated
 * (a Terraform expression without a value, a value a plan marks as known only after apply). Unknown is never
 * wrong: such a rule counts as allowing what it might allow, and the user is told — once per place (`at`: the
 * rule, or the `for_each` / `count` / `dynamic` line that generates several), naming what was unknown. Detected
 * by `checkRulesNotEvaluated` (checks/not-evaluated.ts) for the rules of the layers the analysis uses; hover,
 * CodeLens and the diagram read `unevaluatedOf` to show a verdict that depends on such a rule as unknown. No fix.
 */
import { finding, listText, relatedList, type Finding } from '../findings/finding';
import type { Code } from '../findings/codes';
import type { FixHintKind } from '../findings/fix-hint';
import type { Rule } from '../sources/model';
import type { Span } from '../text/span';

/** No fix: what could not be evaluated is the user's to resolve (or to leave). */
export const fixes = {} as const satisfies Partial<Record<Code, FixHintKind>>;

/** What could not be evaluated in a rule, and where to say so. */
export interface Unevaluated {
  /** the fields that stay unknown: `protocol`, `ports`, `source` (`destination` for an egress rule) */
  fields: string[];
  /** in words: "`data.oci_core_services.all.services[0].cidr_block` could not be evaluated" */
  reasons: string[];
  at: Span;
}

/** Longest expression text quoted in a reason (an HCL expression may be a page long). */
const MAX_TEXT = 80;

/** An expression's text on one line, cut to a length that fits in a message. */
export function shortText(text: string): string {
  const one = text.split(/\s+/).join(' ').trim();
  return one.length > MAX_TEXT ? `${one.slice(0, MAX_TEXT - 1)}…` : one;
}

/**
 * What is unknown about a rule, or undefined when every value is known. A reader that knows why (the Terraform
 * evaluator, a plan's `after_unknown`) sets `Rule.unevaluated`; for the others the reasons are worked out from
 * the unknown values' texts, at the rule itself.
 */
export function unevaluatedOf(rule: Rule, egress = false): Unevaluated | undefined {
  const fields: string[] = [];
  const texts: string[] = [];
  if (rule.protocol.kind === 'unknown') { fields.push('protocol'); texts.push(rule.protocol.text); }
  if (rule.ports.kind === 'unknown') { fields.push('ports'); texts.push(rule.ports.text); }
  if (rule.source.kind === 'unknown') { fields.push(egress ? 'destination' : 'source'); texts.push(rule.source.text); }
  const set = rule.unevaluated;
  if (set) return { fields, reasons: set.reasons.length ? set.reasons : reasonsOf(texts), at: set.at };
  if (fields.length === 0) return undefined;
  return { fields, reasons: reasonsOf(texts), at: rule.span };
}

function reasonsOf(texts: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of texts) {
    const r = `\`${shortText(t)}\` could not be evaluated`;
    if (!out.includes(r)) out.push(r);
  }
  return out;
}

/** Is every value of the rule known? */
export function isEvaluated(rule: Rule): boolean {
  return !rule.unevaluated && rule.protocol.kind !== 'unknown' && rule.ports.kind !== 'unknown' && rule.source.kind !== 'unknown';
}

/** One rule that could not be evaluated, as the check found it: the file it is in and the rule source it belongs to. */
export interface UnevaluatedRule {
  rule: Rule;
  path: string;
  /** how a message names its rule source: `security list "workers"`, `NSG "workers"` */
  sourceLabel: string;
  note: Unevaluated;
}

/**
 * The finding for the rules reported at one place (a rule, or the line that generates several): what they are,
 * what was unknown, and what that means for the checks.
 */
export function rulesNotEvaluated(path: string, at: Span, rules: readonly UnevaluatedRule[]): Finding {
  const fields: string[] = [];
  const reasons: string[] = [];
  const sources: string[] = [];
  for (const r of rules) {
    for (const f of r.note.fields) if (!fields.includes(f)) fields.push(f);
    for (const x of r.note.reasons) if (!reasons.includes(x)) reasons.push(x);
    if (!sources.includes(r.sourceLabel)) sources.push(r.sourceLabel);
  }
  const what = rules.length === 1 ? `The rule ${rules[0].rule.origin} of ${sources[0]}` : `${rules.length} rules of ${listText(sources)}`;
  const unknown = fields.length ? ` (${fields.join(', ')} unknown)` : '';
  const because = reasons.length ? `: ${listText(reasons)}` : '';
  const message = `${what} could not be evaluated${unknown}${because}. It counts as allowing what it might allow; a verdict that depends on it is shown as unknown.`;
  const others = rules.filter((r) => r.path !== path || r.rule.span.start !== at.start || r.rule.span.end !== at.end);
  return finding('rules-not-evaluated', path, at, message, {
    related: relatedList(others, (r) => ({ path: r.path, span: r.rule.span, message: `${r.rule.origin} (${r.sourceLabel})` })),
  });
}
