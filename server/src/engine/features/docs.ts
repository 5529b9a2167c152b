/**
 * The words completion and hover show for Service types and enum values (the API reference describes the
 * fields; these describe each value and, for types, the chain each implies).
 */
import type { ServiceType } from '../k8s/service';

export const SERVICE_TYPE_CHAINS: Record<ServiceType, string> = {
  ClusterIP: 'ClusterIP :port → pods :targetPort',
  NodePort: 'nodes :nodePort → ClusterIP :port → pods :targetPort',
  LoadBalancer: 'LoadBalancer :port → nodes :nodePort → ClusterIP :port → pods :targetPort',
  ExternalName: 'ExternalName → DNS name (CNAME)',
};

export const SERVICE_TYPE_DOCS: Record<ServiceType, string> = {
  ClusterIP: 'A virtual IP reachable only inside the cluster (the default).\n\n'
    + '`ClusterIP :port → pods :targetPort`\n\nNothing needs to be opened in the node firewall or the security lists.',
  NodePort: 'Every node listens on a node port (from the node-port range, 30000-32767 by default) and forwards to the cluster IP.\n\n'
    + '`nodes :nodePort → ClusterIP :port → pods :targetPort`\n\n'
    + 'The node firewall (firewalld) and the worker security lists / NSGs must allow each node port from the clients. Pin `nodePort` unless the firewalls open the whole range.',
  LoadBalancer: 'A cloud load balancer in front of node ports.\n\n'
    + '`LoadBalancer :port → nodes :nodePort → ClusterIP :port → pods :targetPort`\n\n'
    + 'The nodes must allow each node port and the health-check port (kube-proxy\'s 10256, or `healthCheckNodePort` with `externalTrafficPolicy: Local`) from the load balancer\'s subnet. '
    + 'On OCI, the cloud controller writes the security-list rules in management mode `All` (the default for `lb`); the host firewall is always yours.',
  ExternalName: 'A DNS alias: the cluster DNS answers with a CNAME to `externalName`. No proxying, no cluster IP, no ports opened.\n\n'
    + '`ExternalName → DNS name`',
};

/**
 * Documentation of each value of the Service's enum fields, by field name. A Map: completion looks up the key
 * under the cursor, the user's text (`constructor` is no field).
 */
export const ENUM_VALUES: ReadonlyMap<string, readonly { value: string; doc: string }[]> = new Map(Object.entries({
  protocol: [
    { value: 'TCP', doc: 'TCP (the default).' },
    { value: 'UDP', doc: 'UDP. OCI load balancers (`lb`) do not support it; network load balancers only in security-list mode `None`.' },
    { value: 'SCTP', doc: 'SCTP.' },
  ],
  sessionAffinity: [
    { value: 'None', doc: 'Connections are spread over the endpoints (the default).' },
    { value: 'ClientIP', doc: 'Connections from one client address go to the same endpoint. Not supported by the OCI cloud controller on LoadBalancer Services.' },
  ],
  externalTrafficPolicy: [
    { value: 'Cluster', doc: 'Every node forwards to any ready endpoint; the client\'s source address is replaced by the node\'s (the default). The load balancer checks kube-proxy\'s health port (10256).' },
    { value: 'Local', doc: 'Only nodes with a local endpoint answer; the client\'s source address is kept. The load balancer checks `healthCheckNodePort`.' },
  ],
  internalTrafficPolicy: [
    { value: 'Cluster', doc: 'Traffic from inside the cluster goes to any ready endpoint (the default).' },
    { value: 'Local', doc: 'Traffic from a pod goes only to endpoints on the same node; dropped when there is none.' },
  ],
  ipFamilyPolicy: [
    { value: 'SingleStack', doc: 'One IP family (the default).' },
    { value: 'PreferDualStack', doc: 'Two IP families when the cluster has them, else one.' },
    { value: 'RequireDualStack', doc: 'Two IP families; refused when the cluster has only one.' },
  ],
  trafficDistribution: [
    { value: 'PreferClose', doc: 'Prefer endpoints topologically close to the client (same zone).' },
  ],
  ipFamilies: [
    { value: 'IPv4', doc: 'IPv4.' },
    { value: 'IPv6', doc: 'IPv6.' },
  ],
}));

/** The order in which fields are offered, most used first; the rest follow alphabetically. */
export const FIELD_ORDER: ReadonlyMap<string, readonly string[]> = new Map(Object.entries({
  'core.v1.Service': ['apiVersion', 'kind', 'metadata', 'spec'],
  'meta.v1.ObjectMeta': ['name', 'namespace', 'labels', 'annotations'],
  'core.v1.ServiceSpec': [
    'type', 'selector', 'ports', 'externalTrafficPolicy', 'loadBalancerSourceRanges', 'healthCheckNodePort', 'sessionAffinity',
    'internalTrafficPolicy', 'clusterIP', 'externalIPs', 'allocateLoadBalancerNodePorts', 'loadBalancerClass', 'externalName',
    'ipFamilyPolicy', 'ipFamilies', 'trafficDistribution', 'publishNotReadyAddresses',
  ],
  'core.v1.ServicePort': ['name', 'port', 'targetPort', 'protocol', 'nodePort', 'appProtocol'],
}));
