/**
 * Manifest fixes (YAML, or JSON read as YAML): replace a value or key with the suggestion (quoting kept), name a
 * port, pin a node port (set the value, or insert `nodePort: N` / `healthCheckNodePort: N`). Insertions take
 * the indentation, newline and style (block or flow, quoted keys or not) of the map they go into.
 */
import type { Finding } from '../findings/finding';
import type { YMap, YPair, YSeq } from '../parse/yaml';
import type { ServiceModel, ServicePort } from '../k8s/service';
import { isValidPortName } from '../checks/service-api';
import { detectNewline } from '../sources/source-common';
import type { Span } from '../text/span';
import type { FixContext } from './context';
import { plainEdit } from './edits';
import type { PinValueHint, PortNameHint, ReachHint, ReplaceHint } from '../findings/fix-hint';
import type { PlannedFix } from './plan';

type QuoteStyle = 'plain' | 'single' | 'double';

function quoteStyleOf(written: string): QuoteStyle {
  return written.startsWith('"') ? 'double' : written.startsWith("'") ? 'single' : 'plain';
}

const PLAIN_SAFE = /^[A-Za-z_][A-Za-z0-9_./-]*$/;

/** A YAML (or JSON) string scalar in the given style; plain falls back to double quotes when it must. */
export function yamlString(value: string, style: QuoteStyle): string {
  if (style === 'single') return `'${value.split("'").join("''")}'`;
  if (style === 'double' || !PLAIN_SAFE.test(value) || ['true', 'false', 'null', 'yes', 'no', 'on', 'off', 'y', 'n', '~'].includes(value.toLowerCase())) return JSON.stringify(value);
  return value;
}

export function replaceFix(ctx: FixContext, finding: Finding, hint: ReplaceHint): PlannedFix[] {
  const text = ctx.ws.getText(finding.path);
  if (text === undefined || hint.span.end > text.length) return [];
  const written = text.slice(hint.span.start, hint.span.end);
  const replacement = yamlString(hint.text, quoteStyleOf(written));
  if (replacement === written) return [];
  const what = finding.code === 'unknown-field' ? 'field' : finding.code === 'invalid-protocol' ? 'protocol' : 'type';
  return [{
    title: `Change ${what} ${written.trim()} to ${replacement}`,
    finding,
    isPreferred: true,
    plans: [plainEdit(finding.path, hint.span, replacement)],
  }];
}

// ----------------------------------------------------------------------------------------- map editing

/** The column of an offset (characters since the start of its line). */
function columnOf(text: string, offset: number): number {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  return offset - s;
}

function lineStartOf(text: string, offset: number): number {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n' && text[s - 1] !== '\r') s--;
  return s;
}

/** The key style of a map's keys: quoted in JSON and in maps whose first key is quoted. */
function keyStyle(map: YMap): QuoteStyle {
  const k = map.pairs[0]?.key;
  return k?.style === 'double' ? 'double' : k?.style === 'single' ? 'single' : 'plain';
}

function pairText(map: YMap, key: string, value: string): string {
  const style = keyStyle(map);
  return `${style === 'plain' ? key : yamlString(key, style)}: ${value}`;
}

/** The indentation of a block map's keys, when a new line at that column is safe to write. */
function blockKeyIndent(text: string, map: YMap): string | undefined {
  for (const p of map.pairs) {
    const start = p.key.span.start;
    const prefix = text.slice(lineStartOf(text, start), start);
    if (/^[ -]*$/.test(prefix) && (p === map.pairs[0] || /^ *$/.test(prefix))) return ' '.repeat(prefix.length);
  }
  return undefined;
}

/** Is the pair written on one line, with a scalar value (not a block scalar)? */
function singleLinePair(text: string, p: YPair): boolean {
  const v = p.value;
  if (!v || v.kind !== 'scalar' || v.style === 'block') return false;
  return !/[\r\n]/.test(text.slice(p.key.span.start, Math.max(v.span.end, p.key.span.end)));
}

/** Only the map's own pairs (merge keys fold in pairs that live elsewhere). */
function ownPairs(map: YMap): YPair[] {
  return map.pairs.filter((p) => p.key.span.start >= map.span.start && p.key.span.end <= map.span.end);
}

/** Inserts `key: value` as the map's first pair. */
export function insertFirstPair(text: string, map: YMap, key: string, value: string): { span: Span; newText: string } | undefined {
  const pairs = ownPairs(map);
  const first = pairs[0];
  if (!first) return undefined;
  const at = first.key.span.start;
  const kv = pairText(map, key, value);
  if (map.flow) {
    const open = text.lastIndexOf('{', at);
    const between = open >= map.span.start ? text.slice(open + 1, at) : '';
    const sep = /^[ \t]*\r?\n[ \t]*$/.test(between) ? between : ' ';
    return { span: { start: at, end: at }, newText: `${kv},${sep}` };
  }
  const indent = blockKeyIndent(text, map);
  if (indent === undefined) return undefined;
  return { span: { start: at, end: at }, newText: kv + detectNewline(text) + indent };
}

