/**
 * The exposure model as one pure function: a Service (after defaults) in, a list of requirements
 * out — `(layer, protocol, port | unpinned, from, who manages it)` — plus the facts they were derived from
 * (node ports, health-check port, listeners, OCI flavour and mode). Hover, the inline chain, the diagram and
 * the reachability check all read this; its shape is documented in ARCHITECTURE.md.
 */
import type { Protocol } from '../sources/model';
import type { ServiceModel, ServicePort, ServiceType } from '../k8s/service';
import type { ServiceReachConfig } from '../config/config';
import type { Span } from '../text/span';
import { parseCidr, type Cidr } from '../net/cidr';
import { portItemHead, valueSpan } from '../k8s/spans';
import { ociSettingsOf, workerRulesAreUsers, type OciSettings } from './oci-settings';

export type Provider = 'oci' | 'generic';
/** `node-firewall`: the nodes' iptables or nftables rules (the node firewall besides firewalld) */
export type Layer = 'firewalld' | 'node-firewall' | 'worker-lists' | 'lb-lists';
/** `lb-egress-to-nodes`: the load balancer's way out of its subnet, to a node port or the health-check port */
export type Traffic = 'clients-to-nodes' | 'lb-to-nodes' | 'lb-health-check' | 'clients-to-nodes-preserved' | 'clients-to-lb' | 'lb-egress-to-nodes';
export type PortKind = 'node' | 'health' | 'listener';
export type Manager = 'user' | 'oci-cloud-controller';

/** Where traffic comes from: a CIDR (canonical text), or any source (not configured). */
export type From = { kind: 'any' } | { kind: 'cidr'; cidr: string };

export interface Requirement {
  traffic: Traffic;
  layer: Layer;
  protocol: Protocol;
  /** the port; null when it is an unpinned node port or health-check port (picked at random from the range) */
  port: number | null;
  portKind: PortKind;
  from: From;
  managedBy: Manager;
  /** index into `spec.ports`, or null for the health-check port */
  servicePortIndex: number | null;
  /** where a finding about this requirement goes */
  anchor: Span;
}

export interface NodePortInfo {
  servicePortIndex: number;
  protocol: Protocol;
  /** null: unpinned */
  port: number | null;
  anchor: Span;
}

export interface HealthCheckInfo {
  /** null: unpinned healthCheckNodePort */
  port: number | null;
  origin: 'healthCheckNodePort' | 'kube-proxy';
  anchor: Span;
}

export interface ListenerInfo {
  servicePortIndex: number;
  protocol: Protocol;
  port: number;
  anchor: Span;
}

export interface Exposure {
  type: ServiceType;
  provider: Provider;
  /** OCI settings, for LoadBalancer Services when the provider is OCI */
  oci?: OciSettings;
  nodePorts: NodePortInfo[];
  healthCheck?: HealthCheckInfo;
  listeners: ListenerInfo[];
  /** the client source ranges of the load balancer (canonical CIDRs; when none are set, the open range of its IP families) */
  sourceRanges: string[];
  requirements: Requirement[];
}

export interface ExposureOptions {
  config: ServiceReachConfig;
  provider: Provider;
}

const ANY: From = { kind: 'any' };

/**
 * The parsed CIDR of each `from` made here. Requirements share their From objects, and the matcher asks for a
 * from's CIDR once per requirement and rule: with 100,000 source ranges, parsing the text each time cost more than
 * everything else.
 */
const fromCidrs = new WeakMap<From, Readonly<Cidr> | null>();

function cidrFrom(c: Readonly<Cidr>): From {
  const from: From = { kind: 'cidr', cidr: c.text };
  fromCidrs.set(from, c);
  return from;
}

/** The CIDR of a `from` (parsed once per From object). */
export function fromCidr(from: From & { kind: 'cidr' }): Readonly<Cidr> | null {
  let c = fromCidrs.get(from);
  if (c === undefined) fromCidrs.set(from, (c = parseCidr(from.cidr)));
  return c;
}

function froms(cidrs: readonly Readonly<Cidr>[] | undefined): From[] {
  return cidrs === undefined ? [ANY] : cidrs.map(cidrFrom);
}

