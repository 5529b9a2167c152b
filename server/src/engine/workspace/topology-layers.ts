/**
 * Which OCI lists and NSGs guard the worker nodes and which the load-balancer subnet. Setting by setting, the
 * config wins (`nodes.securityLists`, `loadBalancers.securityLists`, `loadBalancers.subnetCidrs`); otherwise the
 * OKE topology the Terraform declares (`topology/`): the lists of the node pools' subnets and the node pools'
 * NSGs guard the workers, the lists of the clusters' load-balancer subnets guard the load balancers, and those
 * subnets' address blocks are where the load balancers' traffic comes from. What neither attributes guards
 * nothing (unattributed). Only with neither a topology nor a list setting in the config does every list and NSG
 * guard the workers (the fallback, said so). NSGs the config's `oci.nsgs` names are load balancers' NSGs, never
 * the workers'. Pure.
 */
import type { ConfigRef, ServiceReachConfig } from '../config/config';
import type { GuardSource } from '../exposure/matcher';
import type { GuardGroup, NsgByOcid, TopologyPlace, TopologyReport } from '../checks/topology-report';
import { parseCidr, type Cidr } from '../net/cidr';
import type { TopologyFacts } from '../topology/model';
import { subnetLists, subnetName, topologyOf, type Topology } from '../topology/resolve';

/** A list or NSG of the workspace, with the keys a topology reference may name it by (addresses, OCID). */
export interface Candidate {
  source: GuardSource;
  keys: string[];
  /** its OCID, when known */
  id?: string;
}

export interface Attribution {
  workers: GuardSource[];
  loadBalancers: GuardSource[];
  report: TopologyReport;
  /** the load-balancer subnets' addresses from the topology (only when the config does not set them) */
  lbSubnetCidrs?: Cidr[];
  nsgsByOcid: Map<string, NsgByOcid>;
}

export function attribute(candidates: readonly Candidate[], config: ServiceReachConfig, facts: readonly TopologyFacts[],
  resolveRefs: (refs: ConfigRef[]) => GuardSource[]): Attribution {
  const topo = topologyOf(facts);
  const byKey = new Map<string, GuardSource>();
  for (const c of candidates) for (const k of c.keys) if (!byKey.has(k)) byKey.set(k, c.source);

  // the NSGs load balancers may attach, by OCID: from a state, then the config's map (which wins)
  const nsgsByOcid = new Map<string, NsgByOcid>();
  for (const c of candidates) if (c.id && c.source.kind === 'oci-nsg') nsgsByOcid.set(c.id, { source: c.source, via: 'state' });
  const lbNsgs = new Set<GuardSource>();
  for (const { ocid, ref } of config.ociNsgs ?? []) {
    const hit = resolveRefs([ref]).find((s) => s.kind === 'oci-nsg');
    if (hit) { nsgsByOcid.set(ocid, { source: hit, via: 'config' }); lbNsgs.add(hit); }
  }

  const configGroup = (setting: string, refs: ConfigRef[]): GuardGroup => ({
    title: `"${setting}" in the config`, sources: resolveRefs(refs),
    where: config.path ? refs.map((r) => ({ path: config.path!, span: r.span })) : [], notes: [],
  });
  const report: TopologyReport = { workers: { origin: 'none', groups: [] }, loadBalancers: { origin: 'none', groups: [] }, unattributed: [], fallback: false, unresolved: [] };
  for (const f of facts) {
    for (const x of [...f.nodePools.map((p) => ({ what: `node pool "${p.name ?? p.address}"`, u: p.unresolved })), ...f.clusters.map((c) => ({ what: `cluster "${c.name ?? c.address}"`, u: c.unresolved }))]) {
      for (const u of x.u) {
        const line = `${x.what}: ${u.reason}`;
        if (report.unresolved.length < MAX_UNRESOLVED && !report.unresolved.includes(line)) report.unresolved.push(line);
      }
    }
  }
  if (config.workerLists) report.workers = { origin: 'config', groups: [configGroup('nodes.securityLists', config.workerLists)] };
  else if (topo && (topo.workerSubnets.length || topo.workerNsgs.length)) report.workers = { origin: 'terraform', groups: workerGroups(topo, byKey) };
  if (config.lbLists) report.loadBalancers = { origin: 'config', groups: [configGroup('loadBalancers.securityLists', config.lbLists)] };
  else if (topo && topo.lbSubnets.length) report.loadBalancers = { origin: 'terraform', groups: lbGroups(topo, byKey) };

  const loadBalancers = unique(report.loadBalancers.groups.flatMap((g) => g.sources));
  let workers = unique(report.workers.groups.flatMap((g) => g.sources));
  if (!topo && !config.workerLists && !config.lbLists) {
    // the fallback: (an NSG of egress rules only guards no worker, nor does a load balancer's NSG)
    report.fallback = true;
    workers = candidates.map((c) => c.source).filter((s) => !lbNsgs.has(s) && !(s.kind === 'oci-nsg' && s.rules.length === 0));
    report.workers = { origin: 'fallback', groups: [{ title: 'every list and NSG: the fallback (no cluster or node pool in the Terraform, no list setting in the config)', sources: workers, where: [], notes: [] }] };
  }
  const attributed = new Set([...workers, ...loadBalancers, ...lbNsgs]);
  report.unattributed = candidates.map((c) => c.source).filter((s) => !attributed.has(s));

  // the load-balancer subnets' addresses
  let lbSubnetCidrs: Cidr[] | undefined;
  if (config.lbSubnetCidrs) {
    report.lbSubnetCidrs = { origin: 'config', cidrs: config.lbSubnetCidrs.map((c) => c.text), where: [] };
  } else if (topo && topo.lbSubnets.length && topo.lbSubnets.every((s) => s.subnet && !s.subnet.cidrsUnknown && s.subnet.cidrs.length)) {
    const cidrs = topo.lbSubnets.flatMap((s) => s.subnet!.cidrs.map((c) => parseCidr(c)));
    if (cidrs.every((c): c is Cidr => !!c)) {
      lbSubnetCidrs = cidrs;
      report.lbSubnetCidrs = { origin: 'terraform', cidrs: cidrs.map((c) => c.text), where: topo.lbSubnets.map((s) => s.subnet!.at) };
    }
  }
  return { workers, loadBalancers, report, ...(lbSubnetCidrs ? { lbSubnetCidrs } : {}), nsgsByOcid };
}