/** Inserts `key: value` after `after` (block: on a line of its own; flow: after a comma). */
export function insertPairAfter(text: string, map: YMap, after: YPair | undefined, key: string, value: string): { span: Span; newText: string } | undefined {
  const pairs = ownPairs(map);
  const kv = pairText(map, key, value);
  if (map.flow) {
    const last = pairs[pairs.length - 1];
    if (!last) {
      const open = map.span.start;
      if (text[open] !== '{') return undefined;
      return { span: { start: open + 1, end: open + 1 }, newText: kv };
    }
    let sep = ', ';
    if (pairs.length >= 2) {
      const between = text.slice(pairs[pairs.length - 2].span.end, last.key.span.start);
      if (/^[ \t]*,[ \t]*\r?\n[ \t]*$/.test(between)) sep = between;
    } else {
      const open = text.lastIndexOf('{', last.key.span.start);
      const head = open >= map.span.start ? text.slice(open + 1, last.key.span.start) : '';
      if (/^[ \t]*\r?\n[ \t]*$/.test(head)) sep = `,${head}`;
    }
    return { span: { start: last.span.end, end: last.span.end }, newText: sep + kv };
  }
  const anchor = after && singleLinePair(text, after) ? after : [...pairs].reverse().find((p) => singleLinePair(text, p));
  const indent = blockKeyIndent(text, map);
  if (!anchor || indent === undefined) return insertFirstPair(text, map, key, value);
  const nl = detectNewline(text);
  let at = text.indexOf('\n', anchor.value!.span.end);
  if (at < 0) at = text.length;
  else if (text[at - 1] === '\r') at--;
  const rest = text.slice(anchor.value!.span.end, at).trim();
  if (rest !== '' && !rest.startsWith('#')) return insertFirstPair(text, map, key, value);
  return { span: { start: at, end: at }, newText: nl + indent + kv };
}

/**
 * Inserts `key:` with a block sequence of one map (`item`: its pairs, in order) after `after`, in a block map:
 * `ports:` then `  - port: 80` / `    nodePort: 30000` at the map's indentation. Undefined in a flow map.
 */
export function insertSeqAfter(text: string, map: YMap, after: YPair, key: string, item: readonly [string, string][]): { span: Span; newText: string } | undefined {
  const indent = blockKeyIndent(text, map);
  if (map.flow || indent === undefined || item.length === 0 || !singleLinePair(text, after)) return undefined;
  const nl = detectNewline(text);
  let at = text.indexOf('\n', after.value!.span.end);
  if (at < 0) at = text.length;
  else if (text[at - 1] === '\r') at--;
  const rest = text.slice(after.value!.span.end, at).trim();
  if (rest !== '' && !rest.startsWith('#')) return undefined;
  const lines = item.map(([k, v], i) => `${indent}${i === 0 ? '  - ' : '    '}${k}: ${v}`);
  return { span: { start: at, end: at }, newText: `${nl}${indent}${key}:${nl}${lines.join(nl)}` };
}

/**
 * Appends a map item (`item`: its pairs, in order) to a block sequence of maps, after its last item, with the
 * first item's dash and indentation. Undefined in a flow sequence, or when the last item ends beside other text.
 */
export function appendSeqItem(text: string, seq: YSeq, item: readonly [string, string][]): { span: Span; newText: string } | undefined {
  const first = seq.items[0];
  const last = seq.items[seq.items.length - 1];
  if (seq.flow || !first || !last || first.kind !== 'map' || last.kind !== 'map' || last.flow || item.length === 0) return undefined;
  const head = text.slice(lineStartOf(text, first.span.start), first.span.start);
  const dash = /^( *)- +$/.exec(head);
  if (!dash) return undefined;
  let end = last.span.end;
  while (end > last.span.start && /\s/.test(text[end - 1])) end--;
  let at = text.indexOf('\n', end);
  if (at < 0) at = text.length;
  else if (text[at - 1] === '\r') at--;
  const rest = text.slice(end, at).trim();
  if (rest !== '' && !rest.startsWith('#')) return undefined;
  const nl = detectNewline(text);
  const lines = item.map(([k, v], i) => `${i === 0 ? head : ' '.repeat(head.length)}${k}: ${v}`);
  return { span: { start: at, end: at }, newText: nl + lines.join(nl) };
}

/** Sets a pair's (empty, null or 0) value. */
export function setPairValue(text: string, pair: YPair, value: string): { span: Span; newText: string } | undefined {
  const v = pair.value;
  if (v && v.kind === 'scalar' && v.span.end > v.span.start) return { span: v.span, newText: value };
  if (v && v.kind !== 'scalar') return undefined;
  const colon = text.indexOf(':', pair.key.span.end);
  if (colon < 0 || text.slice(pair.key.span.end, colon).trim() !== '') return undefined;
  return { span: { start: colon + 1, end: colon + 1 }, newText: ` ${value}` };
}

// ------------------------------------------------------------------------------------------ port names

function serviceScope(svc: ServiceModel): string {
  return `port-names:${svc.path}:${svc.object.span.start}`;
}

