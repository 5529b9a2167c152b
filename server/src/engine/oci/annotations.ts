/**
 * The OCI cloud controller's Service annotations: what each means, the values it accepts, and how it reads
 * them (from its documentation). Completion, hover and the `oci-invalid-annotation` check all read this table.
 */
import { parseGoBool, parseGoInt } from '../util/strconv';

export type Flavour = 'lb' | 'nlb';

export interface AnnotationValue {
  value: string;
  doc: string;
}

export interface OciAnnotation {
  key: string;
  /** which load balancer flavour reads it ('both' for the oci.oraclecloud.com ones) */
  flavour: Flavour | 'both';
  doc: string;
  /** how the value is checked */
  kind: 'enum' | 'rule-mode' | 'bool' | 'int' | 'nsg-list' | 'nsg-list-max5' | 'text';
  values?: AnnotationValue[];
  /** severity of an invalid value (default error) */
  invalidSeverity?: 'error' | 'warning';
}

export const LB_TYPE = 'oci.oraclecloud.com/load-balancer-type';
export const RULE_MODE = 'oci.oraclecloud.com/security-rule-management-mode';
export const LB_LIST_MODE = 'service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode';
export const NLB_LIST_MODE = 'oci-network-load-balancer.oraclecloud.com/security-list-management-mode';
export const NLB_PRESERVE_SOURCE = 'oci-network-load-balancer.oraclecloud.com/is-preserve-source';
export const BACKEND_NSG = 'oci.oraclecloud.com/oci-backend-network-security-group';

const listModes = (defaultNote: string): AnnotationValue[] => [
  { value: 'All', doc: `The cloud controller writes every rule: load-balancer subnet ingress from the source ranges to the listener ports, and worker ingress from the load-balancer subnet to the node ports and the health-check port.${defaultNote === 'All' ? ' (default)' : ''}` },
  { value: 'Frontend', doc: 'The cloud controller writes only the load-balancer subnet ingress rules (sources → listener ports). Worker rules for node ports and the health-check port are yours to write.' },
  { value: 'None', doc: `The cloud controller writes no security rule: load-balancer ingress, node ports and health-check port are all yours to write.${defaultNote === 'None' ? ' (default)' : ''}` },
];

