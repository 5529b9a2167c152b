/**
 * Where the workspace's suppressions are written (docs/suppressions.md): `# service-reach-ignore: CODE[, CODE…]
 * — reason` comments in manifests (a YAML comment: a `#` at a line's start or after white space, outside every
 * scalar the parser read — not text inside a block scalar or a quoted string), which cover their own line and
 * the next one; and the `service-reach.io/ignore: "CODE,CODE"` annotation of a Service, which covers that
 * Service's object. `findings/suppress.ts` applies them.
 */
import { applySuppressions, type Suppression } from '../findings/suppress';
import type { YDocument, YNode } from '../parse/yaml';
import type { ServiceModel } from '../k8s/service';
import type { Analysis, ParsedManifest } from './types';

export const IGNORE_MARKER = 'service-reach-ignore';
export const IGNORE_ANNOTATION = 'service-reach.io/ignore';

const commentsOf = new WeakMap<ParsedManifest, Suppression[]>();

/** The suppression comments of a manifest's text (worked out once per parse). */
export function commentSuppressions(path: string, text: string, m: ParsedManifest): Suppression[] {
  let out = commentsOf.get(m);
  if (out) return out;
  out = [];
  for (let at = text.indexOf(IGNORE_MARKER); at >= 0; at = text.indexOf(IGNORE_MARKER, at + IGNORE_MARKER.length)) {
    const s = commentAt(path, text, at, m.documents);
    if (s) out.push(s);
  }
  commentsOf.set(m, out);
  return out;
}

function commentAt(path: string, text: string, at: number, documents: readonly YDocument[]): Suppression | undefined {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  let hash = at - 1;
  while (hash >= lineStart && (text[hash] === ' ' || text[hash] === '\t')) hash--;
  if (hash < lineStart || text[hash] !== '#') return undefined;
  if (hash > lineStart && text[hash - 1] !== ' ' && text[hash - 1] !== '\t') return undefined;
  if (documents.some((d) => d.span.start <= hash && hash < d.span.end && insideScalar(d.contents, hash))) return undefined;
  let nl = text.indexOf('\n', at);
  if (nl < 0) nl = text.length;
  const lineEnd = nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
  let i = at + IGNORE_MARKER.length;
  while (i < lineEnd && (text[i] === ' ' || text[i] === '\t')) i++;
  if (text[i] !== ':') return undefined;
  const next = text.indexOf('\n', nl + 1);
  return {
    path, from: lineStart, to: next < 0 ? text.length : next,
    span: { start: hash, end: lineEnd }, kind: 'comment', codes: codeList(text.slice(i + 1, lineEnd)),
  };
}

/** The codes before the reason (`—`, `--` or ` - ` starts it), separated by commas or white space. */
export function codeList(written: string): string[] {
  let end = written.length;
  for (const sep of ['\u2014', '\u2013', ' -- ', ' - ']) {
    const k = written.indexOf(sep);
    if (k >= 0 && k < end) end = k;
  }
  return written.slice(0, end).split(/[\s,]+/).filter((c) => c.length > 0);
}

/** A scalar of the tree spans the offset (block scalars and multi-line quoted strings included). */
function insideScalar(n: YNode | null, offset: number): boolean {
  if (!n || offset < n.span.start || offset >= n.span.end) return false;
  if (n.kind === 'scalar') return true;
  if (n.kind === 'seq') return n.items.some((i) => insideScalar(i, offset));
  return n.pairs.some((p) => insideScalar(p.key, offset) || insideScalar(p.value, offset));
}

/** The suppression a Service's `service-reach.io/ignore` annotation makes (its value unknown: none). */
export function annotationSuppression(svc: ServiceModel): Suppression | undefined {
  const a = svc.annotations.get(IGNORE_ANNOTATION);
  if (!a || a.value === undefined) return undefined;
  const span = a.pair.value?.span ?? a.pair.key.span;
  return { path: svc.path, from: svc.object.span.start, to: svc.object.span.end, span: { ...span }, kind: 'annotation', codes: codeList(a.value) };
}

/**
 * The analysis as reported: the suppressions of the workspace's manifests and Services applied to its findings
 * (`suppressed` holds those set apart, `findings` gains the `unused-ignore` ones).
 */
export function withSuppressions(
  analysis: Analysis, manifests: Iterable<{ path: string; text: string; holds: (word: string) => boolean; parsed: () => ParsedManifest }>,
): Analysis {
  const all: Suppression[] = [];
  for (const m of manifests) if (m.holds(IGNORE_MARKER)) for (const s of commentSuppressions(m.path, m.text, m.parsed())) all.push(s);
  for (const s of analysis.services) {
    const a = annotationSuppression(s.service);
    if (a) all.push(a);
  }
  if (all.length === 0) return analysis.suppressed.length === 0 ? analysis : { ...analysis, suppressed: [] };
  const { findings, suppressed } = applySuppressions(analysis.findings, all);
  return { ...analysis, findings, suppressed };
}
