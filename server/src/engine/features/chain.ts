/**
 * The chain a Service's traffic takes, hop by hop — `LoadBalancer :443 → nodes :30443/TCP → ClusterIP :443 →
 * 3 pods :8443` — with, for each hop, the requirement statuses of its layers (features/status.ts) and each
 * rule source's own verdict. The inline chain (CodeLens), the hovers and the document symbols read this.
 */
import { closedIsError, type Layers } from '../checks/reachability';
import { serviceLayers } from '../checks/lb-nsgs';
import type { Analysis, ServiceAnalysis } from '../workspace';
import type { ServiceModel, ServicePort } from '../k8s/service';
import { selectorMatches, type Workload } from '../k8s/manifests';
import { asMap, asScalar, getValue } from '../parse/yaml';
import { evaluatedRules, requirementStatuses, type CheckedSource, type RequirementStatus } from './status';
import { requirementRange, rulesAllow, rulesFor, type GuardSource } from '../exposure/matcher';
import type { Rule } from '../sources/model';
import type { Span } from '../text/span';
import { rangesText } from '../findings/finding';
import { chartAnalysis, renderedServicesIn, spanBack } from './chart-features';

export interface SourceVerdict {
  source: CheckedSource;
  /** does this source, on its own, allow the requirement? (lists and NSGs: their union decides) */
  allowed: boolean;
  /** it allows only through rules that could not be evaluated: whether it does is unknown */
  unknown: boolean;
}

export interface HopStatus extends RequirementStatus {
  verdicts: SourceVerdict[];
}

export type HopKind = 'load-balancer' | 'external-ips' | 'nodes' | 'health-check' | 'cluster-ip' | 'headless' | 'pods' | 'external-name';

export interface ChainHop {
  kind: HopKind;
  /** short, for the inline chain: `nodes :30443/TCP` */
  text: string;
  /** a sentence for hovers: `node port 30443/TCP on every node` */
  detail: string;
  /** a layer the user manages does not allow this hop */
  blocked: boolean;
  /** not blocked, but a layer the user manages allows it only through rules that could not be evaluated */
  unknown: boolean;
  /** when blocked: how sure the block is, as the finding's severity says (a node port firewalld closes is a warning: kube-proxy's DNAT usually gets past it) */
  severity?: 'error' | 'warning';
  /** a warning that is not a firewall (no pod matches the selector) */
  warning?: string;
  /** where the hop is written (the matched workloads, for the pods hop) */
  where?: { path: string; span: Span }[];
  statuses: HopStatus[];
}

export interface PortChain {
  /** index into `spec.ports`; null for the health-check chain and for a Service without ports */
  portIndex: number | null;
  /** `port "https" (443/TCP)`, `health check` */
  label: string;
  hops: ChainHop[];
  /** one line: hops joined by ` → `, `⛔` after a hop blocked for certain (`⚠` where the finding is a warning), `❔` after a hop whose verdict is unknown */
  text: string;
  blocked: boolean;
  unknown: boolean;
  /** where the chain belongs in the file: the port's item, the health-check field (else the Service) */
  span: Span;
}

export interface ServiceChain {
  service: ServiceModel;
  path: string;
  span: Span;
  ports: PortChain[];
  health?: PortChain;
  blocked: boolean;
  /** not blocked, and some hop's verdict rests on rules that could not be evaluated */
  unknown: boolean;
  /** OCI load balancers: the security-rule management mode in effect and where it came from */
  oci?: { flavour: 'lb' | 'nlb'; mode: string; modeOrigin: string };
  /** a Service a Kustomize overlay builds: the overlay's folder (its spans are those of the base or patch file) */
  overlay?: string;
}

export const BLOCKED_MARK = '⛔';
export const WARNING_MARK = '⚠';
/** after a hop that a layer allows only through rules that could not be evaluated: unknown, never allowed */
export const UNKNOWN_MARK = '❔';

// ------------------------------------------------------------------------------------------ rule sources

function guardSources(l: Layers): GuardSource[] {
  return [...(l.firewalld?.nodeZones ?? []), ...(l.firewalld?.bindingZones ?? []), ...(l.workerLists?.sources ?? []), ...(l.lbLists?.sources ?? [])];
}