function nodePortAnchor(p: ServicePort): Span {
  return p.nodePort !== null && p.nodePortPair ? valueSpan(p.nodePortPair) : portItemHead(p);
}

/** Undefined when the Service exposes nothing outside the cluster or its type is not known. */
export function exposureOf(svc: ServiceModel, opts: ExposureOptions): Exposure | undefined {
  const type = svc.type;
  if (type === null) return undefined;
  const { config, provider } = opts;
  const oci = type === 'LoadBalancer' && provider === 'oci' ? ociSettingsOf(svc) : undefined;

  const nodePorts: NodePortInfo[] = [];
  const listeners: ListenerInfo[] = [];
  if (type === 'NodePort' || type === 'LoadBalancer') {
    for (const p of svc.ports) {
      if (p.protocol === null || p.nodePortUnknown) continue;
      const allocated = type === 'NodePort' || svc.allocateLoadBalancerNodePorts || p.nodePort !== null;
      if (allocated) nodePorts.push({ servicePortIndex: p.index, protocol: p.protocol, port: p.nodePort, anchor: nodePortAnchor(p) });
      if (type === 'LoadBalancer' && p.port !== null) listeners.push({ servicePortIndex: p.index, protocol: p.protocol, port: p.port, anchor: portItemHead(p) });
    }
  }

  let healthCheck: HealthCheckInfo | undefined;
  if (type === 'LoadBalancer' && svc.externalTrafficPolicy !== null) {
    const anchor = svc.healthCheckNodePortPair ? valueSpan(svc.healthCheckNodePortPair)
      : svc.externalTrafficPolicyPair ? valueSpan(svc.externalTrafficPolicyPair)
      : svc.typePair ? valueSpan(svc.typePair) : svc.object.span;
    if (svc.externalTrafficPolicy === 'Local') {
      if (!svc.healthCheckNodePortUnknown) healthCheck = { port: svc.healthCheckNodePort, origin: 'healthCheckNodePort', anchor };
    } else {
      healthCheck = { port: config.kubeProxyHealthPort, origin: 'kube-proxy', anchor };
    }
  }

  const ranges = svc.sourceRanges.unknown ? [] : sourceRangeList(svc);
  const sourceRanges = ranges.map((c) => c.text);
  const requirements: Requirement[] = [];
  const add = (r: Omit<Requirement, 'from'>, from: From[]) => { for (const f of from) requirements.push({ ...r, from: f }); };
  // a Service the cloud controller refuses gets no load balancer: nothing is required of any layer
  if (oci?.refused) return { type, provider, oci, nodePorts, healthCheck, listeners, sourceRanges, requirements };

  if (type === 'NodePort') {
    const clients = froms(config.clientCidrs);
    for (const np of nodePorts) {
      for (const layer of ['firewalld', 'node-firewall', 'worker-lists'] as const) {
        add({ traffic: 'clients-to-nodes', layer, protocol: np.protocol, port: np.port, portKind: 'node', managedBy: 'user', servicePortIndex: np.servicePortIndex, anchor: np.anchor }, clients);
      }
    }
  }

  if (type === 'LoadBalancer') {
    const lbSubnet = froms(config.lbSubnetCidrs);
    // the rules the cloud controller writes are TCP only: a UDP port is always the user's job
    const workerManager = (protocol: Protocol): Manager => (!oci || workerRulesAreUsers(oci) || protocol !== 'TCP' ? 'user' : 'oci-cloud-controller');
    const lbManager = (protocol: Protocol): Manager => (!oci || oci.mode === 'None' || protocol !== 'TCP' ? 'user' : 'oci-cloud-controller');
    const clientRanges = froms(ranges);
    const workers: From[] = [ANY];
    for (const np of nodePorts) {
      const base = { protocol: np.protocol, port: np.port, portKind: 'node' as const, servicePortIndex: np.servicePortIndex, anchor: np.anchor };
      add({ ...base, traffic: 'lb-to-nodes', layer: 'firewalld', managedBy: 'user' }, lbSubnet);
      add({ ...base, traffic: 'lb-to-nodes', layer: 'node-firewall', managedBy: 'user' }, lbSubnet);
      add({ ...base, traffic: 'lb-to-nodes', layer: 'worker-lists', managedBy: workerManager(np.protocol) }, lbSubnet);
      if (oci?.flavour === 'nlb' && oci.preserveSource) {
        add({ ...base, traffic: 'clients-to-nodes-preserved', layer: 'firewalld', managedBy: 'user' }, clientRanges);
        add({ ...base, traffic: 'clients-to-nodes-preserved', layer: 'node-firewall', managedBy: 'user' }, clientRanges);
        add({ ...base, traffic: 'clients-to-nodes-preserved', layer: 'worker-lists', managedBy: workerManager(np.protocol) }, clientRanges);
      }
      add({ ...base, traffic: 'lb-egress-to-nodes', layer: 'lb-lists', managedBy: workerManager(np.protocol) }, workers);
    }
    if (healthCheck) {
      const base = { protocol: 'TCP' as const, port: healthCheck.port, portKind: 'health' as const, servicePortIndex: null, anchor: healthCheck.anchor };
      add({ ...base, traffic: 'lb-health-check', layer: 'firewalld', managedBy: 'user' }, lbSubnet);
      add({ ...base, traffic: 'lb-health-check', layer: 'node-firewall', managedBy: 'user' }, lbSubnet);
      add({ ...base, traffic: 'lb-health-check', layer: 'worker-lists', managedBy: workerManager('TCP') }, lbSubnet);
      add({ ...base, traffic: 'lb-egress-to-nodes', layer: 'lb-lists', managedBy: workerManager('TCP') }, workers);
    }
    for (const l of listeners) {
      add({ traffic: 'clients-to-lb', layer: 'lb-lists', protocol: l.protocol, port: l.port, portKind: 'listener', managedBy: lbManager(l.protocol), servicePortIndex: l.servicePortIndex, anchor: l.anchor }, clientRanges);
    }
  }

  return { type, provider, oci, nodePorts, healthCheck, listeners, sourceRanges, requirements };
}