export function portNameFix(ctx: FixContext, finding: Finding, hint: PortNameHint): PlannedFix[] {
  const text = ctx.ws.getText(finding.path);
  const svc = ctx.serviceOf(finding);
  const port = svc?.ports.find((p) => p.span.start === hint.portSpan.start);
  if (text === undefined || !svc || !port) return [];
  return namePort(ctx, finding, hint, text, serviceScope(svc), svc, port, port.node);
}

/**
 * The port name fix: a name free among `svc`'s ports (and not handed out in `scope` yet), written as the first pair
 * of `node` — the port item in the finding's file (for a Service an overlay builds, the base's or the patch's item).
 */
export function namePort(ctx: FixContext, finding: Finding, hint: PortNameHint, text: string, scope: string, svc: ServiceModel, port: ServicePort, node: YMap): PlannedFix[] {
  ctx.seedNames(scope, () => svc.ports.map((p) => p.name).filter((n): n is string => !!n));
  const candidates = [hint.name, `port-${port.port ?? port.index}`, `port-${port.port ?? port.index}-${(port.protocol ?? 'tcp').toLowerCase()}`];
  let name = candidates.find((c) => isValidPortName(c) && !ctx.nameTaken(scope, c));
  for (let i = 2; !name; i++) {
    const c = `${candidates[1]}-${i}`;
    if (!ctx.nameTaken(scope, c)) name = c;
  }
  const edit = insertFirstPair(text, node, 'name', yamlString(name, keyStyle(node)));
  if (!edit) return [];
  ctx.takeName(scope, name);
  return [{
    title: `Name this port "${name}"`,
    finding,
    isPreferred: true,
    plans: [plainEdit(finding.path, edit.span, edit.newText)],
  }];
}

// ------------------------------------------------------------------------------------------ node ports

export function rangeText(ctx: FixContext): string {
  const r = ctx.analysis.config.nodePortRange;
  return `${r.min}-${r.max}`;
}

/** nodeport-out-of-range, nodeport-conflict: the written nodePort gets the lowest free port. */
export function pinValueFix(ctx: FixContext, finding: Finding, hint: PinValueHint): PlannedFix[] {
  // a value a Helm chart printed is set where it is written: its values file
  const path = hint.values?.path ?? finding.path;
  const text = ctx.ws.getText(path);
  if (text === undefined || hint.span.end > text.length || hint.span.end === hint.span.start) return [];
  const written = text.slice(hint.span.start, hint.span.end);
  if (/[\r\n{}[\],]/.test(written)) return [];
  const n = ctx.takeNodePort();
  if (n === undefined) return [];
  return [{
    title: hint.values
      ? `Set \`${hint.values.key}\` to ${n} in ${hint.values.path} (the lowest free port in ${rangeText(ctx)})`
      : `Set the node port to ${n} (the lowest free port in ${rangeText(ctx)})`,
    finding,
    isPreferred: true,
    plans: [plainEdit(path, hint.span, String(n))],
  }];
}

/** nodeport-unpinned: write `nodePort: N` into the ports[] item, or `healthCheckNodePort: N` under spec. */
export function pinUnpinnedFix(ctx: FixContext, finding: Finding, h: ReachHint, pick: PinPick = {}): PlannedFix[] {
  const pinned = pinUnpinned(ctx, finding, h, pick);
  return pinned ? [pinned.fix] : [];
}

/** Which free port a pin may take (`accept`), and why that one (`why`, for the title). */
export interface PinPick {
  accept?: (port: number) => boolean;
  why?: string;
}

/**
 * The pin of an unpinned port to the lowest free port that `pick.accept` accepts (`pick.why` says why that port
 * in the title), and that port.
 */
export function pinUnpinned(ctx: FixContext, finding: Finding, h: ReachHint, pick: PinPick = {}): { fix: PlannedFix; port: number } | undefined {
  const text = ctx.ws.getText(finding.path);
  const svc = ctx.serviceAt(finding.path, h.anchor)?.service;
  if (text === undefined || !svc) return undefined;
  let edit: { span: Span; newText: string } | undefined;
  let what: string;
  let n: number | undefined;
  if (h.servicePortIndex !== null) {
    const port = svc.ports.find((p) => p.index === h.servicePortIndex);
    if (!port) return undefined;
    n = ctx.takeNodePort(pick.accept);
    if (n === undefined) return undefined;
    edit = port.nodePortPair ? setPairValue(text, port.nodePortPair, String(n)) : insertPairAfter(text, port.node, undefined, 'nodePort', String(n));
    what = 'nodePort';
  } else {
    if (!svc.spec) return undefined;
    n = ctx.takeNodePort(pick.accept);
    if (n === undefined) return undefined;
    edit = svc.healthCheckNodePortPair
      ? setPairValue(text, svc.healthCheckNodePortPair, String(n))
      : insertPairAfter(text, svc.spec, svc.externalTrafficPolicyPair, 'healthCheckNodePort', String(n));
    what = 'healthCheckNodePort';
  }
  if (!edit) return undefined;
  return { port: n, fix: {
    title: `Pin ${what} to ${n} (${pick.why ?? `the lowest free port in ${rangeText(ctx)}`})`,
    finding,
    isPreferred: true,
    plans: [plainEdit(finding.path, edit.span, edit.newText)],
  } };
}

