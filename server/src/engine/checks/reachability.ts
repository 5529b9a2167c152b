/**
 * SPEC §3.3: for every port a Service exposes, does each layer that the user manages let the traffic in?
 * Requirements come from the exposure model; the matcher answers per layer; findings are grouped so that
 * one location carries at most one finding per code, naming every source that is missing.
 */
import { finding, listText, MAX_LISTED, rangesText, relatedList, type RelatedInfo } from '../findings/finding';
import type { Code } from '../findings/codes';
import type { ServiceModel } from '../k8s/service';
import type { ServiceReachConfig } from '../config/config';
import { AddressSet } from '../net/cidr';
import type { Span } from '../text/span';
import { fromText, sourceRangeList, type Exposure, type From, type Layer, type Requirement } from '../exposure/requirements';
import {
  firewalldAllows, firewalldReach, listsAllow, listsReach, requirementRange,
  type FirewalldLayer, type GuardSource, type ListLayer,
} from '../exposure/matcher';
import type { CheckContext } from './context';

export interface Layers {
  firewalld: FirewalldLayer | null;
  workerLists: ListLayer | null;
  lbLists: ListLayer | null;
}

export function layerKnown(layers: Layers, layer: Layer): boolean {
  return layer === 'firewalld' ? !!layers.firewalld : layer === 'worker-lists' ? !!layers.workerLists : !!layers.lbLists;
}

/** A layer applies to a requirement when it is known and the requirement is the user's job there (§2). */
export function applies(layers: Layers, req: Requirement): boolean {
  return req.managedBy === 'user' && layerKnown(layers, req.layer);
}

/** Is the requirement allowed by its layer? Undefined when the layer is not known. */
export function isAllowed(layers: Layers, req: Requirement, config: ServiceReachConfig): { allowed: boolean; checked: GuardSource[] } | undefined {
  const range = config.nodePortRange;
  if (req.layer === 'firewalld') return layers.firewalld ? firewalldAllows(layers.firewalld, req, range) : undefined;
  const layer = req.layer === 'worker-lists' ? layers.workerLists : layers.lbLists;
  return layer ? { allowed: listsAllow(layer, req, range), checked: layer.sources } : undefined;
}

function portText(req: Requirement, config: ServiceReachConfig): string {
  const kind = req.portKind === 'health' ? 'Health-check port' : req.portKind === 'listener' ? 'Listener port' : 'Node port';
  if (req.port === null) return `${kind} (unpinned, ${config.nodePortRange.min}-${config.nodePortRange.max})/${req.protocol}`;
  return `${kind} ${req.port}/${req.protocol}`;
}

function sourcesText(sources: readonly GuardSource[]): string {
  return listText(sources.slice(0, 20).map((s) => `${s.label} (${s.path})`), sources.length);
}

function relatedOf(sources: readonly GuardSource[], what: string): RelatedInfo[] {
  return relatedList(sources, (s) => ({ path: s.path, span: s.span, message: `${s.label}: ${what}` }));
}

function portOwner(svc: ServiceModel, req: Requirement): string {
  if (req.servicePortIndex === null) return req.port === null || svc.healthCheckNodePort !== null ? 'healthCheckNodePort' : 'kube-proxy health check';
  const p = svc.ports.find((x) => x.index === req.servicePortIndex);
  return p?.name ? `port "${p.name}"` : `port ${p?.port ?? '?'}`;
}

interface Group {
  code: Code;
  anchor: Span;
  reqs: Requirement[];
  checked: GuardSource[];
}