/** Each checked source's own answer for a requirement. */
export function sourceVerdicts(analysis: Analysis, status: RequirementStatus, layers: Layers = analysis.layers): SourceVerdict[] {
  const all = guardSources(layers);
  const range = analysis.config.nodePortRange;
  return status.checked.map((source) => {
    const g = all.find((s) => s.path === source.path && s.label === source.label && s.span.start === source.span.start);
    if (!g) return { source, allowed: !!status.allowed, unknown: false };
    // the source's own rules, asked directly: the matcher keeps what it works out per rule list, and a layer made
    // here for each of 100,000 requirements (one per source range) would be a new list every time
    const r = status.requirement;
    const rules = rulesFor(g, r.traffic);
    const allows = (list: readonly Rule[]) => rulesAllow(list, r.protocol, requirementRange(r, range), r.from, r.traffic);
    const allowed = allows(rules);
    const known = evaluatedRules(rules);
    return { source, allowed, unknown: allowed && known !== rules && !allows(known) };
  });
}

// ------------------------------------------------------------------------------------------------ pods

export interface PodTarget {
  workloads: Workload[];
  /** the pods' count when every matched workload says it (replicas), else undefined */
  count: number | undefined;
  /** a DaemonSet is among them */
  everyNode: boolean;
}

export function selectorText(svc: ServiceModel): string {
  if (!svc.selector) return '';
  return [...svc.selector].map(([k, v]) => `${k}=${v ?? '…'}`).join(',');
}

/** The workloads whose pod templates the Service's selector matches (same namespace). */
export function matchedWorkloads(svc: ServiceModel, workloads: readonly Workload[]): Workload[] {
  if (!svc.selector || svc.selector.size === 0) return [];
  return workloads.filter((w) => w.labels !== null && (w.namespace === undefined || svc.namespace === undefined || w.namespace === svc.namespace)
    && selectorMatches(svc.selector!, w.labels));
}

function replicasOf(w: Workload): number | undefined {
  switch (w.kind) {
    case 'Pod': return 1;
    case 'Deployment': case 'StatefulSet': case 'ReplicaSet': case 'ReplicationController': {
      const r = asScalar(getValue(asMap(getValue(w.object.root, 'spec')), 'replicas'));
      if (!r || r.value === null) return 1;
      return typeof r.value === 'number' && Number.isInteger(r.value) && r.value >= 0 && !r.template ? r.value : undefined;
    }
    default: return undefined;
  }
}

export function podTarget(svc: ServiceModel, workloads: readonly Workload[]): PodTarget {
  const matched = matchedWorkloads(svc, workloads);
  let count: number | undefined = 0;
  let everyNode = false;
  for (const w of matched) {
    if (w.kind === 'DaemonSet') { everyNode = true; count = undefined; continue; }
    const r = replicasOf(w);
    count = count === undefined || r === undefined ? undefined : count + r;
  }
  return { workloads: matched, count: matched.length ? count : undefined, everyNode };
}

/** The container port a targetPort reaches in the matched workloads: a number, when it can be told. */
export function resolveTargetPort(p: ServicePort, target: PodTarget): number | undefined {
  if (typeof p.targetPort === 'number') return p.targetPort;
  if (typeof p.targetPort !== 'string') return undefined;
  const numbers = new Set<number>();
  for (const w of target.workloads) {
    for (const cp of w.ports) if (cp.name === p.targetPort && cp.containerPort !== undefined && (cp.protocol === (p.protocol ?? 'TCP'))) numbers.add(cp.containerPort);
  }
  return numbers.size === 1 ? [...numbers][0] : undefined;
}

// ----------------------------------------------------------------------------------------------- chains

function protoSuffix(p: ServicePort): string {
  return p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : '';
}

