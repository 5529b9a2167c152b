/**
 * Who guards what, as the layers were built: where the worker and load-balancer lists came from (the config, the
 * OKE topology in the Terraform, or the fallback that takes every list and NSG to guard the workers), the groups
 * each side is made of (a worker subnet with its node pools, a node pool's NSGs, the load-balancer subnets), the
 * lists and NSGs nothing attributes, and the NSGs a Service's annotations can attach to its load balancer (by
 * OCID). Plain data: the hover, the diagram and the CLI's summary word it (`features/topology.ts`).
 */
import type { GuardSource } from '../exposure/matcher';
import type { Span } from '../text/span';

/** A place a topology fact was read from: a node pool, a cluster, a subnet, or a config setting. */
export interface TopologyPlace {
  path: string;
  span: Span;
}

/** One part of a side: "worker subnet `workers` (node pool `pool1`)" and the lists and NSGs it brings. */
export interface GuardGroup {
  /** plain text, names in quotes: `worker subnet "workers" (node pool "pool1")` */
  title: string;
  sources: GuardSource[];
  /** where it was read: the node pools or clusters (Terraform), the setting (config) */
  where: TopologyPlace[];
  /** what could not be read (a subnet the workspace does not declare, a reference without a value) */
  notes: string[];
}

export type SideOrigin = 'config' | 'terraform' | 'fallback' | 'none';

export interface GuardSide {
  origin: SideOrigin;
  groups: GuardGroup[];
}

export interface TopologyReport {
  workers: GuardSide;
  loadBalancers: GuardSide;
  /** the load-balancer subnet's addresses (`loadBalancers.subnetCidrs`, else the topology's subnets) */
  lbSubnetCidrs?: { origin: 'config' | 'terraform'; cidrs: string[]; where: TopologyPlace[] };
  /** lists and NSGs that neither the config nor the topology attributes: they guard nothing */
  unattributed: GuardSource[];
  /** no config and no topology: every list and NSG is taken to guard the workers */
  fallback: boolean;
  /** references of node pools and clusters that could not be read: `node pool "pool1": why` (a few) */
  unresolved: string[];
}

/** An NSG a Service's annotation may name by OCID, and how the OCID was matched. */
export interface NsgByOcid {
  source: GuardSource;
  /** `state` (its OCID in a plan or state JSON) or the config's `oci.nsgs` */
  via: 'state' | 'config';
}
