/**
 * The exposure diagram as plain data (issue 9): the path a Service's traffic takes — clients → load balancer →
 * every node → ClusterIP → pods — with, on each hop, the layers and rule sources that guard it, whether they
 * let the traffic in, and the findings made there (by key, so that a host can offer their quick fixes).
 *
 * Pure: it reads an `Analysis` (statuses from `exposure/status.ts`, workloads from `checks/references.ts`) and
 * returns JSON-safe data (no `undefined`, no Maps, offsets only). The renderer in `server/src/render/` draws it;
 * the webview and `service-reach graph` show the same model.
 */
import type { Analysis, ServiceAnalysis } from '../workspace';
import { countText, MAX_LISTED, rangesText, type Finding } from '../findings/finding';
import { CODES, type Code, type Severity } from '../findings/codes';
import type { Span } from '../text/span';
import type { Protocol } from '../sources/model';
import type { ServiceModel, ServiceType } from '../k8s/service';
import type { Workload } from '../k8s/manifests';
import type { Layer, Manager, PortKind } from '../exposure/requirements';
import { fromText } from '../exposure/requirements';
import type { ManagementMode } from '../exposure/oci-settings';
import { requirementStatuses, type CheckedSource, type RequirementStatus } from '../exposure/status';
import { matchedWorkloads } from '../checks/references';
import { getValue, scalarString } from '../parse/yaml';
import { valueSpan } from '../checks/spans';

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
  /** the code has quick fixes (SPEC §4): a host may offer them for this finding */
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
  /** keys of the findings this guard caused */
  findings: string[];
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

/** The diagram models of every Service of the analysis, in analysis order. */
export function diagramsOf(analysis: Analysis): DiagramModel[] {
  return analysis.services.map((sa) => diagramOf(analysis, sa));
}

const LAYER_TITLES: Record<Layer, string> = {
  firewalld: 'node firewalld zone',
  'worker-lists': 'worker security lists and NSGs',
  'lb-lists': 'load-balancer subnet lists',
};

const LAYER_ORDER: Layer[] = ['firewalld', 'worker-lists', 'lb-lists'];

/** Codes that mark a box rather than a hop. */
const NODE_CODES: Partial<Record<Code, DiagramNodeKind>> = {
  'source-ranges-bypassed': 'clients',
  'invalid-cidr': 'clients',
  'oci-udp-unsupported': 'load-balancer',
  'oci-session-affinity-unsupported': 'load-balancer',
  'oci-invalid-annotation': 'load-balancer',
  'nodeport-conflict': 'nodes',
  'nodeport-out-of-range': 'nodes',
  'selector-matches-nothing': 'pods',
};

function portSpec(port: number | null, protocol: Protocol | null, range?: { min: number; max: number }): string {
  const p = port === null ? (range ? `unpinned (${range.min}-${range.max})` : '?') : String(port);
  return `${p}/${protocol ?? '?'}`;
}

function within(span: Span, outer: Span): boolean {
  return outer.start <= span.start && span.start <= outer.end;
}

/** A box's `from …` lines: one per range up to MAX_LISTED, then the first ones and a count (the facts keep them all). */
function fromLines(cidrs: readonly string[]): string[] {
  if (cidrs.length <= MAX_LISTED) return cidrs.map((c) => `from ${c}`);
  const shown = cidrs.slice(0, MAX_LISTED - 1).map((c) => `from ${c}`);
  return [...shown, `… ${countText(cidrs.length - shown.length)} more (${countText(cidrs.length)} ranges)`];
}