/** At most this many unreadable references are named. */
const MAX_UNRESOLVED = 5;

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function names(xs: readonly { name?: string; address: string }[], what: string): string {
  if (xs.length === 0) return '';
  return ` (${what}${xs.length > 1 ? 's' : ''} ${xs.map((x) => `"${x.name ?? x.address}"`).join(', ')})`;
}

function lookup(keys: readonly string[], byKey: ReadonlyMap<string, GuardSource>, notes: string[]): GuardSource[] {
  const out: GuardSource[] = [];
  for (const k of keys) {
    const s = byKey.get(k);
    if (s) { if (!out.includes(s)) out.push(s); } else notes.push(`"${k}" is not a list or NSG with rules in the workspace`);
  }
  return out;
}

function workerGroups(topo: Topology, byKey: ReadonlyMap<string, GuardSource>): GuardGroup[] {
  const groups: GuardGroup[] = [];
  for (const w of topo.workerSubnets) {
    const notes: string[] = w.subnet ? [] : [`the subnet "${w.key}" is not declared in the workspace: its lists are unknown`];
    const where: TopologyPlace[] = [...w.pools.map((p) => p.at), ...(w.subnet ? [w.subnet.at] : [])];
    groups.push({ title: `worker subnet "${subnetName(w)}"${names(w.pools, 'node pool')}`, sources: lookup(subnetLists(w), byKey, notes), where, notes });
  }
  for (const n of topo.workerNsgs) {
    const notes: string[] = [];
    groups.push({ title: `worker NSG${names(n.pools, 'node pool')}`, sources: lookup([n.key], byKey, notes), where: n.pools.map((p) => p.at), notes });
  }
  return groups;
}

function lbGroups(topo: Topology, byKey: ReadonlyMap<string, GuardSource>): GuardGroup[] {
  return topo.lbSubnets.map((l) => {
    const notes: string[] = l.subnet ? [] : [`the subnet "${l.key}" is not declared in the workspace: its lists are unknown`];
    const where: TopologyPlace[] = [...l.clusters.map((c) => c.at), ...(l.subnet ? [l.subnet.at] : [])];
    return { title: `load-balancer subnet "${subnetName(l)}"${names(l.clusters, 'cluster')}`, sources: lookup(subnetLists(l), byKey, notes), where, notes };
  });
}