function podsHop(svc: ServiceModel, p: ServicePort | undefined, analysis: Analysis, target: PodTarget): ChainHop {
  const sel = selectorText(svc);
  let portText = '';
  let portDetail = '';
  if (p) {
    const n = resolveTargetPort(p, target);
    if (n !== undefined) {
      portText = ` :${n}`;
      portDetail = typeof p.targetPort === 'string' ? ` on :${n} ("${p.targetPort}")` : ` on :${n}`;
    } else if (p.targetPort !== null) {
      portText = ` :${p.targetPort}`;
      portDetail = ` on port "${p.targetPort}"`;
    }
  }
  if (!svc.selector || svc.selector.size === 0) {
    return { kind: 'pods', text: `endpoints${portText}`, detail: `endpoints you manage yourself (no selector)${portDetail}`, blocked: false, unknown: false, statuses: [] };
  }
  const anyWorkloads = analysis.workloads.length > 0;
  if (target.workloads.length === 0) {
    if (!anyWorkloads) return { kind: 'pods', text: `pods ${sel}${portText}`, detail: `pods labelled ${sel}${portDetail} (no workload in the workspace to check)`, blocked: false, unknown: false, statuses: [] };
    return {
      kind: 'pods', text: `no pods ${WARNING_MARK}`, detail: `no pod template in the workspace matches ${sel}`,
      blocked: false, unknown: false, warning: 'the selector matches no pod template', statuses: [],
    };
  }
  const who = target.everyNode ? 'pods on every node' : target.count === undefined ? 'pods' : `${target.count} pod${target.count === 1 ? '' : 's'}`;
  const names = target.workloads.map((w) => `${w.kind} ${w.name ?? '(unnamed)'}`).join(', ');
  return {
    kind: 'pods', text: `${who}${portText}`, detail: `${who} of ${names} (${sel})${portDetail}`, blocked: false, unknown: false, statuses: [],
    where: target.workloads.map((w) => ({ path: w.object.path, span: w.object.span })),
  };
}

function withStatuses(analysis: Analysis, hop: Omit<ChainHop, 'blocked' | 'unknown' | 'statuses'>, statuses: HopStatus[]): ChainHop {
  const blocking = statuses.filter((s) => s.applies && s.allowed === false);
  if (blocking.length === 0) return { ...hop, statuses, blocked: false, unknown: statuses.some((s) => s.applies && s.unevaluated.length > 0) };
  const error = blocking.some((s) => closedIsError(analysis.layers, s.requirement));
  return { ...hop, statuses, blocked: true, unknown: false, severity: error ? 'error' : 'warning' };
}

/** The mark after a blocked hop: as sure as its finding. */
export function blockedMark(h: Pick<ChainHop, 'blocked' | 'severity'>): string {
  return h.severity === 'warning' ? WARNING_MARK : BLOCKED_MARK;
}

function line(hops: ChainHop[]): string {
  return hops.map((h) => (h.blocked ? `${h.text} ${blockedMark(h)}` : h.unknown ? `${h.text} ${UNKNOWN_MARK}` : h.text)).join(' → ');
}

function portChain(svc: ServiceModel, sa: ServiceAnalysis, analysis: Analysis, p: ServicePort, statuses: HopStatus[], target: PodTarget): PortChain {
  const ex = sa.exposure;
  const type = svc.type;
  const hops: ChainHop[] = [];
  const range = analysis.config.nodePortRange;
  const proto = p.protocol ?? '?';
  if (type === 'LoadBalancer') {
    const listener = ex?.listeners.find((l) => l.servicePortIndex === p.index);
    const from = ex?.sourceRanges.length ? rangesText(ex.sourceRanges) : 'any source';
    const flavour = ex?.oci ? (ex.oci.flavour === 'nlb' ? 'OCI network load balancer' : 'OCI load balancer') : 'load balancer';
    hops.push(withStatuses(analysis, {
      kind: 'load-balancer', text: `LoadBalancer :${p.port ?? '?'}${protoSuffix(p)}`,
      detail: `${flavour} listener :${listener?.port ?? p.port ?? '?'}/${proto}, from ${from}`,
    }, statuses.filter((s) => s.requirement.portKind === 'listener' && s.requirement.servicePortIndex === p.index)));
  }
  if (type === 'ClusterIP' && svc.hasExternalIPs) {
    hops.push({ kind: 'external-ips', text: `external IPs :${p.port ?? '?'}${protoSuffix(p)}`, detail: `the Service's externalIPs, port ${p.port ?? '?'}/${proto}`, blocked: false, unknown: false, statuses: [] });
  }
  const np = ex?.nodePorts.find((n) => n.servicePortIndex === p.index);
  if (np) {
    const pinned = np.port !== null;
    hops.push(withStatuses(analysis, {
      kind: 'nodes', text: pinned ? `nodes :${np.port}/${np.protocol}` : `nodes :<${range.min}-${range.max}>/${np.protocol}`,
      detail: pinned ? `node port ${np.port}/${np.protocol} on every node` : `node port picked at random from ${range.min}-${range.max}/${np.protocol} on every node (unpinned)`,
    }, statuses.filter((s) => s.requirement.portKind === 'node' && s.requirement.servicePortIndex === p.index)));
  }
  if (svc.headless) hops.push({ kind: 'headless', text: 'headless', detail: 'headless: DNS answers with the pod addresses, no virtual IP', blocked: false, unknown: false, statuses: [] });
  else hops.push({ kind: 'cluster-ip', text: `ClusterIP :${p.port ?? '?'}${protoSuffix(p)}`, detail: `cluster IP :${p.port ?? '?'}/${proto}, inside the cluster`, blocked: false, unknown: false, statuses: [] });
  hops.push(podsHop(svc, p, analysis, target));
  const label = p.name ? `port "${p.name}" (${p.port ?? '?'}/${proto})` : `port ${p.port ?? '?'}/${proto}`;
  const blocked = hops.some((h) => h.blocked);
  return { portIndex: p.index, label, hops, text: line(hops), blocked, unknown: !blocked && hops.some((h) => h.unknown), span: p.span };
}

