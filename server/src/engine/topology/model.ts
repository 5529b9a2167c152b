/**
 * The OKE topology as Terraform declares it, in plain data: which subnets hold the worker nodes (node pools'
 * placement), which the load balancers (the cluster's `service_lb_subnet_ids`), which security lists each subnet
 * carries and which NSGs the workers' VNICs join. What a reference points at is a *key*: the resource address the
 * evaluator gives an unknown `.id` (`oci_core_subnet.workers`, `module.net.oci_core_subnet.w[0]`), or an OCID (a
 * literal, or a value in a state). Read from `.tf` files (`terraform.ts`) and plan/state JSON
 * (`sources/terraform-json.ts`); resolved against the lists and NSGs by `resolve.ts`.
 */
import type { Span } from '../text/span';

/** Where a resource is written. */
export interface TopoPlace {
  path: string;
  span: Span;
}

/** A value that could not be read as a reference (a variable without a value, a data source): why. */
export interface TopoUnresolved {
  reason: string;
}

export interface TopoSubnet {
  /** the resource instance's address */
  address: string;
  /** its OCID (a state) */
  id?: string;
  displayName?: string;
  /** `security_list_ids`, as keys */
  lists: string[];
  /** IPv4 `cidr_block` and IPv6 `ipv6cidr_blocks`, as written (canonical or not); unknown ones are left out */
  cidrs: string[];
  /** some address block could not be evaluated */
  cidrsUnknown?: string;
  at: TopoPlace;
}

export interface TopoCluster {
  address: string;
  name?: string;
  /** `options.service_lb_subnet_ids`, as keys */
  lbSubnets: string[];
  unresolved: TopoUnresolved[];
  at: TopoPlace;
}

export interface TopoNodePool {
  address: string;
  name?: string;
  /** `node_config_details.placement_configs[].subnet_id` and `subnet_ids`, as keys */
  subnets: string[];
  /** `node_config_details.nsg_ids`, as keys */
  nsgs: string[];
  unresolved: TopoUnresolved[];
  at: TopoPlace;
}

/** What one file declares of the topology. */
export interface TopologyFacts {
  path: string;
  subnets: TopoSubnet[];
  clusters: TopoCluster[];
  nodePools: TopoNodePool[];
}

export const SUBNET = 'oci_core_subnet';
export const CLUSTER = 'oci_containerengine_cluster';
export const NODE_POOL = 'oci_containerengine_node_pool';
/** The resource types the topology is read from. */
export const TOPOLOGY_TYPES: readonly string[] = [SUBNET, CLUSTER, NODE_POOL];

/** The facts, or null when they declare nothing. */
export function declaresTopology(f: TopologyFacts): TopologyFacts | null {
  return f.subnets.length + f.clusters.length + f.nodePools.length > 0 ? f : null;
}
