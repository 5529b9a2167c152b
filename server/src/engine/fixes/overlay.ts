/**
 * Fixes of findings about Services that Kustomize overlays build (docs/kustomize.md). The finding sits in the file
 * the value came from (a base, a patch), and so does the fix: a typo or a node port is corrected where it is
 * written. A node port that is not pinned is pinned in the file that makes the Service a NodePort or a
 * LoadBalancer: the overlay's patch when a patch set the type (the other overlays of the base are left as they
 * are), the base when the base did (every overlay built from it then gets the pin). A fix whose edit reaches a
 * file that other overlays build from says so in its title.
 */
import type { Finding } from '../findings/finding';
import type { PortNameHint, ReachHint } from '../findings/fix-hint';
import type { ServiceModel, ServicePort } from '../k8s/service';
import { portItemHead, valueSpan } from '../k8s/spans';
import type { YMap, YNode, YPair } from '../parse/yaml';
import type { Span } from '../text/span';
import type { OverlayResult } from '../workspace/types';
import type { FixContext } from './context';
import { plainEdit, type PlannedEdit } from './edits';
import { appendSeqItem, insertPairAfter, insertSeqAfter, namePort, rangeText, setPairValue, type PinPick } from './manifest';
import type { PlannedFix } from './plan';

/** The overlays a finding's hint names, as the analysis built them. */
function builtIn(ctx: FixContext, overlays: readonly string[]): OverlayResult[] {
  return ctx.analysis.overlays.filter((o) => overlays.includes(o.path));
}

function origin(r: OverlayResult, span: Span): { path: string; span: Span } | undefined {
  return r.build.segments.origin(span);
}

const at = (o: { path: string; span: Span } | undefined, path: string, start: number): boolean => o?.path === path && o.span.start === start;

/**
 * What a title adds when the edited files are built into more than the overlays the finding names (or into
 * several): the overlays that change with them.
 */
export function overlayNote(ctx: FixContext, named: readonly string[], edited: readonly string[]): string {
  const changed = ctx.analysis.overlays.filter((o) => edited.some((p) => o.build.files.has(p)));
  if (changed.length <= 1 && changed.every((o) => named.includes(o.path))) return '';
  const names = changed.map((o) => `\`${o.overlay}\``).join(', ');
  return ` (changes overlay${changed.length === 1 ? '' : 's'} ${names})`;
}

/** The fixes with the note on every title that edits. */
export function noted(ctx: FixContext, named: readonly string[], fixes: PlannedFix[]): PlannedFix[] {
  return fixes.map((f) => (f.plans.length ? { ...f, title: f.title + overlayNote(ctx, named, [...new Set(f.plans.map((p) => p.path))]) } : f));
}

/** The map of a file's YAML whose span is `span`, or that holds a key at `keyStart`. */
function mapIn(ctx: FixContext, path: string, test: (m: YMap) => boolean): YMap | undefined {
  const docs = ctx.ws.manifest(path)?.documents ?? [];
  const walk = (n: YNode | null): YMap | undefined => {
    if (!n || n.kind === 'scalar') return undefined;
    if (n.kind === 'map') {
      if (test(n)) return n;
      for (const p of n.pairs) {
        const found = walk(p.value);
        if (found) return found;
      }
      return undefined;
    }
    for (const i of n.items) {
      const found = walk(i);
      if (found) return found;
    }
    return undefined;
  };
  for (const d of docs) {
    const found = walk(d.contents);
    if (found) return found;
  }
  return undefined;
}

const holdingKey = (start: number) => (m: YMap) => m.pairs.some((p) => p.key.span.start === start);
const pairAt = (m: YMap, start: number): YPair | undefined => m.pairs.find((p) => p.key.span.start === start);

/** add-port-name: the name goes into the port item of the finding's file. */
export function builtPortNameFix(ctx: FixContext, finding: Finding, hint: PortNameHint): PlannedFix[] {
  const text = ctx.ws.getText(finding.path);
  if (text === undefined || !hint.overlays) return [];
  for (const r of builtIn(ctx, hint.overlays)) {
    for (const svc of r.services) {
      const port = svc.ports.find((p) => at(origin(r, p.span), finding.path, hint.portSpan.start));
      if (!port) continue;
      const node = mapIn(ctx, finding.path, (m) => m.span.start === hint.portSpan.start && m.span.end === hint.portSpan.end);
      if (!node) return [];
      return noted(ctx, hint.overlays, namePort(ctx, finding, hint, text, `port-names:${finding.path}:${hint.portSpan.start}`, svc, port, node));
    }
  }
  return [];
}

/** One overlay's unpinned port, the file that sets the Service's type, and where in it the pin goes. */
interface Pin {
  path: string;
  edit: (n: number) => { span: Span; newText: string } | undefined;
}

/**
 * nodeport-unpinned on a built Service: the pin (the same free port in every overlay the finding names), written
 * in the file that sets the Service's type, and that port.
 */
