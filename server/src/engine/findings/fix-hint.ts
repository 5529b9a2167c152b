/**
 * The fix hints that findings carry: what a quick fix needs to know, as a discriminated union on `kind`. The
 * checks build them with these types (the rule units in `rules/` hold the builders), the fix modules read them
 * with a `switch (hint.kind)` that the compiler checks is exhaustive (`fixes/planned.ts`). Types only.
 *
 * A hint never comes from outside the engine: the language server matches a diagnostic the client sends back
 * to the engine's own finding (by path, code and span) and reads that finding's hint, never the client's data.
 *
 * The words a hint uses (layer, traffic, port kind, source, protocol) are spelt here because findings sit below
 * the exposure model; `rules/vocabulary.ts` makes the compiler check they are the exposure model's own.
 */
import type { Span } from '../text/span';

export type HintLayer = 'firewalld' | 'node-firewall' | 'worker-lists' | 'lb-lists';
export type HintTraffic = 'clients-to-nodes' | 'lb-to-nodes' | 'lb-health-check' | 'clients-to-nodes-preserved' | 'clients-to-lb' | 'lb-egress-to-nodes';
export type HintPortKind = 'node' | 'health' | 'listener';
export type HintFrom = { kind: 'any' } | { kind: 'cidr'; cidr: string };
export type HintProtocol = 'TCP' | 'UDP' | 'SCTP';

/**
 * What every hint may add when its finding is about a Service a Kustomize overlay builds: the kustomization paths
 * of the overlays the finding was made in (its spans are already those of the file the value came from). The
 * fixes then edit the base or the patch, and say when the edit changes other overlays too.
 */
export interface BuiltHint {
  overlays?: string[];
}

/** Replace the text at `span` by `text` (a valid spelling: type, protocol, field name). */
export interface ReplaceHint extends BuiltHint {
  kind: 'replace';
  span: Span;
  text: string;
}

/** Give the port item at `portSpan` a name, `name` if it is free. */
export interface PortNameHint extends BuiltHint {
  kind: 'add-port-name';
  portSpan: Span;
  name: string;
}

/** Set the written nodePort value at `span` to the lowest free port of the range (out of range, conflict). */
export interface PinValueHint extends BuiltHint {
  kind: 'pin-node-port-value';
  span: Span;
  /** the file the value is written in when it is not the finding's (a Helm chart's values file), and its key there */
  values?: { path: string; key: string };
}

/** A rule source the reachability check read for the finding. */
export interface TargetRef {
  kind: 'firewalld-zone' | 'oci-security-list' | 'oci-nsg' | 'iptables' | 'nftables';
  path: string;
  key: string;
}

/** One requirement that is not allowed: what a fix must open. */
export interface Missing {
  layer: HintLayer;
  traffic: HintTraffic;
  from: HintFrom;
}

/**
 * From the reachability check: `open-port` (open the port in each layer that lacks it) or `pin-node-port` (an
 * unpinned node port: pin it, else open the whole range).
 */
export interface ReachHint extends BuiltHint {
  kind: 'open-port' | 'pin-node-port';
  layer: HintLayer;
  protocol: HintProtocol;
  port: number | null;
  portKind: HintPortKind;
  traffic: HintTraffic;
  froms: HintFrom[];
  service: string;
  namespace: string | undefined;
  portOwner: string;
  targets: TargetRef[];
  servicePortIndex: number | null;
  anchor: Span;
  /** every requirement of the finding's group (all of them not allowed): what a fix must open, layer by layer */
  missing: Missing[];
}

export type FixHint = ReplaceHint | PortNameHint | PinValueHint | ReachHint;

export type FixHintKind = FixHint['kind'];
