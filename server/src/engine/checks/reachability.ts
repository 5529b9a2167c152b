/**
 * For every port a Service exposes, does each layer that the user manages let the traffic in?
 * Requirements come from the exposure model; the matcher answers per layer; findings are grouped so that
 * one location carries at most one finding per code, naming every source that is missing.
 */
import type { ServiceModel } from '../k8s/service';
import type { ServiceReachConfig } from '../config/config';
import { AddressSet } from '../net/cidr';
import type { Span } from '../text/span';
import { sourceRangeList, type Exposure, type Layer, type Requirement } from '../exposure/requirements';
import {
  blockingDenies, decidingZones, firewalldAllows, firewalldReach, layerAllowsSome, listsAllow, listsReach, requirementRange,
  type FirewalldLayer, type GuardSource, type ListLayer,
} from '../exposure/matcher';
import { firewalldPortClosed, lbEgressClosed, lbListenerClosed, securityListPortClosed, type BlockingDeny } from '../rules/firewall-closed';
import { nodeportUnpinned } from '../rules/node-ports';
import { nodeFirewallPortClosed } from '../rules/node-firewall';
import { nodeFirewallAllows, nodeFirewallAllowsSome, type NodeFirewallBlock, type NodeFirewallLayer } from '../exposure/node-firewall';
import { reachFacts } from '../rules/reach-facts';
import { sourceRangesBypassed } from '../rules/source-ranges';
import type { CheckContext } from './context';
import type { NsgByOcid, TopologyReport } from './topology-report';

export interface Layers {
  firewalld: FirewalldLayer | null;
  /** the nodes' iptables-save files and nftables rulesets */
  nodeFirewall: NodeFirewallLayer | null;
  workerLists: ListLayer | null;
  lbLists: ListLayer | null;
  /** who guards what, as the lists were attributed (absent: no OCI list or NSG at all) */
  topology?: TopologyReport;
  /** NSGs by OCID: those a Service's annotations attach to its load balancer (`checks/lb-nsgs.ts`) */
  nsgsByOcid?: ReadonlyMap<string, NsgByOcid>;
}

export function layerKnown(layers: Layers, layer: Layer): boolean {
  switch (layer) {
    case 'firewalld': return !!layers.firewalld;
    case 'node-firewall': return !!layers.nodeFirewall;
    case 'worker-lists': return !!layers.workerLists;
    case 'lb-lists': return !!layers.lbLists;
  }
}

/** A layer applies to a requirement when it is known and the requirement is the user's job there (`managedBy`). */
export function applies(layers: Layers, req: Requirement): boolean {
  return req.managedBy === 'user' && layerKnown(layers, req.layer);
}

/** Is the requirement allowed by its layer? Undefined when the layer is not known. */
export function isAllowed(layers: Layers, req: Requirement, config: ServiceReachConfig): { allowed: boolean; checked: GuardSource[]; blocks?: NodeFirewallBlock[] } | undefined {
  const range = config.nodePortRange;
  if (req.layer === 'firewalld') return layers.firewalld ? firewalldAllows(layers.firewalld, req, range) : undefined;
  if (req.layer === 'node-firewall') return layers.nodeFirewall ? nodeFirewallAllows(layers.nodeFirewall, req, range) : undefined;
  const layer = req.layer === 'worker-lists' ? layers.workerLists : layers.lbLists;
  return layer ? { allowed: listsAllow(layer, req, range), checked: layer.sources } : undefined;
}

/** Is a closed port of this requirement an error (a list, the health-check port, StrictForwardPorts)? */
export function closedIsError(layers: Layers, req: Requirement): boolean {
  if (req.layer === 'node-firewall') return req.portKind === 'health';
  return req.layer !== 'firewalld' || req.portKind === 'health' || !!layers.firewalld?.strictForwardPorts;
}

/** Does the requirement's layer allow it on at least one port of the node-port range? */
function allowsSome(layers: Layers, req: Requirement, config: ServiceReachConfig): boolean {
  if (req.layer === 'node-firewall') return !layers.nodeFirewall || nodeFirewallAllowsSome(layers.nodeFirewall, req, config.nodePortRange);
  const layer = req.layer === 'firewalld' ? layers.firewalld : req.layer === 'worker-lists' ? layers.workerLists : layers.lbLists;
  return !layer || layerAllowsSome(layer, req, config.nodePortRange);
}

/** The codes this check reports per group of requirements (the rule units in rules/ word them). */
type ReachCode = 'firewalld-port-closed' | 'node-firewall-port-closed' | 'security-list-port-closed' | 'lb-listener-closed' | 'lb-egress-closed' | 'nodeport-unpinned';