export function checkReachability(svc: ServiceModel, exposure: Exposure, layers: Layers, ctx: CheckContext): void {
  const config = ctx.config;
  const groups = new Map<string, Group>();
  const seen = new Map<Group, Set<GuardSource>>(); // g.checked as a set (thousands of lists: no quadratic includes)
  const group = (code: Code, req: Requirement, checked: GuardSource[]) => {
    const key = `${code}|${req.anchor.start}`;
    const g = groups.get(key) ?? { code, anchor: req.anchor, reqs: [], checked: [] };
    g.reqs.push(req);
    const set = seen.get(g) ?? new Set<GuardSource>();
    for (const c of checked) if (!set.has(c)) { set.add(c); g.checked.push(c); }
    seen.set(g, set);
    groups.set(key, g);
  };

  // an unpinned port gets one `nodeport-unpinned` (per anchor), and nothing else: pinned and unpinned
  // requirements never share an anchor, since a pinned port's anchor is its nodePort value
  for (const req of exposure.requirements) {
    if (req.port !== null || !applies(layers, req)) continue;
    const answer = isAllowed(layers, req, config);
    if (answer && !answer.allowed) {
      group('nodeport-unpinned', req, answer.checked);
    }
  }

  for (const req of exposure.requirements) {
    if (req.port === null || !applies(layers, req)) continue;
    const answer = isAllowed(layers, req, config);
    if (!answer || answer.allowed) continue;
    const code: Code = req.layer === 'firewalld' ? 'firewalld-port-closed' : req.layer === 'worker-lists' ? 'security-list-port-closed' : 'lb-listener-closed';
    group(code, req, answer.checked);
  }

  for (const g of groups.values()) ctx.report(makeFinding(svc, exposure, g, layers, config));

  checkSourceRangesBypassed(svc, exposure, layers, ctx);
}

function uniqueFroms(reqs: readonly Requirement[]): From[] {
  const seen = new Set<string>();
  const out: From[] = [];
  for (const r of reqs) {
    const t = fromText(r.from);
    if (!seen.has(t)) { seen.add(t); out.push(r.from); }
  }
  return out;
}

function makeFinding(svc: ServiceModel, exposure: Exposure, g: Group, layers: Layers, config: ServiceReachConfig) {
  const first = g.reqs[0];
  const froms = uniqueFroms(g.reqs);
  const fromList = rangesText(froms.map(fromText));
  const owner = portOwner(svc, first);
  const svcName = svc.name ?? '(unnamed)';
  const layersOf = [...new Set(g.reqs.map((r) => r.layer))];
  const fixHint = {
    kind: g.code === 'nodeport-unpinned' ? 'pin-node-port' : 'open-port',
    layer: first.layer,
    protocol: first.protocol,
    port: first.port,
    portKind: first.portKind,
    traffic: first.traffic,
    froms,
    service: svcName,
    namespace: svc.namespace,
    portOwner: owner,
    targets: g.checked.map((s) => ({ kind: s.kind, path: s.path, key: s.key })),
    servicePortIndex: first.servicePortIndex,
    anchor: g.anchor,
    /** every requirement of the group (all of them not allowed): what a fix must open, layer by layer */
    missing: g.reqs.map((r) => ({ layer: r.layer, traffic: r.traffic, from: r.from })),
  };
  const related = relatedOf(g.checked, `does not allow ${first.port ?? 'the whole node-port range'}/${first.protocol.toLowerCase()} from ${fromList}`);
  switch (g.code) {
    case 'firewalld-port-closed': {
      const fw = layers.firewalld!;
      const health = first.portKind === 'health';
      const severity = health || fw.strictForwardPorts ? 'error' : 'warning';
      const why = health
        ? 'kube-proxy serves the health check on the host itself, so the load balancer will mark every node unhealthy'
        : fw.strictForwardPorts
          ? `StrictForwardPorts is on${fw.strictOrigin ? ` (${fw.strictOrigin})` : ''}, so firewalld blocks it`
          : "kube-proxy's DNAT usually gets node-port traffic past firewalld, but not with StrictForwardPorts=yes or IPVS";
      return finding('firewalld-port-closed', svc.path, g.anchor,
        `${portText(first, config)} (${owner} of Service ${svcName}) is not allowed from ${fromList} by ${sourcesText(g.checked)}; ${why}.`,
        { severity, related, fix: fixHint });
    }
    case 'security-list-port-closed': {
      const mode = exposure.oci ? ` (OCI mode ${exposure.oci.mode}: these rules are yours to write)` : '';
      return finding('security-list-port-closed', svc.path, g.anchor,
        `${portText(first, config)} (${owner} of Service ${svcName}) is not allowed from ${fromList} by any worker security list or NSG rule: ${sourcesText(g.checked)}${mode}.`,
        { related, fix: fixHint });
    }
    case 'lb-listener-closed':
      return finding('lb-listener-closed', svc.path, g.anchor,
        `${portText(first, config)} (${owner} of Service ${svcName}) is not allowed from ${fromList} by the load-balancer subnet lists: ${sourcesText(g.checked)}.`,
        { related, fix: fixHint });
    default: {
      const layerNames = layersOf.map((l) => (l === 'firewalld' ? 'the node firewalld zone' : l === 'worker-lists' ? 'the worker security lists' : 'the load-balancer lists')).join(' and ');
      return finding('nodeport-unpinned', svc.path, g.anchor,
        `${portText(first, config)} (${owner} of Service ${svcName}) is picked at random from ${config.nodePortRange.min}-${config.nodePortRange.max}, but ${layerNames} (${sourcesText(g.checked)}) do not allow that whole range over ${first.protocol} from ${fromList}; pin the nodePort or open the range.`,
        { related, fix: fixHint });
    }
  }
}