export function diagramOf(analysis: Analysis, sa: ServiceAnalysis): DiagramModel {
  const svc = sa.service;
  const exposure = sa.exposure;
  const config = analysis.config;
  const range = { min: config.nodePortRange.min, max: config.nodePortRange.max };
  const type = svc.type;
  const notes: string[] = [];

  // ------------------------------------------------------------------------------------------- findings
  const own = analysis.findings.filter((f) => f.path === svc.path && within(f.span, svc.object.span));
  const findings: DiagramFinding[] = own.map((f) => ({
    key: findingKey(f),
    code: f.code,
    severity: f.severity,
    title: CODES[f.code].title,
    message: f.message,
    path: f.path,
    span: { start: f.span.start, end: f.span.end },
    fixable: CODES[f.code].fixes.length > 0,
  }));
  const findingAt = (code: Code, start: number): Finding | undefined => own.find((f) => f.code === code && f.span.start === start);

  // -------------------------------------------------------------------------------------------- helpers
  const nodes: DiagramNode[] = [];
  const edges: DiagramEdge[] = [];
  const addNode = (n: Omit<DiagramNode, 'findings' | 'codes'>) => {
    nodes.push({ ...n, findings: [], codes: [] });
  };
  const edgeIds = new Set<string>();
  const addEdge = (e: Omit<DiagramEdge, 'id' | 'codes'> & { id: string }) => {
    let id = e.id;
    for (let i = 2; edgeIds.has(id); i++) id = `${e.id}#${i}`;
    edgeIds.add(id);
    edges.push({ ...e, id, codes: codesOf(e.findings) });
  };
  const codesOf = (keys: string[]): Code[] => {
    const out: Code[] = [];
    for (const k of keys) {
      const f = findings.find((x) => x.key === k);
      if (f && !out.includes(f.code)) out.push(f.code);
    }
    return out;
  };
  const portOf = (index: number | null) => (index === null ? undefined : svc.ports.find((p) => p.index === index));
  const portName = (index: number | null) => {
    const p = portOf(index);
    return p ? `${p.port ?? '?'}${p.name ? ` (${p.name})` : ''}` : '?';
  };

  // ---------------------------------------------------------------------------------------- guards/hops
  const statuses = requirementStatuses(analysis, sa);
  const provider = analysis.provider;

  /** Group the requirement statuses of one hop (same traffic and service port) into guards by layer. */
  const guardsOf = (group: RequirementStatus[]): DiagramGuard[] => {
    const guards: DiagramGuard[] = [];
    for (const layer of LAYER_ORDER) {
      const rs = group.filter((s) => s.requirement.layer === layer);
      if (rs.length === 0) continue;
      const known = rs[0].known;
      const managedBy = rs[0].requirement.managedBy;
      let status: HopStatus;
      if (managedBy === 'oci-cloud-controller') status = 'managed-by-cloud-controller';
      else if (!known) status = 'unknown';
      else status = rs.every((s) => s.allowed !== false) ? 'allowed' : 'blocked';
      // an unknown list layer means nothing outside OCI; the host firewall is everyone's concern
      if (status === 'unknown' && layer !== 'firewalld' && provider !== 'oci') continue;
      const sources: CheckedSource[] = [];
      for (const s of rs) {
        for (const c of s.checked) {
          if (!sources.some((x) => x.path === c.path && x.label === c.label && x.span.start === c.span.start)) {
            sources.push({ kind: c.kind, label: c.label, path: c.path, span: { start: c.span.start, end: c.span.end } });
          }
        }
      }
      const blocked = new Set<string>(); // sets: a hop may carry 100,000 source ranges
      const keys: string[] = [];
      if (status === 'blocked') {
        for (const s of rs) {
          if (s.allowed !== false || !s.applies) continue;
          blocked.add(fromText(s.requirement.from));
          const code: Code = s.requirement.port === null ? 'nodeport-unpinned'
            : layer === 'firewalld' ? 'firewalld-port-closed' : layer === 'worker-lists' ? 'security-list-port-closed' : 'lb-listener-closed';
          const f = findingAt(code, s.requirement.anchor.start);
          if (f && !keys.includes(findingKey(f))) keys.push(findingKey(f));
        }
      }
      guards.push({ layer, title: LAYER_TITLES[layer], status, managedBy, sources, blockedFrom: [...blocked], findings: keys });
    }
    return guards;
  };

  const hopStatus = (guards: DiagramGuard[]): HopStatus => {
    if (guards.some((g) => g.status === 'blocked')) return 'blocked';
    if (guards.some((g) => g.status === 'allowed')) return 'allowed';
    if (guards.some((g) => g.status === 'managed-by-cloud-controller')) return 'managed-by-cloud-controller';
    return 'unknown';
  };
  const hopReason = (guards: DiagramGuard[]): string | null => {
    if (guards.length === 0 || guards.every((g) => g.status === 'unknown')) return 'no rule source for this hop in the workspace';
    return null;
  };

  const statusesFor = (traffic: string, servicePortIndex: number | null, portKind: PortKind) =>
    statuses.filter((s) => s.requirement.traffic === traffic && s.requirement.servicePortIndex === servicePortIndex && s.requirement.portKind === portKind);

  const fromsText = (group: RequirementStatus[], lbSubnet: boolean): string => {
    const list = new Set<string>();
    for (const s of group) list.add(fromText(s.requirement.from));
    const text = list.size ? rangesText([...list]) : '?';
    if (!lbSubnet) return `from ${text}`;
    return group.every((s) => s.requirement.from.kind === 'any') ? 'from the LB subnet (any source)' : `from the LB subnet ${text}`;
  };

  /** Findings about a node port (conflict, out of range) sit on its nodePort value: they belong to the hops into the nodes. */
  const nodePortFindings = (anchor: Span): string[] =>
    own.filter((f) => (f.code === 'nodeport-conflict' || f.code === 'nodeport-out-of-range') && f.span.start === anchor.start).map(findingKey);

  const guardHop = (
    hop: HopKind, from: string, to: string, traffic: string, portKind: PortKind, servicePortIndex: number | null,
    protocol: Protocol, port: number | null, label: string, lbSubnet: boolean, extra: string[] = [],
  ) => {
    const group = statusesFor(traffic, servicePortIndex, portKind);
    const guards = guardsOf(group);
    const keys = [...guards.flatMap((g) => g.findings)];
    for (const k of extra) if (!keys.includes(k)) keys.push(k);
    addEdge({
      id: `${hop}:${servicePortIndex ?? 'health'}`,
      from, to, hop, label, detail: fromsText(group, lbSubnet), protocol, port, portKind, servicePortIndex,
      status: hopStatus(guards), reason: hopReason(guards), guards, findings: keys,
    });
  };

  // ---------------------------------------------------------------------------------------------- boxes
  const selectorText = svc.selector && svc.selector.size > 0
    ? [...svc.selector].map(([k, v]) => `${k}=${v ?? '…'}`).join(', ')
    : null;
  const matched = matchedWorkloads(svc, analysis.workloads);
  const selectorFinding = own.find((f) => f.code === 'selector-matches-nothing');

  const addClients = (facts: ClientsFacts, lines: string[], ref: SourceRef | null, title = 'Clients') =>
    addNode({ id: 'clients', kind: 'clients', title, lines, facts, ref });

  const addPods = () => {
    const lines: string[] = [];
    if (selectorText) lines.push(`selector ${selectorText}`);
    else lines.push('no selector (endpoints are managed by hand)');
    for (const w of matched) lines.push(workloadText(w));
    if (selectorText && matched.length === 0) {
      lines.push(analysis.workloads.length ? 'no pod template matches' : 'no workload in the workspace');
    }
    addNode({
      id: 'pods', kind: 'pods', title: 'Pods', lines,
      facts: {
        kind: 'pods', selector: selectorText,
        workloads: matched.map((w) => ({ kind: w.kind, name: w.name ?? null, namespace: w.namespace ?? null, ref: { path: w.object.path, span: w.labelsSpan } })),
        workspaceHasWorkloads: analysis.workloads.length > 0,
      },
      ref: svc.selectorPair ? { path: svc.path, span: svc.selectorPair.key.span } : null,
    });
  };

  const addClusterIp = () => {
    addNode({
      id: 'cluster-ip', kind: 'cluster-ip', title: 'ClusterIP',
      lines: svc.ports.length ? svc.ports.map((p) => `port ${portSpec(p.port, p.protocol)}${p.name ? ` (${p.name})` : ''}`) : ['no ports'],
      facts: {
        kind: 'cluster-ip', headless: false,
        ports: svc.ports.map((p) => ({ port: p.port, protocol: p.protocol, name: p.name ?? null, servicePortIndex: p.index })),
      },
      ref: svc.portsPair ? { path: svc.path, span: svc.portsPair.key.span } : null,
    });
  };

  /** cluster IP (or clients, for headless) → pods, one hop per service port. */
  const addPodHops = (from: string, hop: HopKind) => {
    for (const p of svc.ports) {
      const target = targetText(p.targetPort, p.protocol, matched);
      const keys = own.filter((f) => (f.code === 'target-port-name-unknown' || f.code === 'target-port-not-declared') && within(f.span, p.span)).map(findingKey);
      if (selectorFinding) keys.unshift(findingKey(selectorFinding));
      const blockedBy = selectorFinding ? 'the selector matches no pod template'
        : own.some((f) => f.code === 'target-port-name-unknown' && within(f.span, p.span)) ? 'no selected container declares this targetPort name'
        : null;
      addEdge({
        id: `${hop}:${p.index}`, from, to: 'pods', hop,
        label: `${portSpec(p.port, p.protocol)} → ${target}`,
        detail: null, protocol: p.protocol, port: p.port, portKind: null, servicePortIndex: p.index,
        status: blockedBy ? 'blocked' : 'not-applicable',
        reason: blockedBy ?? (hop === 'clients-to-pods' ? 'headless: DNS returns the pod addresses' : 'inside the cluster (kube-proxy); no rule source applies'),
        guards: [], findings: keys,
      });
    }
    if (svc.ports.length === 0) {
      addEdge({
        id: `${hop}:none`, from, to: 'pods', hop, label: 'no ports', detail: null, protocol: null, port: null, portKind: null,
        servicePortIndex: null, status: selectorFinding ? 'blocked' : 'not-applicable',
        reason: selectorFinding ? 'the selector matches no pod template' : hop === 'clients-to-pods' ? 'headless: DNS returns the pod addresses' : null,
        guards: [], findings: selectorFinding ? [findingKey(selectorFinding)] : [],
      });
    }
  };

  const typeTitle = type ?? 'type unknown';
  const display = serviceDisplayName(svc);

  if (type === 'ExternalName') {
    const externalName = scalarString(getValue(svc.spec, 'externalName')) ?? null;
    addClients({ kind: 'clients', sources: ['in-cluster'], origin: 'in-cluster' }, ['pods and nodes of the cluster'], null, 'In-cluster clients');
    const namePair = svc.spec?.pairs.find((p) => p.name === 'externalName');
    addNode({
      id: 'external-name', kind: 'external-name', title: 'External name',
      lines: [externalName ? `DNS CNAME → ${externalName}` : 'externalName is missing'],
      facts: { kind: 'external-name', externalName },
      ref: namePair ? { path: svc.path, span: valueSpan(namePair) } : null,
    });
    addEdge({
      id: 'clients-to-external-name', from: 'clients', to: 'external-name', hop: 'clients-to-external-name',
      label: 'DNS lookup', detail: null, protocol: null, port: null, portKind: null, servicePortIndex: null,
      status: 'not-applicable', reason: 'no proxying: the cluster DNS answers with a CNAME', guards: [], findings: [],
    });
  } else if (type === 'NodePort' || type === 'LoadBalancer') {
    const ex = exposure!;
    const lb = type === 'LoadBalancer';

    // clients
    if (lb) {
      const origin = svc.sourceRanges.origin === 'field' ? 'loadBalancerSourceRanges' : svc.sourceRanges.origin;
      const lines = ex.sourceRanges.length ? fromLines(ex.sourceRanges) : ['source ranges unknown'];
      lines.push(origin === 'default' ? 'default: no loadBalancerSourceRanges' : origin === 'annotation' ? 'legacy source-ranges annotation' : 'loadBalancerSourceRanges');
      addClients({ kind: 'clients', sources: [...ex.sourceRanges], origin }, lines,
        svc.sourceRanges.anchor ? { path: svc.path, span: svc.sourceRanges.anchor } : null);
    } else {
      const cidrs = config.clientCidrs?.map((c) => c.text);
      addClients({ kind: 'clients', sources: cidrs ?? ['any source'], origin: cidrs ? 'nodes.clientCidrs' : 'any' },
        cidrs ? [...fromLines(cidrs), 'nodes.clientCidrs'] : ['any source', 'nodes.clientCidrs not set'], null);
    }

    // load balancer
    if (lb) {
      const oci = ex.oci;
      const lines: string[] = [];
      if (oci) {
        lines.push(oci.flavour === 'nlb' ? 'OCI network load balancer (nlb)' : 'OCI load balancer (lb)');
        lines.push(`security rules: mode ${oci.mode} (${oci.modeOrigin === 'default' ? 'default' : 'annotation'})`);
        lines.push(oci.mode === 'None' ? 'you write every list rule'
          : oci.mode === 'Frontend' ? 'cloud controller writes the LB subnet rules'
          : oci.mode === 'NSG' ? (oci.backendNsg ? 'cloud controller writes the NSG rules' : 'cloud controller writes the frontend NSG rules')
          : 'cloud controller writes the list rules');
        if (oci.flavour === 'nlb') lines.push(oci.preserveSource ? 'client source preserved' : 'client source not preserved');
      } else {
        lines.push(provider === 'oci' ? 'OCI load balancer' : 'cloud load balancer');
      }
      for (const l of ex.listeners) lines.push(`listener ${portSpec(l.port, l.protocol)}${portOf(l.servicePortIndex)?.name ? ` (${portOf(l.servicePortIndex)!.name})` : ''}`);
      if (ex.listeners.length === 0) lines.push('no listeners');
      addNode({
        id: 'load-balancer', kind: 'load-balancer', title: 'Load balancer', lines,
        facts: {
          kind: 'load-balancer', provider, flavour: oci?.flavour ?? null, mode: oci?.mode ?? null, modeOrigin: oci?.modeOrigin ?? null,
          preserveSource: !!oci?.preserveSource,
          listeners: ex.listeners.map((l) => ({ port: l.port, protocol: l.protocol, servicePortIndex: l.servicePortIndex })),
        },
        ref: svc.typePair ? { path: svc.path, span: valueSpan(svc.typePair) } : null,
      });
    }

    // every node
    const nodeLines: string[] = [];
    for (const np of ex.nodePorts) nodeLines.push(`node port ${portSpec(np.port, np.protocol, range)} → port ${portName(np.servicePortIndex)}`);
    if (ex.healthCheck) {
      nodeLines.push(ex.healthCheck.origin === 'kube-proxy'
        ? `health check ${ex.healthCheck.port ?? '?'}/TCP (kube-proxy)`
        : `healthCheckNodePort ${portSpec(ex.healthCheck.port, 'TCP', range)}`);
    }
    if (ex.nodePorts.length === 0 && !ex.healthCheck) nodeLines.push('no node ports');
    if (lb || svc.externalTrafficPolicy === 'Local') nodeLines.push(`externalTrafficPolicy ${svc.externalTrafficPolicy ?? 'unknown'}`);
    addNode({
      id: 'nodes', kind: 'nodes', title: 'Every node', lines: nodeLines,
      facts: {
        kind: 'nodes',
        nodePorts: ex.nodePorts.map((np) => ({ port: np.port, protocol: np.protocol, servicePortIndex: np.servicePortIndex })),
        healthCheck: ex.healthCheck ? { port: ex.healthCheck.port, origin: ex.healthCheck.origin } : null,
        externalTrafficPolicy: svc.externalTrafficPolicy, nodePortRange: range,
      },
      ref: ex.nodePorts[0] ? { path: svc.path, span: ex.nodePorts[0].anchor } : null,
    });
    addClusterIp();
    addPods();

    // hops
    if (lb) {
      for (const l of ex.listeners) {
        guardHop('clients-to-lb', 'clients', 'load-balancer', 'clients-to-lb', 'listener', l.servicePortIndex, l.protocol, l.port,
          `listener ${portSpec(l.port, l.protocol)}`, false);
      }
    }
    for (const np of ex.nodePorts) {
      const label = `node port ${portSpec(np.port, np.protocol, range)}`;
      const extra = nodePortFindings(np.anchor);
      if (lb) {
        guardHop('lb-to-nodes', 'load-balancer', 'nodes', 'lb-to-nodes', 'node', np.servicePortIndex, np.protocol, np.port, label, true, extra);
        if (ex.oci?.flavour === 'nlb' && ex.oci.preserveSource) {
          guardHop('clients-to-nodes-preserved', 'clients', 'nodes', 'clients-to-nodes-preserved', 'node', np.servicePortIndex, np.protocol, np.port,
            `${label}, source preserved`, false);
        }
      } else {
        guardHop('clients-to-nodes', 'clients', 'nodes', 'clients-to-nodes', 'node', np.servicePortIndex, np.protocol, np.port, label, false, extra);
      }
    }
    if (lb && ex.healthCheck) {
      guardHop('lb-health-check', 'load-balancer', 'nodes', 'lb-health-check', 'health', null, 'TCP', ex.healthCheck.port,
        `health check ${portSpec(ex.healthCheck.port, 'TCP', range)}`, true, nodePortFindings(ex.healthCheck.anchor));
    }
    // listeners without a node port (allocateLoadBalancerNodePorts: false): the load balancer sends to the pods
    for (const l of ex.listeners) {
      if (ex.nodePorts.some((np) => np.servicePortIndex === l.servicePortIndex)) continue;
      const p = portOf(l.servicePortIndex);
      addEdge({
        id: `lb-to-pods:${l.servicePortIndex}`, from: 'load-balancer', to: 'pods', hop: 'lb-to-pods',
        label: `${portSpec(l.port, l.protocol)} → ${targetText(p?.targetPort ?? null, l.protocol, matched)}`,
        detail: null, protocol: l.protocol, port: l.port, portKind: null, servicePortIndex: l.servicePortIndex,
        status: 'unknown', reason: 'no node port allocated: the load balancer must reach the pods directly', guards: [], findings: [],
      });
    }
    for (const np of ex.nodePorts) {
      const p = portOf(np.servicePortIndex);
      addEdge({
        id: `nodes-to-cluster-ip:${np.servicePortIndex}`, from: 'nodes', to: 'cluster-ip', hop: 'nodes-to-cluster-ip',
        label: `${np.port ?? 'node port'} → ${portSpec(p?.port ?? null, np.protocol)}`,
        detail: null, protocol: np.protocol, port: p?.port ?? null, portKind: null, servicePortIndex: np.servicePortIndex,
        status: 'not-applicable', reason: svc.externalTrafficPolicy === 'Local' ? 'kube-proxy, to pods on the same node only' : 'kube-proxy, inside the cluster',
        guards: [], findings: [],
      });
    }
    addPodHops('cluster-ip', 'cluster-ip-to-pods');
  } else {
    // ClusterIP (or a type we cannot read): reachable inside the cluster
    if (type === null) notes.push(svc.typeUnknown ? 'The Service type is a template expression: only the in-cluster path is shown.' : 'The Service type is not valid: only the in-cluster path is shown.');
    addClients({ kind: 'clients', sources: ['in-cluster'], origin: 'in-cluster' },
      svc.hasExternalIPs ? ['pods and nodes of the cluster', 'and traffic to the externalIPs'] : ['pods and nodes of the cluster'], null, 'In-cluster clients');
    if (svc.headless && type === 'ClusterIP') {
      addPods();
      addPodHops('clients', 'clients-to-pods');
    } else {
      addClusterIp();
      addPods();
      for (const p of svc.ports) {
        addEdge({
          id: `clients-to-cluster-ip:${p.index}`, from: 'clients', to: 'cluster-ip', hop: 'clients-to-cluster-ip',
          label: `port ${portSpec(p.port, p.protocol)}`, detail: null, protocol: p.protocol, port: p.port, portKind: null,
          servicePortIndex: p.index, status: 'not-applicable', reason: 'inside the cluster; no rule source applies', guards: [], findings: [],
        });
      }
      if (svc.ports.length === 0) {
        addEdge({
          id: 'clients-to-cluster-ip:none', from: 'clients', to: 'cluster-ip', hop: 'clients-to-cluster-ip', label: 'no ports',
          detail: null, protocol: null, port: null, portKind: null, servicePortIndex: null, status: 'not-applicable', reason: null, guards: [], findings: [],
        });
      }
      addPodHops('cluster-ip', 'cluster-ip-to-pods');
    }
  }

  // ------------------------------------------------------------------------------ findings on the boxes
  const onEdges = new Set(edges.flatMap((e) => e.findings));
  for (const f of own) {
    const kind = NODE_CODES[f.code];
    if (!kind) continue;
    const key = findingKey(f);
    if (onEdges.has(key) && kind !== 'pods') continue; // already on a hop (a node port in conflict, …)
    const node = nodes.find((n) => n.kind === kind);
    if (node && !node.findings.includes(key)) node.findings.push(key);
  }
  for (const n of nodes) n.codes = codesOf(n.findings);

  return {
    version: DIAGRAM_MODEL_VERSION,
    service: {
      name: svc.name ?? null, namespace: svc.namespace ?? null, display, type, path: svc.path,
      span: { start: svc.object.span.start, end: svc.object.span.end }, objectId: svc.object.id,
    },
    title: `Service ${display} (${typeTitle})`,
    provider,
    nodes,
    edges,
    findings,
    notes,
  };
}

function workloadText(w: Workload): string {
  return `${w.kind} ${w.namespace ?? '?'}/${w.name ?? '(unnamed)'} (${w.object.path})`;
}

/** `8080`, `http (8080)`, `http (not declared)` */
function targetText(target: number | string | null, protocol: Protocol | null, matched: readonly Workload[]): string {
  if (target === null) return 'targetPort ?';
  if (typeof target === 'number') return `targetPort ${target}`;
  const numbers: number[] = [];
  for (const w of matched) {
    for (const c of w.ports) {
      if (c.name === target && c.protocol === (protocol ?? 'TCP') && c.containerPort !== undefined && !numbers.includes(c.containerPort)) numbers.push(c.containerPort);
    }
  }
  return `targetPort ${target}${numbers.length ? ` (${numbers.join(', ')})` : matched.length ? ' (not declared)' : ''}`;
}
