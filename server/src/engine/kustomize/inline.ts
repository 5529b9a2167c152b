/**
 * Patches written inside a kustomization as a string of YAML (`patch: |-` …). The string is parsed with the
 * project's YAML reader; for a literal block (`|`) each node's span is carried back to where its text stands in
 * the kustomization (the block's lines, less their indentation), so a finding on a value the patch set points at
 * that line. Other string styles (quoted, folded) point at the whole string.
 */
import type { Span } from '../text/span';
import { parseYaml, type YNode, type YScalar } from '../parse/yaml';
import { BuildError, type Budget } from './vtree';

/**
 * The documents of an inline patch. `text` is the kustomization's text, `start` where its segment starts in the
 * build's offset space (the scalar's span is in that space).
 */
export function inlineDocuments(s: YScalar, text: string, start: number, budget: Budget): YNode[] {
  const source = String(s.value ?? '');
  const parsed = parseYaml(source);
  const problem = parsed.problems[0];
  if (problem) throw new BuildError(`the inline patch is not valid YAML: ${problem.message}`, s.span);
  const to = offsetMap(s, source, text, start);
  const seen = new Set<object>();
  const move = (n: YNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    budget.charge();
    n.span = to(n.span);
    if (n.kind === 'map') for (const p of n.pairs) { p.key.span = to(p.key.span); p.span = to(p.span); if (p.value) move(p.value); }
    else if (n.kind === 'seq') for (const i of n.items) if (i) move(i);
  };
  const out: YNode[] = [];
  for (const d of parsed.documents) if (d.contents) { move(d.contents); out.push(d.contents); }
  return out;
}

function offsetMap(s: YScalar, source: string, text: string, start: number): (span: Span) => Span {
  const whole = (): Span => ({ ...s.span });
  const rel = { start: s.span.start - start, end: s.span.end - start };
  const raw = text.slice(rel.start, rel.end);
  if (s.style !== 'block' || !raw.startsWith('|')) return whole;
  // the block's content lines, after its header line
  const lines: { at: number; text: string }[] = [];
  let at = raw.indexOf('\n') + 1;
  if (at === 0) return whole;
  while (at <= raw.length) {
    const nl = raw.indexOf('\n', at);
    const end = nl < 0 ? raw.length : nl;
    lines.push({ at, text: raw.slice(at, end).replace(/\r$/, '') });
    if (nl < 0) break;
    at = nl + 1;
  }
  const first = lines.find((l) => l.text.trim() !== '');
  const indent = first ? first.text.length - first.text.trimStart().length : 0;
  const valueStarts: number[] = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === '\n') valueStarts.push(i + 1);
  const point = (o: number): number => {
    let line = 0;
    while (line + 1 < valueStarts.length && valueStarts[line + 1] <= o) line++;
    const l = lines[Math.min(line, lines.length - 1)];
    if (!l) return s.span.start;
    const col = Math.min(o - valueStarts[line] + indent, l.text.length);
    return start + rel.start + l.at + col;
  };
  return (span) => ({ start: point(span.start), end: Math.max(point(span.start), point(span.end)) });
}