interface Group {
  code: ReachCode;
  anchor: Span;
  reqs: Requirement[];
  checked: GuardSource[];
  /** nodeport-unpinned: the requirements no port of whose range is open, where a closed port is an error */
  certain: Requirement[];
  /** firewalld-port-closed: the deny rules (rich rules that drop or reject) that block the port */
  denies: BlockingDeny[];
  /** node-firewall-port-closed: the rules or policies that block it, per ruleset */
  blocks: NodeFirewallBlock[];
}

export function checkReachability(svc: ServiceModel, exposure: Exposure, layers: Layers, ctx: CheckContext): void {
  const config = ctx.config;
  const groups = new Map<string, Group>();
  const seen = new Map<Group, Set<GuardSource>>(); // g.checked as a set (thousands of lists: no quadratic includes)
  const group = (code: ReachCode, req: Requirement, checked: GuardSource[]) => {
    const key = `${code}|${req.anchor.start}`;
    const g = groups.get(key) ?? { code, anchor: req.anchor, reqs: [], checked: [], certain: [], denies: [], blocks: [] };
    g.reqs.push(req);
    const set = seen.get(g) ?? new Set<GuardSource>();
    for (const c of checked) if (!set.has(c)) { set.add(c); g.checked.push(c); }
    seen.set(g, set);
    groups.set(key, g);
    return g;
  };

  // an unpinned port gets one `nodeport-unpinned` (per anchor), and nothing else: pinned and unpinned
  // requirements never share an anchor, since a pinned port's anchor is its nodePort value
  for (const req of exposure.requirements) {
    if (req.port !== null || !applies(layers, req)) continue;
    const answer = isAllowed(layers, req, config);
    if (answer && !answer.allowed) {
      const g = group('nodeport-unpinned', req, answer.checked);
      if (closedIsError(layers, req) && !allowsSome(layers, req, config)) g.certain.push(req);
    }
  }

  for (const req of exposure.requirements) {
    if (req.port === null || !applies(layers, req)) continue;
    const answer = isAllowed(layers, req, config);
    if (!answer || answer.allowed) continue;
    const code: ReachCode = req.layer === 'firewalld' ? 'firewalld-port-closed' : req.layer === 'node-firewall' ? 'node-firewall-port-closed'
      : req.layer === 'worker-lists' ? 'security-list-port-closed'
      : req.traffic === 'lb-egress-to-nodes' ? 'lb-egress-closed' : 'lb-listener-closed';
    const g = group(code, req, answer.checked);
    if (answer.blocks) {
      for (const b of answer.blocks) if (!g.blocks.some((x) => x.deny.rule === b.deny.rule && x.deny.chain === b.deny.chain)) g.blocks.push(b);
    }
    if (req.layer === 'firewalld' && layers.firewalld) {
      for (const zone of decidingZones(layers.firewalld, req.from)) {
        for (const rule of blockingDenies(zone, req.protocol, requirementRange(req, config.nodePortRange), req.from, req.traffic)) {
          if (!g.denies.some((d) => d.rule === rule)) g.denies.push({ rule, zone });
        }
      }
    }
  }

  for (const g of groups.values()) ctx.report(makeFinding(svc, exposure, g, layers, config));

  checkSourceRangesBypassed(svc, exposure, layers, ctx);
}

function makeFinding(svc: ServiceModel, exposure: Exposure, g: Group, layers: Layers, config: ServiceReachConfig) {
  const facts = reachFacts(svc, exposure, config, g.anchor, g.reqs, g.checked);
  switch (g.code) {
    case 'firewalld-port-closed': return firewalldPortClosed(facts, layers.firewalld!, g.denies);
    case 'node-firewall-port-closed': return nodeFirewallPortClosed(facts, g.blocks);
    case 'security-list-port-closed': return securityListPortClosed(facts);
    case 'lb-listener-closed': return lbListenerClosed(facts);
    case 'lb-egress-closed': return lbEgressClosed(facts);
    case 'nodeport-unpinned': return nodeportUnpinned(facts, g.certain);
  }
}

function checkSourceRangesBypassed(svc: ServiceModel, exposure: Exposure, layers: Layers, ctx: CheckContext): void {
  const sr = svc.sourceRanges;
  // (a Service the cloud controller refuses gets no load balancer: nothing to go around)
  if (exposure.type !== 'LoadBalancer' || exposure.oci?.refused || sr.origin === 'default' || sr.unknown || !sr.anchor) return;
  const ranges = sourceRangeList(svc);
  // an open range (0.0.0.0/0 or ::/0, written or worked out from the IP families) restricts nothing
  if (ranges.length === 0 || ranges.some((c) => c.prefix === 0)) return;
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
    const portName = np.port === null ? `the unpinned node port of port ${svc.ports.find((p) => p.index === np.servicePortIndex)?.port ?? '?'}` : `node port ${np.port}/${np.protocol}`;
    ctx.report(sourceRangesBypassed(svc.path, sr.anchor, exposure.sourceRanges, checked, outside.sample(1).join(', '), portName, np.port, np.protocol));
    return;
  }
}