/** The chain of one analysed Service. */
export function chainOf(analysis: Analysis, sa: ServiceAnalysis): ServiceChain {
  const svc = sa.service;
  const layers = serviceLayers(analysis.layers, svc, sa.exposure);
  const statuses: HopStatus[] = requirementStatuses(analysis, sa).map((s) => ({ ...s, verdicts: sourceVerdicts(analysis, s, layers) }));
  const target = podTarget(svc, analysis.workloads);
  const oci = sa.exposure?.oci;
  const base = { service: svc, path: svc.path, span: svc.object.span, ...(oci ? { oci: { flavour: oci.flavour, mode: oci.mode, modeOrigin: oci.modeOrigin } } : {}) };
  if (svc.type === 'ExternalName') {
    const name = asScalar(getValue(svc.spec, 'externalName'))?.value;
    const hop: ChainHop = { kind: 'external-name', text: `ExternalName → ${name ?? '?'}`, detail: `DNS answers with a CNAME to ${name ?? '(externalName missing)'}; nothing is proxied`, blocked: false, unknown: false, statuses: [] };
    return { ...base, ports: [{ portIndex: null, label: 'ExternalName', hops: [hop], text: hop.text, blocked: false, unknown: false, span: svc.object.span }], blocked: false, unknown: false };
  }
  if (svc.type === null) {
    const hop: ChainHop = { kind: 'cluster-ip', text: 'type unknown', detail: 'the Service type is not known (invalid or a template), so its chain is not either', blocked: false, unknown: false, statuses: [] };
    return { ...base, ports: [{ portIndex: null, label: 'Service', hops: [hop], text: hop.text, blocked: false, unknown: false, span: svc.object.span }], blocked: false, unknown: false };
  }
  const ports = svc.ports.map((p) => portChain(svc, sa, analysis, p, statuses, target));
  if (ports.length === 0) {
    const hops: ChainHop[] = [svc.headless
      ? { kind: 'headless', text: 'headless', detail: 'headless: DNS answers with the pod addresses, no virtual IP', blocked: false, unknown: false, statuses: [] }
      : { kind: 'cluster-ip', text: 'ClusterIP (no ports)', detail: 'no ports', blocked: false, unknown: false, statuses: [] }, podsHop(svc, undefined, analysis, target)];
    ports.push({ portIndex: null, label: 'Service', hops, text: line(hops), blocked: false, unknown: false, span: svc.object.span });
  }
  let health: PortChain | undefined;
  const hc = sa.exposure?.healthCheck;
  if (hc) {
    const range = analysis.config.nodePortRange;
    const hop = withStatuses(analysis, {
      kind: 'health-check',
      text: hc.port !== null ? `health check → nodes :${hc.port}/TCP` : `health check → nodes :<${range.min}-${range.max}>/TCP`,
      detail: hc.origin === 'kube-proxy'
        ? `the load balancer checks kube-proxy's health port ${hc.port}/TCP on every node`
        : hc.port !== null ? `the load balancer checks healthCheckNodePort ${hc.port}/TCP on every node` : `the load balancer checks a healthCheckNodePort picked at random from ${range.min}-${range.max}/TCP`,
    }, statuses.filter((s) => s.requirement.portKind === 'health'));
    health = { portIndex: null, label: 'health check', hops: [hop], text: line([hop]), blocked: hop.blocked, unknown: hop.unknown, span: healthSpan(svc) };
  }
  const blocked = ports.some((p) => p.blocked) || !!health?.blocked;
  return { ...base, ports, health, blocked, unknown: !blocked && (ports.some((p) => p.unknown) || !!health?.unknown) };
}

