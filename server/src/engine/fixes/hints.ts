/**
 * The fix hints that findings carry (see `FixHint` in findings/finding.ts), read back with their types checked:
 * a finding is plain data, so a hint is validated rather than trusted.
 */
import type { Finding } from '../findings/finding';
import type { From, Layer, PortKind, Traffic } from '../exposure/requirements';
import type { Protocol } from '../sources/model';
import type { Span } from '../text/span';

export interface ReplaceHint {
  kind: 'replace';
  span: Span;
  text: string;
}

export interface PortNameHint {
  kind: 'add-port-name';
  portSpan: Span;
  name: string;
}

/** `pin-node-port` from the API checks: the nodePort value to set. */
export interface PinValueHint {
  kind: 'pin-node-port';
  span: Span;
}

export interface TargetRef {
  kind: 'firewalld-zone' | 'oci-security-list' | 'oci-nsg';
  path: string;
  key: string;
}

export interface Missing {
  layer: Layer;
  traffic: Traffic;
  from: From;
}

/** `open-port` and `pin-node-port` from the reachability check. */
export interface ReachHint {
  kind: 'open-port' | 'pin-node-port';
  layer: Layer;
  protocol: Protocol;
  port: number | null;
  portKind: PortKind;
  traffic: Traffic;
  froms: From[];
  service: string;
  namespace: string | undefined;
  portOwner: string;
  targets: TargetRef[];
  servicePortIndex: number | null;
  anchor: Span;
  /** every requirement of the finding's group; derived from froms/layer/traffic when absent */
  missing: Missing[];
}

function isSpan(v: unknown): v is Span {
  const s = v as Span;
  return !!s && typeof s === 'object' && Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end >= s.start;
}

function isFrom(v: unknown): v is From {
  const f = v as From;
  return !!f && typeof f === 'object' && (f.kind === 'any' || (f.kind === 'cidr' && typeof f.cidr === 'string'));
}

const LAYERS = new Set(['firewalld', 'worker-lists', 'lb-lists']);
const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);
const TARGET_KINDS = new Set(['firewalld-zone', 'oci-security-list', 'oci-nsg']);
const TRAFFICS = new Set(['clients-to-nodes', 'lb-to-nodes', 'lb-health-check', 'clients-to-nodes-preserved', 'clients-to-lb']);
const PORT_KINDS = new Set(['node', 'health', 'listener']);

export function replaceHint(f: Finding): ReplaceHint | undefined {
  const h = f.fix;
  if (h?.kind !== 'replace' || !isSpan(h.span) || typeof h.text !== 'string' || h.text === '') return undefined;
  return { kind: 'replace', span: h.span, text: h.text };
}

export function portNameHint(f: Finding): PortNameHint | undefined {
  const h = f.fix;
  if (h?.kind !== 'add-port-name' || !isSpan(h.portSpan) || typeof h.name !== 'string' || h.name === '') return undefined;
  return { kind: 'add-port-name', portSpan: h.portSpan, name: h.name };
}

export function reachHint(f: Finding): ReachHint | undefined {
  const h = f.fix;
  if (!h || (h.kind !== 'open-port' && h.kind !== 'pin-node-port')) return undefined;
  if (typeof h.layer !== 'string' || !LAYERS.has(h.layer) || typeof h.protocol !== 'string' || !PROTOCOLS.has(h.protocol)) return undefined;
  if (!(h.port === null || (typeof h.port === 'number' && Number.isInteger(h.port)))) return undefined;
  if (!isSpan(h.anchor) || !Array.isArray(h.froms) || !h.froms.every(isFrom) || !Array.isArray(h.targets)) return undefined;
  if (typeof h.traffic !== 'string' || !TRAFFICS.has(h.traffic) || (h.portKind !== undefined && (typeof h.portKind !== 'string' || !PORT_KINDS.has(h.portKind)))) return undefined;
  const targets = (h.targets as unknown[]).filter((t): t is TargetRef => {
    const x = t as TargetRef;
    return !!x && typeof x.path === 'string' && typeof x.key === 'string' && TARGET_KINDS.has(x.kind);
  });
  const layer = h.layer as Layer;
  const traffic = h.traffic as Traffic;
  const missing: Missing[] = Array.isArray(h.missing)
    ? (h.missing as unknown[]).filter((m): m is Missing => {
      const x = m as Missing;
      return !!x && LAYERS.has(x.layer) && TRAFFICS.has(x.traffic) && isFrom(x.from);
    })
    : (h.froms as From[]).map((from) => ({ layer, traffic, from }));
  return {
    kind: h.kind,
    layer,
    protocol: h.protocol as Protocol,
    port: h.port as number | null,
    portKind: (h.portKind as PortKind) ?? 'node',
    traffic,
    froms: h.froms as From[],
    service: typeof h.service === 'string' ? h.service : '(unnamed)',
    namespace: typeof h.namespace === 'string' ? h.namespace : undefined,
    portOwner: typeof h.portOwner === 'string' ? h.portOwner : '',
    targets,
    servicePortIndex: typeof h.servicePortIndex === 'number' ? h.servicePortIndex : null,
    anchor: h.anchor,
    missing,
  };
}

/** A `pin-node-port` hint from the API checks (out of range, conflict): it names the value to change. */
export function pinValueHint(f: Finding): PinValueHint | undefined {
  const h = f.fix;
  if (h?.kind !== 'pin-node-port' || !isSpan(h.span) || 'layer' in h) return undefined;
  return { kind: 'pin-node-port', span: h.span };
}
