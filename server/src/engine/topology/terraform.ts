/**
 * The topology of a Terraform configuration from its evaluated resources (`terraform/module.ts`): subnets with
 * their lists and address blocks, clusters with their load-balancer subnets, node pools with their worker subnets
 * and NSGs. A reference is kept as the key the evaluator gives it: a resource's `id` it cannot know carries the
 * resource's address (its identity), a literal OCID is itself. Pure.
 */
import type { EvalBlock } from '../terraform/blocks';
import type { ResourceInstances } from '../terraform/module';
import { asString, type Val } from '../terraform/values';
import { CLUSTER, NODE_POOL, SUBNET, type TopoCluster, type TopologyFacts, type TopoNodePool, type TopoSubnet, type TopoUnresolved } from './model';

/** The topology the resources of one file declare (`resources`: every evaluation of the workspace's resources). */
export function topologyOfResources(path: string, resources: readonly ResourceInstances[]): TopologyFacts {
  const facts: TopologyFacts = { path, subnets: [], clusters: [], nodePools: [] };
  for (const res of resources) {
    if (res.path !== path) continue;
    for (const inst of res.instances) {
      const at = { path, span: res.block.span };
      if (res.type === SUBNET) facts.subnets.push(subnetOf(inst.address, inst.block, at));
      else if (res.type === CLUSTER) facts.clusters.push(clusterOf(inst.address, inst.block, at));
      else if (res.type === NODE_POOL) facts.nodePools.push(nodePoolOf(inst.address, inst.block, at));
    }
  }
  return facts;
}

function value(b: EvalBlock | undefined, name: string): Val | undefined {
  const v = b?.attrs.get(name)?.value;
  return v && v.k !== 'null' ? v : undefined;
}

function nested(b: EvalBlock | undefined, type: string): EvalBlock[] {
  return b ? b.blocks.filter((x) => x.type === type) : [];
}

/** The keys a value references: each element of a list or set, a resource identity or a string. */
function keysOf(v: Val | undefined, unresolved: TopoUnresolved[], into: string[] = []): string[] {
  if (!v) return into;
  if (v.k === 'list' || v.k === 'set') {
    for (const x of v.items) keysOf(x, unresolved, into);
    return into;
  }
  const key = v.k === 'unknown' ? v.identity : asString(v);
  if (key !== undefined) {
    if (!into.includes(key)) into.push(key);
  } else if (v.k === 'unknown') unresolved.push({ reason: v.reason });
  return into;
}

function subnetOf(address: string, b: EvalBlock, at: TopoSubnet['at']): TopoSubnet {
  const s: TopoSubnet = { address, lists: keysOf(value(b, 'security_list_ids'), []), cidrs: [], at };
  const name = value(b, 'display_name');
  if (name && asString(name) !== undefined) s.displayName = asString(name);
  const unknown: TopoUnresolved[] = [];
  const blocks: string[] = [];
  keysOf(value(b, 'cidr_block'), unknown, blocks);
  keysOf(value(b, 'ipv6cidr_blocks'), unknown, blocks);
  // (an `ipv6cidr_block` of a single block, as older providers wrote it)
  keysOf(value(b, 'ipv6cidr_block'), unknown, blocks);
  s.cidrs = blocks;
  if (unknown.length) s.cidrsUnknown = unknown[0].reason;
  return s;
}

function clusterOf(address: string, b: EvalBlock, at: TopoCluster['at']): TopoCluster {
  const unresolved: TopoUnresolved[] = [];
  const lbSubnets: string[] = [];
  for (const o of nested(b, 'options')) keysOf(value(o, 'service_lb_subnet_ids'), unresolved, lbSubnets);
  const c: TopoCluster = { address, lbSubnets, unresolved, at };
  const name = value(b, 'name');
  if (name && asString(name) !== undefined) c.name = asString(name);
  return c;
}

function nodePoolOf(address: string, b: EvalBlock, at: TopoNodePool['at']): TopoNodePool {
  const unresolved: TopoUnresolved[] = [];
  const subnets: string[] = [];
  const nsgs: string[] = [];
  for (const d of nested(b, 'node_config_details')) {
    for (const p of nested(d, 'placement_configs')) keysOf(value(p, 'subnet_id'), unresolved, subnets);
    keysOf(value(d, 'nsg_ids'), unresolved, nsgs);
  }
  // the older placement: `subnet_ids` on the pool itself
  keysOf(value(b, 'subnet_ids'), unresolved, subnets);
  const p: TopoNodePool = { address, subnets, nsgs, unresolved, at };
  const name = value(b, 'name');
  if (name && asString(name) !== undefined) p.name = asString(name);
  return p;
}