const OPEN_V4 = '0.0.0.0/0';
const OPEN_V4_CIDR = parseCidr(OPEN_V4)!;
const OPEN_V6_CIDR = parseCidr('::/0')!;

/** The load balancer's source ranges as canonical texts (`sourceRangeList`). */
export function sourceRangeCidrs(svc: ServiceModel): string[] {
  return sourceRangeList(svc).map((c) => c.text);
}

/**
 * The load balancer's source ranges, parsed, as the cloud controller works them out (`getLoadBalancerSourceRanges`):
 * the valid ranges written (host bits cleared, each once); when none are set (or only `0.0.0.0/0`), the open range
 * of the Service's IP families — `::/0` instead for IPv6 single-stack (`ipFamilies` holds IPv6), both for dual
 * stack (`ipFamilyPolicy` PreferDualStack or RequireDualStack).
 */
export function sourceRangeList(svc: ServiceModel): Readonly<Cidr>[] {
  const seen = new Set<string>(); // a set: 100,000 ranges, each checked against those before it, was quadratic
  const out: Readonly<Cidr>[] = [];
  if (svc.sourceRanges.origin === 'default') { out.push(OPEN_V4_CIDR); seen.add(OPEN_V4); }
  for (const e of svc.sourceRanges.entries) {
    if (e.cidr && !seen.has(e.cidr.text)) { seen.add(e.cidr.text); out.push(e.cidr); }
  }
  if (out.length > 1 || (out.length === 1 && out[0].text !== OPEN_V4)) return out;
  if (svc.ipFamilies?.includes('IPv6')) {
    const dual = svc.ipFamilyPolicy === 'PreferDualStack' || svc.ipFamilyPolicy === 'RequireDualStack';
    if (!dual && out[0]?.text === OPEN_V4) out.shift();
    out.push(OPEN_V6_CIDR);
  }
  return out;
}

export function fromText(f: From): string {
  return f.kind === 'any' ? 'any source' : f.cidr;
}