export function pinBuilt(ctx: FixContext, finding: Finding, h: ReachHint, pick: PinPick = {}): { fix: PlannedFix; port: number } | undefined {
  if (!h.overlays) return undefined;
  const pins = new Map<string, Pin>();
  for (const r of builtIn(ctx, h.overlays)) {
    for (const svc of r.services) {
      const pin = h.servicePortIndex === null ? healthPin(ctx, r, svc, finding.path, h.anchor) : portPin(ctx, r, svc, finding.path, h);
      if (pin === null) continue;
      if (!pin) return undefined;
      pins.set(pin.path, pin);
    }
  }
  if (pins.size === 0) return undefined;
  const n = ctx.takeNodePort(pick.accept);
  if (n === undefined) return undefined;
  const plans: PlannedEdit[] = [];
  for (const pin of pins.values()) {
    const e = pin.edit(n);
    if (!e) return undefined;
    plans.push(plainEdit(pin.path, e.span, e.newText));
  }
  const what = h.servicePortIndex === null ? 'healthCheckNodePort' : 'nodePort';
  const files = [...pins.keys()];
  return { port: n, fix: {
    title: `Pin ${what} to ${n} in ${files.join(', ')} (${pick.why ?? `the lowest free port in ${rangeText(ctx)}`})${overlayNote(ctx, h.overlays, files)}`,
    finding,
    isPreferred: true,
    plans,
  } };
}

/** The file that makes the Service a NodePort or LoadBalancer (its `type`), or the port item's when none says. */
function typeFile(r: OverlayResult, svc: ServiceModel, fallback: string): { path: string; keyStart?: number } | undefined {
  if (!svc.typePair) return { path: fallback };
  const o = origin(r, svc.typePair.key.span);
  return o && { path: o.path, keyStart: o.span.start };
}

/** null: this Service is not the finding's; undefined: it is, and cannot be pinned. */
function portPin(ctx: FixContext, r: OverlayResult, svc: ServiceModel, path: string, h: ReachHint): Pin | null | undefined {
  const port = svc.ports.find((p) => p.index === h.servicePortIndex && isAnchor(r, p, path, h.anchor.start));
  if (!port) return null;
  const file = typeFile(r, svc, path);
  if (!file) return undefined;
  const text = ctx.ws.getText(file.path);
  if (text === undefined) return undefined;
  // the file writes this port item: the pin goes into its item
  const own = port.node.pairs.map((p) => origin(r, p.key.span)).find((o) => o?.path === file.path);
  if (own) {
    const item = mapIn(ctx, file.path, holdingKey(own.span.start));
    if (!item) return undefined;
    const np = port.nodePortPair && origin(r, port.nodePortPair.key.span);
    if (port.nodePortPair && np?.path !== file.path) return undefined;
    const pair = np ? pairAt(item, np.span.start) : undefined;
    return { path: file.path, edit: (n) => (pair ? setPairValue(text, pair, String(n)) : insertPairAfter(text, item, undefined, 'nodePort', String(n))) };
  }
  // a patch that sets the type and does not write this port: an item is added to its `ports` (or a `ports` to its
  // spec), merged with the base's item on the port (and protocol)
  if (file.keyStart === undefined || port.port === null) return undefined;
  const spec = mapIn(ctx, file.path, holdingKey(file.keyStart));
  const typePair = spec && pairAt(spec, file.keyStart);
  if (!spec || !typePair) return undefined;
  const item: [string, string][] = [['port', String(port.port)]];
  if (port.protocolPair && port.protocol) item.push(['protocol', port.protocol]);
  const ports = spec.pairs.find((p) => p.name === 'ports');
  if (ports) {
    const seq = ports.value?.kind === 'seq' ? ports.value : undefined;
    return seq && { path: file.path, edit: (n) => appendSeqItem(text, seq, [...item, ['nodePort', String(n)]]) };
  }
  return { path: file.path, edit: (n) => insertSeqAfter(text, spec, typePair, 'ports', [...item, ['nodePort', String(n)]]) };
}

function isAnchor(r: OverlayResult, p: ServicePort, path: string, start: number): boolean {
  return at(origin(r, portItemHead(p)), path, start) || (!!p.nodePortPair && at(origin(r, valueSpan(p.nodePortPair)), path, start));
}

/** The health-check node port: pinned beside the `externalTrafficPolicy` that asks for it, in that pair's file. */
function healthPin(ctx: FixContext, r: OverlayResult, svc: ServiceModel, path: string, anchor: Span): Pin | null | undefined {
  const etp = svc.externalTrafficPolicyPair;
  const hc = svc.healthCheckNodePortPair;
  const mine = (hc && at(origin(r, valueSpan(hc)), path, anchor.start)) || (etp && at(origin(r, valueSpan(etp)), path, anchor.start))
    || (etp && at(origin(r, etp.key.span), path, anchor.start));
  if (!mine || !etp) return mine ? undefined : null;
  const o = origin(r, etp.key.span);
  if (!o) return undefined;
  const text = ctx.ws.getText(o.path);
  const spec = mapIn(ctx, o.path, holdingKey(o.span.start));
  const etpPair = spec && pairAt(spec, o.span.start);
  if (text === undefined || !spec || !etpPair) return undefined;
  const hco = hc && origin(r, hc.key.span);
  if (hc && hco?.path !== o.path) return undefined;
  const pair = hco ? pairAt(spec, hco.span.start) : undefined;
  return { path: o.path, edit: (n) => (pair ? setPairValue(text, pair, String(n)) : insertPairAfter(text, spec, etpPair, 'healthCheckNodePort', String(n))) };
}
