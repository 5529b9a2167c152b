/**
 * The exposure diagram's model: plain, JSON-safe data (no `undefined`, no Maps, offsets only) describing the
 * path a Service's traffic takes — boxes (clients, load balancer, nodes, ClusterIP, pods), hops between them,
 * the layers that guard each hop, and the findings shown on them. `build.ts` makes it from an `Analysis`;
 * the renderer (`server/src/render/`), the webview and `service-reach graph` read it.
 */
import type { Code, Severity } from '../../findings/codes';
import type { Span } from '../../text/span';
import type { Protocol } from '../../sources/model';
import type { ServiceModel, ServiceType } from '../../k8s/service';
import type { Layer, Manager, PortKind } from '../../exposure/requirements';
import type { ManagementMode } from '../../exposure/oci-settings';
import type { CheckedSource } from '../status';

export const DIAGRAM_MODEL_VERSION = 1;

/** How a hop (or one guard of it) fares. */
export type HopStatus = 'allowed' | 'blocked' | 'unknown' | 'not-applicable' | 'managed-by-cloud-controller';

export type DiagramNodeKind = 'clients' | 'load-balancer' | 'nodes' | 'cluster-ip' | 'pods' | 'external-name';

export type HopKind =
  | 'clients-to-lb'
  | 'lb-to-nodes'
  | 'lb-health-check'
  | 'clients-to-nodes'
  | 'clients-to-nodes-preserved'
  | 'lb-to-pods'
  | 'nodes-to-cluster-ip'
  | 'clients-to-cluster-ip'
  | 'cluster-ip-to-pods'
  | 'clients-to-pods'
  | 'clients-to-external-name';

/** A place in a workspace file (workspace-relative POSIX path, offsets). */
export interface SourceRef {
  path: string;
  span: Span;
}

/** One finding of the Service, as the diagram shows it. `key` identifies it in `Analysis.findings` (see `findingKey`). */
export interface DiagramFinding {
  key: string;
  code: Code;
  severity: Severity;
  title: string;
  message: string;
  path: string;
  span: Span;
  /** the code has quick fixes (its `fixes` in `findings/codes.ts`): a host may offer them for this finding */
  fixable: boolean;
}

/** One layer that guards a hop: the node firewalld zone, the worker lists/NSGs, or the load-balancer subnet lists. */
export interface DiagramGuard {
  layer: Layer;
  /** `node firewalld zone`, `worker security lists and NSGs`, `load-balancer subnet lists` */
  title: string;
  status: HopStatus;
  managedBy: Manager;
  /** the rule sources that were checked (empty when the layer is not known) */
  sources: CheckedSource[];
  /** the sources (`any source` or a CIDR) this layer does not let in; empty unless blocked */
  blockedFrom: string[];
  /**
   * What could not be evaluated in the rules this layer allows the hop through (the guard is then `unknown`, never
   * `allowed`); empty when its verdict is certain
   */
  unevaluated: string[];
  /** keys of the findings this guard caused */
  findings: string[];
  /**
   * OCI lists and NSGs: who made them this layer's — the groups of the topology or the config (`worker subnet
   * "workers" (node pool "pool1"), from the OKE topology in the Terraform`), with where each was read
   */
  topology?: { text: string; where: { path: string; span: Span }[] }[];
}

export interface ClientsFacts {
  kind: 'clients';
  /** canonical CIDRs, or `any source` */
  sources: string[];
  origin: 'loadBalancerSourceRanges' | 'annotation' | 'default' | 'nodes.clientCidrs' | 'any' | 'in-cluster';
}

export interface LoadBalancerFacts {
  kind: 'load-balancer';
  provider: 'oci' | 'generic';
  flavour: 'lb' | 'nlb' | null;
  mode: ManagementMode | null;
  /** the annotation the mode came from, `default`, or null when not OCI */
  modeOrigin: string | null;
  preserveSource: boolean;
  listeners: { port: number; protocol: Protocol; servicePortIndex: number }[];
}

export interface NodesFacts {
  kind: 'nodes';
  nodePorts: { port: number | null; protocol: Protocol; servicePortIndex: number }[];
  healthCheck: { port: number | null; origin: 'healthCheckNodePort' | 'kube-proxy' } | null;
  externalTrafficPolicy: 'Cluster' | 'Local' | null;
  nodePortRange: { min: number; max: number };
}

export interface ClusterIpFacts {
  kind: 'cluster-ip';
  headless: boolean;
  ports: { port: number | null; protocol: Protocol | null; name: string | null; servicePortIndex: number }[];
}

export interface PodsFacts {
  kind: 'pods';
  /** `app=web, tier=backend`; null when the Service has no selector */
  selector: string | null;
  workloads: { kind: string; name: string | null; namespace: string | null; ref: SourceRef }[];
  /** the workspace holds at least one workload (so "matches nothing" means something) */
  workspaceHasWorkloads: boolean;
}

export interface ExternalNameFacts {
  kind: 'external-name';
  externalName: string | null;
}

export type NodeFacts = ClientsFacts | LoadBalancerFacts | NodesFacts | ClusterIpFacts | PodsFacts | ExternalNameFacts;

export interface DiagramNode {
  id: string;
  kind: DiagramNodeKind;
  title: string;
  /** display lines, in order */
  lines: string[];
  facts: NodeFacts;
  /** where to go in the manifest for this box, when there is such a place */
  ref: SourceRef | null;
  /** keys of findings shown on this box */
  findings: string[];
  codes: Code[];
}

export interface DiagramEdge {
  id: string;
  from: string;
  to: string;
  hop: HopKind;
  /** `node port 30080/TCP` */
  label: string;
  /** `from any source`, `from LB subnet 10.0.20.0/24`; null for in-cluster hops */
  detail: string | null;
  protocol: Protocol | null;
  /** null: unpinned node port (random from the range), or no single port */
  port: number | null;
  portKind: PortKind | null;
  servicePortIndex: number | null;
  status: HopStatus;
  /** why the status is what it is, when the guards do not say it (in-cluster hops, no rule source, …) */
  reason: string | null;
  guards: DiagramGuard[];
  /** keys of the findings on this hop (those of its guards, and others about it) */
  findings: string[];
  codes: Code[];
}

export interface DiagramModel {
  version: number;
  service: {
    name: string | null;
    namespace: string | null;
    /** `namespace/name` */
    display: string;
    type: ServiceType | null;
    path: string;
    /** the Service object in its file */
    span: Span;
    objectId: string;
  };
  title: string;
  provider: 'oci' | 'generic';
  nodes: DiagramNode[];
  edges: DiagramEdge[];
  /** every finding in the Service's document, in file order */
  findings: DiagramFinding[];
  /** short remarks about the whole diagram (type unknown, …) */
  notes: string[];
}

/** The identity of a finding in `Analysis.findings` (the same key the workspace dedupes by). */
export function findingKey(f: { path: string; span: Span; code: string }): string {
  return `${f.path}|${f.span.start}|${f.code}`;
}

/** `namespace/name` of a Service (`(unnamed)` when it has no name). */
export function serviceDisplayName(svc: ServiceModel): string {
  return `${svc.namespace ?? '?'}/${svc.name ?? '(unnamed)'}`;
}
