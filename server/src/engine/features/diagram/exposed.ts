/**
 * The diagram of a Service reachable from outside the cluster (NodePort, LoadBalancer): clients → load balancer
 * → every node → ClusterIP → pods, the hops into the load balancer and the nodes guarded by the rule layers.
 */
import type { Exposure, PortKind } from '../../exposure/requirements';
import type { Protocol } from '../../sources/model';
import { requirementStatuses, type RequirementStatus } from '../status';
import { valueSpan } from '../../k8s/spans';
import { portSpec, targetText, type DiagramBuilder } from './builder';
import { fromLines, fromsText, guardsOf, hopReason, hopStatus, nodePortFindings } from './guards';
import type { HopKind } from './model';
import { serviceNsgs } from '../../checks/lb-nsgs';
import { layerTopology } from '../topology';

export function buildExposed(b: DiagramBuilder, ex: Exposure, lb: boolean): void {
  const { svc, analysis } = b;
  const provider = analysis.provider;
  const range = b.range;
  const statuses = requirementStatuses(analysis, b.sa);
  const nsgs = serviceNsgs(analysis.layers, svc, b.sa.exposure);

  const statusesFor = (traffic: string, servicePortIndex: number | null, portKind: PortKind): RequirementStatus[] =>
    statuses.filter((s) => s.requirement.traffic === traffic && s.requirement.servicePortIndex === servicePortIndex && s.requirement.portKind === portKind);

  const guardHop = (
    hop: HopKind, from: string, to: string, traffic: string, portKind: PortKind, servicePortIndex: number | null,
    protocol: Protocol, port: number | null, label: string, lbSubnet: boolean, extra: string[] = [],
  ) => {
    const group = statusesFor(traffic, servicePortIndex, portKind);
    const guards = guardsOf(group, provider, b.own);
    // the lists and NSGs: who made them this layer's (the topology, the config, this load balancer's NSGs)
    for (const g of guards) {
      const topology = layerTopology(analysis.layers.topology, g.layer, nsgs);
      if (topology.length && g.status !== 'managed-by-cloud-controller') g.topology = topology;
    }
    const keys: string[] = []; // each once: one finding (an unpinned port) may be on several guards
    for (const k of [...guards.flatMap((g) => g.findings), ...extra]) if (!keys.includes(k)) keys.push(k);
    b.addEdge({
      id: `${hop}:${servicePortIndex ?? 'health'}`,
      from, to, hop, label, detail: fromsText(group, lbSubnet), protocol, port, portKind, servicePortIndex,
      status: hopStatus(guards), reason: hopReason(guards), guards, findings: keys,
    });
  };

  // ---------------------------------------------------------------------------------------------- boxes
  if (lb) {
    const origin = svc.sourceRanges.origin === 'field' ? 'loadBalancerSourceRanges' : svc.sourceRanges.origin;
    const lines = ex.sourceRanges.length ? fromLines(ex.sourceRanges) : ['source ranges unknown'];
    lines.push(origin === 'default' ? 'default: no loadBalancerSourceRanges' : origin === 'annotation' ? 'legacy source-ranges annotation' : 'loadBalancerSourceRanges');
    b.addClients({ kind: 'clients', sources: [...ex.sourceRanges], origin }, lines,
      svc.sourceRanges.anchor ? { path: svc.path, span: svc.sourceRanges.anchor } : null);
  } else {
    const cidrs = analysis.config.clientCidrs?.map((c) => c.text);
    b.addClients({ kind: 'clients', sources: cidrs ?? ['any source'], origin: cidrs ? 'nodes.clientCidrs' : 'any' },
      cidrs ? [...fromLines(cidrs), 'nodes.clientCidrs'] : ['any source', 'nodes.clientCidrs not set'], null);
  }

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
    for (const l of ex.listeners) lines.push(`listener ${portSpec(l.port, l.protocol)}${b.portOf(l.servicePortIndex)?.name ? ` (${b.portOf(l.servicePortIndex)!.name})` : ''}`);
    if (ex.listeners.length === 0) lines.push('no listeners');
    b.addNode({
      id: 'load-balancer', kind: 'load-balancer', title: 'Load balancer', lines,
      facts: {
        kind: 'load-balancer', provider, flavour: oci?.flavour ?? null, mode: oci?.mode ?? null, modeOrigin: oci?.modeOrigin ?? null,
        preserveSource: !!oci?.preserveSource,
        listeners: ex.listeners.map((l) => ({ port: l.port, protocol: l.protocol, servicePortIndex: l.servicePortIndex })),
      },
      ref: svc.typePair ? { path: svc.path, span: valueSpan(svc.typePair) } : null,
    });
  }

  const nodeLines: string[] = [];
  for (const np of ex.nodePorts) nodeLines.push(`node port ${portSpec(np.port, np.protocol, range)} → port ${b.portName(np.servicePortIndex)}`);
  if (ex.healthCheck) {
    nodeLines.push(ex.healthCheck.origin === 'kube-proxy'
      ? `health check ${ex.healthCheck.port ?? '?'}/TCP (kube-proxy)`
      : `healthCheckNodePort ${portSpec(ex.healthCheck.port, 'TCP', range)}`);
  }
  if (ex.nodePorts.length === 0 && !ex.healthCheck) nodeLines.push('no node ports');
  if (lb || svc.externalTrafficPolicy === 'Local') nodeLines.push(`externalTrafficPolicy ${svc.externalTrafficPolicy ?? 'unknown'}`);
  b.addNode({
    id: 'nodes', kind: 'nodes', title: 'Every node', lines: nodeLines,
    facts: {
      kind: 'nodes',
      nodePorts: ex.nodePorts.map((np) => ({ port: np.port, protocol: np.protocol, servicePortIndex: np.servicePortIndex })),
      healthCheck: ex.healthCheck ? { port: ex.healthCheck.port, origin: ex.healthCheck.origin } : null,
      externalTrafficPolicy: svc.externalTrafficPolicy, nodePortRange: range,
    },
    ref: ex.nodePorts[0] ? { path: svc.path, span: ex.nodePorts[0].anchor } : null,
  });
  b.addClusterIp();
  b.addPods();

  // ----------------------------------------------------------------------------------------------- hops
  if (lb) {
    for (const l of ex.listeners) {
      guardHop('clients-to-lb', 'clients', 'load-balancer', 'clients-to-lb', 'listener', l.servicePortIndex, l.protocol, l.port,
        `listener ${portSpec(l.port, l.protocol)}`, false);
    }
  }
  for (const np of ex.nodePorts) {
    const label = `node port ${portSpec(np.port, np.protocol, range)}`;
    const extra = nodePortFindings(b.own, np.anchor);
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
      `health check ${portSpec(ex.healthCheck.port, 'TCP', range)}`, true, nodePortFindings(b.own, ex.healthCheck.anchor));
  }
  // listeners without a node port (allocateLoadBalancerNodePorts: false): the load balancer sends to the pods
  for (const l of ex.listeners) {
    if (ex.nodePorts.some((np) => np.servicePortIndex === l.servicePortIndex)) continue;
    const p = b.portOf(l.servicePortIndex);
    b.addEdge({
      id: `lb-to-pods:${l.servicePortIndex}`, from: 'load-balancer', to: 'pods', hop: 'lb-to-pods',
      label: `${portSpec(l.port, l.protocol)} → ${targetText(p?.targetPort ?? null, l.protocol, b.matched)}`,
      detail: null, protocol: l.protocol, port: l.port, portKind: null, servicePortIndex: l.servicePortIndex,
      status: 'unknown', reason: 'no node port allocated: the load balancer must reach the pods directly', guards: [], findings: [],
    });
  }
  for (const np of ex.nodePorts) {
    const p = b.portOf(np.servicePortIndex);
    b.addEdge({
      id: `nodes-to-cluster-ip:${np.servicePortIndex}`, from: 'nodes', to: 'cluster-ip', hop: 'nodes-to-cluster-ip',
      label: `${np.port ?? 'node port'} → ${portSpec(p?.port ?? null, np.protocol)}`,
      detail: null, protocol: np.protocol, port: p?.port ?? null, portKind: null, servicePortIndex: np.servicePortIndex,
      status: 'not-applicable', reason: svc.externalTrafficPolicy === 'Local' ? 'kube-proxy, to pods on the same node only' : 'kube-proxy, inside the cluster',
      guards: [], findings: [],
    });
  }
  b.addPodHops('cluster-ip', 'cluster-ip-to-pods');
}
