/**
 * The topology of the whole workspace from what each file declares: the worker subnets (the node pools'
 * placement) and NSGs (the node pools' `nsg_ids`), the load-balancer subnets (the clusters'
 * `service_lb_subnet_ids`), each with the subnet resource a reference names, when the workspace declares it.
 * Subnets, lists and NSGs without a cluster or node pool are no topology: `topologyOf` is then null. Pure.
 */
import type { TopoCluster, TopologyFacts, TopoNodePool, TopoSubnet } from './model';

export interface WorkerSubnet {
  key: string;
  /** the subnet resource the key names, when the workspace declares it */
  subnet?: TopoSubnet;
  pools: TopoNodePool[];
}

export interface WorkerNsg {
  key: string;
  pools: TopoNodePool[];
}

export interface LbSubnet {
  key: string;
  subnet?: TopoSubnet;
  clusters: TopoCluster[];
}

export interface Topology {
  workerSubnets: WorkerSubnet[];
  workerNsgs: WorkerNsg[];
  lbSubnets: LbSubnet[];
  /** the node pools and clusters it was read from */
  nodePools: TopoNodePool[];
  clusters: TopoCluster[];
}

/** The workspace's topology, or null when it declares no cluster and no node pool. */
export function topologyOf(all: readonly TopologyFacts[]): Topology | null {
  const subnets = all.flatMap((f) => f.subnets);
  const subnetOf = (key: string) => subnets.find((s) => s.address === key || s.id === key);
  const topo: Topology = { workerSubnets: [], workerNsgs: [], lbSubnets: [], nodePools: [], clusters: [] };
  for (const pool of all.flatMap((f) => f.nodePools)) {
    topo.nodePools.push(pool);
    for (const key of pool.subnets) {
      const subnet = subnetOf(key);
      // (a subnet named by its address in a `.tf` and by its OCID in a state is one subnet)
      const hit = topo.workerSubnets.find((w) => w.key === key || (subnet && w.subnet === subnet));
      if (hit) { if (!hit.pools.includes(pool)) hit.pools.push(pool); } else topo.workerSubnets.push({ key, ...(subnet ? { subnet } : {}), pools: [pool] });
    }
    for (const key of pool.nsgs) {
      const hit = topo.workerNsgs.find((w) => w.key === key);
      if (hit) { if (!hit.pools.includes(pool)) hit.pools.push(pool); } else topo.workerNsgs.push({ key, pools: [pool] });
    }
  }
  for (const cluster of all.flatMap((f) => f.clusters)) {
    topo.clusters.push(cluster);
    for (const key of cluster.lbSubnets) {
      const subnet = subnetOf(key);
      const hit = topo.lbSubnets.find((w) => w.key === key || (subnet && w.subnet === subnet));
      if (hit) { if (!hit.clusters.includes(cluster)) hit.clusters.push(cluster); } else topo.lbSubnets.push({ key, ...(subnet ? { subnet } : {}), clusters: [cluster] });
    }
  }
  // (a node pool or cluster whose references cannot be read is still a topology: what guards its nodes is unknown,
  // not every list)
  return topo.nodePools.length + topo.clusters.length > 0 ? topo : null;
}

/** A subnet as a person names it: its display name, else its address, else the key a reference gave. */
export function subnetName(s: { key: string; subnet?: TopoSubnet }): string {
  return s.subnet?.displayName ?? s.subnet?.address ?? s.key;
}

/** The keys of the lists a subnet carries (none when the workspace does not declare the subnet). */
export function subnetLists(s: { subnet?: TopoSubnet }): string[] {
  return s.subnet?.lists ?? [];
}
