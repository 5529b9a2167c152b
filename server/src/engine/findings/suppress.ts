/**
 * Suppressions: what the user marked as intended (docs/suppressions.md). The one place they are applied, after
 * every finding was made, for the CLI and the language server alike: a finding that a suppression covers (same
 * file, starting in its range, its code named) is set apart as suppressed — counted and carried in SARIF, never
 * shown in the editor — and a suppression code that covers nothing is an `unused-ignore` finding where it is
 * written. Pure: where the suppressions are written is worked out by the workspace (`workspace/suppressions.ts`).
 */
import type { Span } from '../text/span';
import { CODES } from './codes';
import { finding, type Finding } from './finding';

export interface Suppression {
  /** the file it is written in, and the findings it covers: in this file, starting in [from, to) */
  path: string;
  from: number;
  to: number;
  /** where it is written (the comment, the annotation's value): an `unused-ignore` goes there */
  span: Span;
  kind: 'comment' | 'annotation';
  /** the codes it names, as written */
  codes: string[];
}

export interface Suppressed {
  /** what is reported: the findings no suppression covers, and the `unused-ignore` findings */
  findings: Finding[];
  /** the findings a suppression covers */
  suppressed: Finding[];
}

export function applySuppressions(findings: readonly Finding[], suppressions: readonly Suppression[]): Suppressed {
  if (suppressions.length === 0) return { findings: findings as Finding[], suppressed: [] };
  const byPath = new Map<string, Suppression[]>();
  for (const s of suppressions) {
    const list = byPath.get(s.path);
    if (list) list.push(s); else byPath.set(s.path, [s]);
  }
  const used = new Map<Suppression, Set<string>>();
  const kept: Finding[] = [];
  const suppressed: Finding[] = [];
  for (const f of findings) {
    let covered = false;
    for (const s of byPath.get(f.path) ?? []) {
      if (f.span.start < s.from || f.span.start >= s.to || !s.codes.includes(f.code)) continue;
      covered = true;
      const u = used.get(s);
      if (u) u.add(f.code); else used.set(s, new Set([f.code]));
    }
    (covered ? suppressed : kept).push(f);
  }
  const unusedFindings: Finding[] = [];
  for (const s of suppressions) {
    const u = used.get(s);
    const unused = [...new Set(s.codes)].filter((c) => !u?.has(c));
    if (unused.length === 0 && s.codes.length > 0) continue;
    unusedFindings.push(finding('unused-ignore', s.path, s.span, unusedMessage(s, unused)));
  }
  return { findings: unusedFindings.length ? placed(kept, unusedFindings) : kept, suppressed };
}

/** `extra` among `findings` in the order of the text: before the first of its file that starts after it. */
function placed(findings: Finding[], extra: Finding[]): Finding[] {
  const out = [...findings];
  for (const f of extra) {
    let at = -1;
    let lastOfFile = -1;
    for (let k = 0; k < out.length; k++) {
      if (out[k].path !== f.path) continue;
      lastOfFile = k;
      if (out[k].span.start > f.span.start) { at = k; break; }
    }
    out.splice(at >= 0 ? at : lastOfFile >= 0 ? lastOfFile + 1 : out.length, 0, f);
  }
  return out;
}

function unusedMessage(s: Suppression, unused: string[]): string {
  const unknown = unused.filter((c) => !Object.prototype.hasOwnProperty.call(CODES, c));
  const known = unused.filter((c) => !unknown.includes(c));
  const list = (cs: string[]) => cs.map((c) => `\`${c}\``).join(', ');
  const where = s.kind === 'comment' ? 'on this line or the next one' : 'in this Service';
  const parts: string[] = [];
  if (known.length) parts.push(`no ${list(known)} finding ${where} to suppress`);
  if (unknown.length) parts.push(`${list(unknown)} ${unknown.length === 1 ? 'is' : 'are'} not a finding code`);
  if (s.codes.length === 0) parts.push('it names no code');
  return `This suppression matches nothing: ${parts.join('; ')}.`;
}