/** Where the health check is written: `healthCheckNodePort`, else `externalTrafficPolicy`, else the Service. */
function healthSpan(svc: ServiceModel): Span {
  const pair = svc.healthCheckNodePortPair ?? svc.externalTrafficPolicyPair;
  return pair ? { start: pair.span.start, end: pair.span.end } : svc.object.span;
}

/**
 * The chains of every Service in one file, in document order: those analysed on their own, for a base file each
 * Kustomize overlay's chain of the Service it builds from it (one per overlay, in overlay order), and in a Helm
 * chart's template those of the Services rendered from it.
 */
export function chainsInFile(analysis: Analysis, path: string): ServiceChain[] {
  const own = analysis.services.filter((s) => s.service.path === path).map((s) => chainOf(analysis, s));
  return [...own, ...overlayChains(analysis, path), ...renderedChains(analysis, path)].sort((a, b) => a.span.start - b.span.start);
}

/** The chain of each Service a Helm chart renders from the template `path`, its places moved back onto the templates. */
export function renderedChains(analysis: Analysis, path: string): ServiceChain[] {
  return renderedServicesIn(analysis, path).map(({ chart, file, sa }) => {
    const c = chainOf(chartAnalysis(analysis, chart), sa);
    const back = (span: Span) => spanBack(chart, file, span).span;
    const where = (w: { path: string; span: Span }) => {
      const f = chart.files.find((x) => x.virtual === w.path);
      return f ? spanBack(chart, f, w.span) : w;
    };
    const port = (p: PortChain): PortChain => ({
      ...p, span: back(p.span), hops: p.hops.map((h) => (h.where ? { ...h, where: h.where.map(where) } : h)),
    });
    return { ...c, path, span: back(c.span), ports: c.ports.map(port), ...(c.health ? { health: port(c.health) } : {}) };
  });
}

/**
 * The chain of each Service an overlay builds from the Service written in `path`: worked out in the overlay (its
 * own workloads), its places moved to the file (a port item a patch added sits at the Service's head), and its
 * lines naming the overlay.
 */
export function overlayChains(analysis: Analysis, path: string): ServiceChain[] {
  const out: ServiceChain[] = [];
  for (const o of analysis.overlays) {
    const view: Analysis = { ...analysis, workloads: o.workloads };
    for (const sa of o.analyses) {
      const from = o.build.segments.origin(sa.service.object.span);
      if (!from || from.path !== path) continue;
      const head: Span = { start: from.span.start, end: from.span.start };
      const place = (span: Span): Span => {
        const x = o.build.segments.origin(span);
        return x && x.path === path ? x.span : head;
      };
      const named = (c: PortChain): PortChain => ({
        ...c, span: place(c.span), text: `${o.overlay}: ${c.text}`,
        hops: c.hops.map((h) => (h.where ? { ...h, where: h.where.flatMap((w) => o.build.segments.origin(w.span) ?? []) } : h)),
      });
      const c = chainOf(view, sa);
      out.push({ ...c, path, span: from.span, ports: c.ports.map(named), ...(c.health ? { health: named(c.health) } : {}), overlay: o.overlay });
    }
  }
  return out;
}

/** The inline chain lines of one Service: one per port, and the health check's. */
export function chainLines(chain: ServiceChain): string[] {
  return chainLenses(chain).map((l) => l.text);
}

/**
 * The chain as CodeLens lines: one per port, on the port's item (a Service of several ports is not one long
 * line that an editor cuts off), and the health check's, on its field.
 */
export function chainLenses(chain: ServiceChain): { span: Span; text: string }[] {
  const out = chain.ports.map((p) => ({ span: p.span, text: p.text }));
  if (chain.health) out.push({ span: chain.health.span, text: chain.health.text });
  return out;
}
