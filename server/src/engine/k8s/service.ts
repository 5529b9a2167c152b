/**
 * A Service as the API server sees it after defaulting: type ClusterIP, protocol TCP, targetPort =
 * port, externalTrafficPolicy Cluster on externally reachable types, allocateLoadBalancerNodePorts true on
 * LoadBalancer. Every value keeps the pair it came from; a value that holds a template expression is unknown.
 */
import type { Span } from '../text/span';
import type { Protocol } from '../sources/model';
import { asMap, asScalar, asSeq, get, getValue, scalarString, scalarText, type YMap, type YNode, type YPair, type YScalar } from '../parse/yaml';
import { labelsOf, nameOf, namespaceOf, type K8sObject, type Labels } from './manifests';
import { parseCidr, type Cidr } from '../net/cidr';

export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
export const SERVICE_TYPES: readonly ServiceType[] = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export const LEGACY_SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

export interface Annotation {
  key: string;
  /** the value as a string; undefined when it is a template expression or not a scalar */
  value: string | undefined;
  pair: YPair;
}

export interface ServicePort {
  index: number;
  /** the `ports[]` item */
  node: YMap;
  span: Span;
  name: string | undefined;
  namePair?: YPair;
  /** a valid port number, else null */
  port: number | null;
  portPair?: YPair;
  /** after defaulting; null when written and invalid, or unknown */
  protocol: Protocol | null;
  protocolPair?: YPair;
  /** number or name after defaulting (port when absent or 0); null when unknown */
  targetPort: number | string | null;
  targetPortPair?: YPair;
  /** a pinned node port (non-zero integer); null when unpinned */
  nodePort: number | null;
  nodePortPair?: YPair;
  /** nodePort holds something we cannot read (a template): the port is unknown, never wrong */
  nodePortUnknown: boolean;
  /** template actions sit among its fields (`{{- if … }}` lines): a field it lacks may be rendered */
  templated: boolean;
}

export interface SourceRanges {
  /** where the ranges come from: the field when it holds entries, else the legacy annotation when it holds any */
  origin: 'field' | 'annotation' | 'default';
  /**
   * Every entry as written, valid or not (an empty one from a stray comma too), each parsed once as the API server
   * parses it (trimmed; null: not a CIDR). An annotation's entries all point at the annotation's value.
   */
  entries: { text: string; span: Span; cidr: Readonly<Cidr> | null }[];
  /** the anchor for findings about the ranges: the field's key, or the annotation's value */
  anchor?: Span;
  /** unknown (templated): no finding about them */
  unknown: boolean;
}

export interface ServiceModel {
  object: K8sObject;
  path: string;
  name: string | undefined;
  namespace: string | undefined;
  metadata: YMap | null;
  spec: YMap | null;
  specPair?: YPair;
  /** after defaulting; null when written and invalid or unknown */
  type: ServiceType | null;
  typePair?: YPair;
  typeUnknown: boolean;
  annotations: Map<string, Annotation>;
  headless: boolean;
  clusterIPPair?: YPair;
  hasExternalIPs: boolean;
  externallyReachable: boolean;
  /** after defaulting, only for externally reachable Services */
  externalTrafficPolicy: 'Cluster' | 'Local' | null;
  externalTrafficPolicyPair?: YPair;
  /** a pinned health-check node port (1–65535); null when unpinned (absent, null or 0) or unknown */
  healthCheckNodePort: number | null;
  healthCheckNodePortPair?: YPair;
  /** written, but a template or not a port number: the port is unknown, never wrong */
  healthCheckNodePortUnknown: boolean;
  allocateLoadBalancerNodePorts: boolean;
  sourceRanges: SourceRanges;
  selector: Labels | null;
  selectorPair?: YPair;
  sessionAffinity: string | undefined;
  sessionAffinityPair?: YPair;
  /** `ipFamilies` as written (strings only); null when they are unknown (a template) */
  ipFamilies: string[] | null;
  /** `ipFamilyPolicy` as written; undefined when unset (or null), null when unknown */
  ipFamilyPolicy: string | undefined | null;
  ports: ServicePort[];
  portsPair?: YPair;
  /**
   * The ports as rendered may not be those written: template actions sit among them (`{{- range … }}`,
   * `{{- if … }}` lines), or they, or the spec that should hold them, are a template value. Missing ports, duplicate
   * ports and their count are then unknown, never wrong.
   */
  portsUnknown: boolean;
}