function checkSourceRangesBypassed(svc: ServiceModel, exposure: Exposure, layers: Layers, ctx: CheckContext): void {
  const sr = svc.sourceRanges;
  if (exposure.type !== 'LoadBalancer' || sr.origin === 'default' || sr.unknown || !sr.anchor) return;
  const ranges = sourceRangeList(svc);
  if (ranges.length === 0 || ranges.some((c) => c.family === 4 && c.prefix === 0)) return;
  if (!layers.firewalld && !layers.workerLists) return;
  const config = ctx.config;
  const lbSubnets = config.lbSubnetCidrs;
  const worldOnly = lbSubnets === undefined;
  const inside = AddressSet.ofAll([...ranges, ...(lbSubnets ?? [])]);
  for (const np of exposure.nodePorts) {
    const range = np.port === null ? config.nodePortRange : { min: np.port, max: np.port };
    let reach = AddressSet.ALL;
    let checked: GuardSource[] = []; // concat, not push(...list): a call's arguments overflow past ~125,000
    if (layers.workerLists) {
      reach = reach.intersect(listsReach(layers.workerLists, np.protocol, range, worldOnly));
      checked = checked.concat(layers.workerLists.sources);
    }
    if (layers.firewalld) {
      reach = reach.intersect(firewalldReach(layers.firewalld, np.protocol, range, worldOnly));
      checked = checked.concat(layers.firewalld.nodeZones, layers.firewalld.bindingZones);
    }
    const outside = reach.minus(inside);
    if (outside.isEmpty()) continue;
    const listed = exposure.sourceRanges;
    const portName = np.port === null ? `the unpinned node port of port ${svc.ports.find((p) => p.index === np.servicePortIndex)?.port ?? '?'}` : `node port ${np.port}/${np.protocol}`;
    ctx.report(finding('source-ranges-bypassed', svc.path, sr.anchor,
      `The ${listed.length > MAX_LISTED ? rangesText(listed, 'source ranges') : `source ranges ${listed.join(', ')}`} restrict only the load balancer: ${sourcesText(checked)} let other addresses (such as ${outside.sample(1).join(', ')}) reach ${portName} on every node directly.`,
      { related: relatedOf(checked, `lets addresses outside the source ranges reach ${np.port ?? 'the node-port range'}/${np.protocol.toLowerCase()}`) }));
    return;
  }
}