export const OCI_ANNOTATIONS: readonly OciAnnotation[] = [
  {
    key: LB_TYPE, flavour: 'both', kind: 'text',
    doc: 'Which OCI load balancer to create: `lb` (layer-7 load balancer, the default) or `nlb` (network load balancer). Read lower-cased; any other value means `lb`.',
    values: [
      { value: 'lb', doc: 'OCI Load Balancer (default). TCP only; security lists managed in mode All unless told otherwise.' },
      { value: 'nlb', doc: 'OCI Network Load Balancer. TCP and UDP; security lists not managed (mode None) unless told otherwise; preserves the client source with `externalTrafficPolicy: Local`.' },
    ],
  },
  {
    key: RULE_MODE, flavour: 'both', kind: 'rule-mode',
    doc: 'How the cloud controller manages security rules for this Service. Takes precedence over the security-list-management-mode annotations. `SL-All`, `SL-Frontend` and `NSG` are matched without regard to case; `None` must be written exactly so.',
    values: [
      { value: 'SL-All', doc: 'Security lists, mode All: the controller writes load-balancer and worker rules.' },
      { value: 'SL-Frontend', doc: 'Security lists, mode Frontend: the controller writes only load-balancer subnet rules.' },
      { value: 'NSG', doc: 'Network security groups: the controller creates a frontend NSG for the load balancer, and writes backend rules only into the NSGs named by `oci.oraclecloud.com/oci-backend-network-security-group`.' },
      { value: 'None', doc: 'The controller writes no rule. (Exactly `None`: `none` is refused.)' },
    ],
  },
  {
    key: LB_LIST_MODE, flavour: 'lb', kind: 'enum', invalidSeverity: 'warning',
    doc: 'Security-list management mode for an OCI Load Balancer. Default `All`; an invalid value falls back to `All`.',
    values: listModes('All'),
  },
  {
    key: NLB_LIST_MODE, flavour: 'nlb', kind: 'enum',
    doc: 'Security-list management mode for an OCI Network Load Balancer. Default `None`; an invalid value is an error.',
    values: listModes('None'),
  },
  {
    key: NLB_PRESERVE_SOURCE, flavour: 'nlb', kind: 'bool',
    doc: 'Whether the network load balancer keeps the client\'s source address. Read only when `oci.oraclecloud.com/load-balancer-type` is exactly `nlb`. Default `true` with `externalTrafficPolicy: Local`; setting it with `Cluster` is an error. With it, the worker nodes must allow the clients\' source ranges on the node ports.',
    values: [{ value: 'true', doc: 'Keep the client source address (needs `externalTrafficPolicy: Local`).' }, { value: 'false', doc: 'The node sees the network load balancer\'s address.' }],
  },
  {
    key: BACKEND_NSG, flavour: 'both', kind: 'nsg-list',
    doc: 'Comma-separated OCIDs of the NSGs of the worker nodes (spaces removed, duplicates dropped, no empty entry). In NSG mode the controller writes backend ingress rules (from the load balancer\'s NSG to the node ports and health-check port) into them.',
  },
  {
    key: 'oci.oraclecloud.com/oci-network-security-groups', flavour: 'lb', kind: 'nsg-list-max5',
    doc: 'Comma-separated OCIDs of NSGs to attach to the load balancer (spaces removed, duplicates dropped, no empty entry, at most 5).',
  },
  {
    key: 'service.beta.kubernetes.io/oci-load-balancer-internal', flavour: 'lb', kind: 'bool',
    doc: 'Create a private load balancer (only the first subnet is used). Cannot change after creation.',
    values: [{ value: 'true', doc: 'Private load balancer.' }, { value: 'false', doc: 'Public load balancer (default).' }],
  },
  {
    key: 'oci-network-load-balancer.oraclecloud.com/internal', flavour: 'nlb', kind: 'bool',
    doc: 'Create a private network load balancer.',
    values: [{ value: 'true', doc: 'Private network load balancer.' }, { value: 'false', doc: 'Public network load balancer (default).' }],
  },
  {
    key: 'service.beta.kubernetes.io/oci-load-balancer-shape', flavour: 'lb', kind: 'text',
    doc: 'The load balancer shape: `flexible` (with `…-shape-flex-min` and `…-shape-flex-max` in Mbps) or a fixed shape such as `100Mbps` (the default), `400Mbps`, `8000Mbps`.',
    values: [
      { value: 'flexible', doc: 'Flexible shape; set `service.beta.kubernetes.io/oci-load-balancer-shape-flex-min` and `-flex-max`.' },
      { value: '100Mbps', doc: 'Fixed 100 Mbps shape (the default).' },
      { value: '400Mbps', doc: 'Fixed 400 Mbps shape.' },
      { value: '8000Mbps', doc: 'Fixed 8000 Mbps shape.' },
    ],
  },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-shape-flex-min', flavour: 'lb', kind: 'int', doc: 'Minimum bandwidth of a flexible load balancer, in Mbps.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-shape-flex-max', flavour: 'lb', kind: 'int', doc: 'Maximum bandwidth of a flexible load balancer, in Mbps.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-subnet1', flavour: 'lb', kind: 'text', doc: 'OCID of the (first) subnet for the load balancer; overrides the cloud config.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-subnet2', flavour: 'lb', kind: 'text', doc: 'OCID of the second subnet (AD-specific subnets need two).' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-backend-protocol', flavour: 'lb', kind: 'text', doc: 'Protocol between the load balancer and the backends (default `TCP`).', values: [{ value: 'TCP', doc: 'TCP (default).' }, { value: 'HTTP', doc: 'HTTP.' }] },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-ssl-ports', flavour: 'lb', kind: 'text', doc: 'Comma-separated listener ports that terminate TLS.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-tls-secret', flavour: 'lb', kind: 'text', doc: 'Kubernetes Secret (`namespace/name`) holding the listener certificate.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-tls-backendset-secret', flavour: 'lb', kind: 'text', doc: 'Kubernetes Secret holding the certificate for TLS to the backends.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-health-check-retries', flavour: 'lb', kind: 'int', doc: 'Health-check retries before a backend is marked unhealthy.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-health-check-interval', flavour: 'lb', kind: 'int', doc: 'Milliseconds between health checks.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-health-check-timeout', flavour: 'lb', kind: 'int', doc: 'Milliseconds to wait for a health-check reply.' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-connection-idle-timeout', flavour: 'lb', kind: 'int', doc: 'Idle timeout of listener connections, in seconds.' },
  { key: 'oci-network-load-balancer.oraclecloud.com/subnet', flavour: 'nlb', kind: 'text', doc: 'OCID of the subnet for the network load balancer.' },
  { key: 'oci-network-load-balancer.oraclecloud.com/oci-network-security-groups', flavour: 'nlb', kind: 'nsg-list-max5', doc: 'Comma-separated OCIDs of NSGs to attach to the network load balancer (spaces removed, duplicates dropped, no empty entry, at most 5).' },
  { key: 'oci-network-load-balancer.oraclecloud.com/health-check-retries', flavour: 'nlb', kind: 'int', doc: 'Health-check retries before a backend is marked unhealthy.' },
  { key: 'oci-network-load-balancer.oraclecloud.com/health-check-interval', flavour: 'nlb', kind: 'int', doc: 'Milliseconds between health checks.' },
  { key: 'oci-network-load-balancer.oraclecloud.com/health-check-timeout', flavour: 'nlb', kind: 'int', doc: 'Milliseconds to wait for a health-check reply.' },
  {
    key: 'oci-network-load-balancer.oraclecloud.com/backend-policy', flavour: 'nlb', kind: 'enum',
    doc: 'How the network load balancer spreads connections over the backends (default `FIVE_TUPLE`).',
    values: [
      { value: 'FIVE_TUPLE', doc: 'Hash of source/destination address and port and protocol (default).' },
      { value: 'THREE_TUPLE', doc: 'Hash of source and destination address and protocol.' },
      { value: 'TWO_TUPLE', doc: 'Hash of source and destination address.' },
    ],
  },
  { key: 'oci-network-load-balancer.oraclecloud.com/is-ppv2-enabled', flavour: 'nlb', kind: 'bool', doc: 'Send the PROXY protocol v2 header to the backends.', values: [{ value: 'true', doc: 'Enabled.' }, { value: 'false', doc: 'Disabled (default).' }] },
  { key: 'oci-network-load-balancer.oraclecloud.com/node-label-selector', flavour: 'nlb', kind: 'text', doc: 'Only nodes with these labels become backends.' },
  { key: 'oci.oraclecloud.com/node-label-selector', flavour: 'lb', kind: 'text', doc: 'Only nodes with these labels become backends.' },
  { key: 'oci.oraclecloud.com/loadbalancer-policy', flavour: 'lb', kind: 'text', doc: 'Load-balancing policy: `ROUND_ROBIN` (default), `LEAST_CONNECTIONS` or `IP_HASH`.', values: [{ value: 'ROUND_ROBIN', doc: 'Round robin (default).' }, { value: 'LEAST_CONNECTIONS', doc: 'Fewest connections.' }, { value: 'IP_HASH', doc: 'By client address.' }] },
];