function intOf(node: YNode | null | undefined): number | null {
  const s = asScalar(node);
  if (!s || s.template || typeof s.value !== 'number' || !Number.isInteger(s.value)) return null;
  return s.value;
}

export function isTemplate(node: YNode | null | undefined): boolean {
  return !!node && node.kind === 'scalar' && node.template;
}

export function serviceOf(object: K8sObject): ServiceModel {
  const root = object.root;
  const metadata = asMap(getValue(root, 'metadata'));
  const specPair = get(root, 'spec');
  const spec = asMap(specPair?.value);

  const annotations = new Map<string, Annotation>();
  for (const p of asMap(getValue(metadata, 'annotations'))?.pairs ?? []) {
    const s = asScalar(p.value);
    annotations.set(p.name, { key: p.name, value: s && !s.template && s.value !== null ? String(s.value) : undefined, pair: p });
  }

  const typePair = get(spec, 'type');
  let type: ServiceType | null = 'ClusterIP';
  let typeUnknown = false;
  if (typePair) {
    const s = asScalar(typePair.value);
    if (s?.template) { type = null; typeUnknown = true; }
    else if (s && (s.value === null || s.value === '')) type = 'ClusterIP';
    else {
      const t = scalarString(typePair.value);
      type = t !== undefined && (SERVICE_TYPES as readonly string[]).includes(t) ? (t as ServiceType) : null;
    }
  }

  const clusterIPPair = get(spec, 'clusterIP');
  const clusterIPsNode = asSeq(getValue(spec, 'clusterIPs'));
  const headless = scalarString(clusterIPPair?.value) === 'None'
    || (!clusterIPPair && clusterIPsNode?.items.length === 1 && scalarString(clusterIPsNode.items[0]) === 'None');

  const externalIPs = asSeq(getValue(spec, 'externalIPs'));
  const hasExternalIPs = !!externalIPs && (externalIPs.items.length > 0 || externalIPs.templated);
  const externallyReachable = type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && hasExternalIPs);

  const etpPair = get(spec, 'externalTrafficPolicy');
  const etpText = scalarString(etpPair?.value);
  let externalTrafficPolicy: 'Cluster' | 'Local' | null = null;
  if (externallyReachable) externalTrafficPolicy = etpText === 'Local' ? 'Local' : etpText === undefined || etpText === 'Cluster' || etpText === '' ? 'Cluster' : null;
  if (externallyReachable && isTemplate(etpPair?.value)) externalTrafficPolicy = null;

  const hcPair = get(spec, 'healthCheckNodePort');
  const hcRaw = intOf(hcPair?.value);
  const hc = hcRaw !== null && hcRaw >= 1 && hcRaw <= 65535 ? hcRaw : null;
  const hcScalar = asScalar(hcPair?.value);
  const healthCheckNodePortUnknown = !!hcPair?.value && hc === null && !(hcScalar && (hcScalar.value === null || hcScalar.value === 0));

  const alnpPair = get(spec, 'allocateLoadBalancerNodePorts');
  const alnp = asScalar(alnpPair?.value);
  const allocateLoadBalancerNodePorts = !(alnp && alnp.value === false);

  const selectorPair = get(spec, 'selector');
  const selector = selectorPair ? labelsOf(selectorPair.value) : null;

  const sessionAffinityPair = get(spec, 'sessionAffinity');
  const familiesNode = getValue(spec, 'ipFamilies');
  const familiesSeq = asSeq(familiesNode);
  const ipFamilies = isTemplate(familiesNode) || familiesSeq?.templated || familiesSeq?.items.some((i) => isTemplate(i))
    ? null : (familiesSeq?.items ?? []).map((i) => scalarText(i) ?? '');
  const policyNode = getValue(spec, 'ipFamilyPolicy');
  const ipFamilyPolicy = isTemplate(policyNode) ? null : !policyNode || asScalar(policyNode)?.value === null ? undefined : scalarText(policyNode) ?? '';

  const portsPair = get(spec, 'ports');
  const portsSeq = asSeq(portsPair?.value);
  const ports: ServicePort[] = [];
  portsSeq?.items.forEach((item, index) => {
    const m = asMap(item);
    if (m) ports.push(portOf(m, index));
  });
  const portsUnknown = isTemplate(portsPair?.value) || !!portsSeq?.templated
    || (!portsPair && (isTemplate(specPair?.value) || !!(spec ?? root).templated));

  return {
    object, path: object.path, name: nameOf(root), namespace: namespaceOf(root), metadata, spec, specPair,
    type, typePair, typeUnknown, annotations, headless, clusterIPPair, hasExternalIPs, externallyReachable,
    externalTrafficPolicy, externalTrafficPolicyPair: etpPair,
    healthCheckNodePort: hc, healthCheckNodePortPair: hcPair, healthCheckNodePortUnknown,
    allocateLoadBalancerNodePorts, sourceRanges: sourceRangesOf(spec, annotations),
    selector, selectorPair, sessionAffinity: scalarString(sessionAffinityPair?.value), sessionAffinityPair,
    ipFamilies, ipFamilyPolicy, ports, portsPair, portsUnknown,
  };
}

function portOf(m: YMap, index: number): ServicePort {
  const namePair = get(m, 'name');
  const portPair = get(m, 'port');
  const protocolPair = get(m, 'protocol');
  const targetPortPair = get(m, 'targetPort');
  const nodePortPair = get(m, 'nodePort');

  const portNum = intOf(portPair?.value);
  const port = portNum !== null && portNum >= 1 && portNum <= 65535 ? portNum : null;

  let protocol: Protocol | null = 'TCP';
  if (protocolPair) {
    const s = asScalar(protocolPair.value);
    const t = scalarString(protocolPair.value);
    if (s && s.value === null) protocol = 'TCP';
    else protocol = t !== undefined && (PROTOCOLS as readonly string[]).includes(t) ? (t as Protocol) : null;
  }

  let targetPort: number | string | null = port;
  if (targetPortPair) {
    const s = asScalar(targetPortPair.value);
    if (!s || s.template) targetPort = null;
    else if (typeof s.value === 'number') targetPort = s.value === 0 ? port : s.value;
    else if (typeof s.value === 'string' && s.value !== '') targetPort = s.value;
  }

  const np = asScalar(nodePortPair?.value);
  const npNum = intOf(nodePortPair?.value);
  const nodePortUnknown = !!np && (np.template || (np.value !== null && npNum === null));
  const nodePort = npNum !== null && npNum !== 0 ? npNum : null;

  return {
    index, node: m, span: m.span,
    name: scalarString(namePair?.value), namePair,
    port, portPair, protocol, protocolPair, targetPort, targetPortPair,
    nodePort, nodePortPair, nodePortUnknown, templated: m.templated,
  };
}

/**
 * The source ranges as the API server reads them: the field when it holds entries (each trimmed); only then, the
 * legacy annotation (trimmed; empty means none; else split on `,`, each entry trimmed, an empty entry kept).
 */
function sourceRangesOf(spec: YMap | null, annotations: Map<string, Annotation>): SourceRanges {
  const field = get(spec, 'loadBalancerSourceRanges');
  if (field && isTemplate(field.value)) return { origin: 'field', entries: [], anchor: field.key.span, unknown: true };
  const seq = asSeq(field?.value);
  if (field && seq && (seq.items.length > 0 || seq.templated)) {
    const entries: SourceRanges['entries'] = [];
    let unknown = seq.templated;
    for (const item of seq.items) {
      const s = asScalar(item);
      if (!s || s.template) { unknown = true; continue; }
      const text = s.value === null ? '' : String(s.value);
      entries.push({ text, span: s.span, cidr: parseCidr(text) });
    }
    return { origin: 'field', entries, anchor: field.key.span, unknown };
  }
  const legacy = annotations.get(LEGACY_SOURCE_RANGES_ANNOTATION);
  if (legacy) {
    const valueNode = asScalar(legacy.pair.value);
    const anchor = valueNode?.span ?? legacy.pair.key.span;
    const isNull = !legacy.pair.value || valueNode?.value === null;
    if (legacy.value === undefined && !isNull) return { origin: 'annotation', entries: [], anchor, unknown: true };
    const text = (legacy.value ?? '').trim();
    if (text !== '') return { origin: 'annotation', entries: text.split(',').map((part) => ({ text: part, span: anchor, cidr: parseCidr(part) })), anchor, unknown: false };
  }
  return { origin: 'default', entries: [], unknown: false };
}

export function portLabel(p: ServicePort): string {
  return p.name ? `port "${p.name}" (${p.port ?? '?'})` : `port ${p.port ?? '?'}`;
}

export function serviceLabel(s: ServiceModel): string {
  return s.name ? `Service ${s.namespace && s.namespace !== 'default' ? `${s.namespace}/` : ''}${s.name}` : 'this Service';
}