const byKey = new Map(OCI_ANNOTATIONS.map((a) => [a.key, a]));

export function ociAnnotation(key: string): OciAnnotation | undefined {
  return byKey.get(key);
}

export function isOciAnnotationKey(key: string): boolean {
  return byKey.has(key) || key.startsWith('oci.oraclecloud.com/') || key.startsWith('oci-network-load-balancer.oraclecloud.com/') || key.startsWith('service.beta.kubernetes.io/oci-');
}

/** Why a value is not accepted (a sentence), or undefined when it is fine. */
export function annotationValueProblem(a: OciAnnotation, value: string): string | undefined {
  switch (a.kind) {
    case 'enum':
      return a.values!.some((v) => v.value === value) ? undefined : `must be one of ${a.values!.map((v) => v.value).join(', ')} (case matters)`;
    case 'rule-mode':
      return ruleModeOf(value) === undefined ? `must be SL-All, SL-Frontend or NSG (in any case), or exactly None` : undefined;
    case 'bool':
      return parseGoBool(value) === undefined ? 'must be true or false' : undefined;
    case 'int':
      return parseGoInt(value) === undefined ? 'must be a whole number' : undefined;
    case 'nsg-list':
    case 'nsg-list-max5': {
      const ids = nsgIdsOf(value, a.kind === 'nsg-list-max5' ? MAX_LB_NSGS : Infinity);
      return 'problem' in ids ? ids.problem : undefined;
    }
    default:
      return undefined;
  }
}

export type RuleMode = 'All' | 'Frontend' | 'NSG' | 'None';

/**
 * `security-rule-management-mode` as the cloud controller reads it (`getRuleManagementMode`): `SL-All`,
 * `SL-Frontend` and `NSG` compared lower-cased, then `None` looked up exactly. Undefined: refused.
 */
export function ruleModeOf(value: string): RuleMode | undefined {
  const lower = value.toLowerCase();
  if (lower === 'sl-all') return 'All';
  if (lower === 'sl-frontend') return 'Frontend';
  if (lower === 'nsg') return 'NSG';
  return value === 'None' ? 'None' : undefined;
}

/** At most this many NSGs attach to one load balancer (`lbMaximumNetworkSecurityGroupIds`). */
export const MAX_LB_NSGS = 5;

/**
 * An NSG OCID list as the cloud controller reads it (`getNetworkSecurityGroupIds`, `getManagedBackendNSG`): an
 * empty value is none; else spaces removed, split on `,`, duplicates dropped (the rest sorted), then each entry
 * counted against the limit and refused when empty.
 */
export function nsgIdsOf(value: string, limit: number): { ids: string[] } | { problem: string } {
  if (value === '') return { ids: [] };
  const distinct = [...new Set(value.split(' ').join('').split(','))].sort();
  const ids: string[] = [];
  for (const id of distinct) {
    if (ids.length + 1 > limit) return { problem: `names more than ${limit} network security groups (after duplicates are dropped)` };
    if (id === '') return { problem: 'has an empty entry (a stray comma, or nothing but spaces)' };
    ids.push(id);
  }
  return { ids };
}
