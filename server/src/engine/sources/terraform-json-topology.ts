/**
 * The OKE topology of a Terraform plan or state JSON (`topology/model.ts`): subnets with their lists and address
 * blocks, clusters with their load-balancer subnets, node pools with their worker subnets and NSGs. A state holds
 * every OCID; a plan holds those of what exists, and for what it creates, the configuration's references
 * (`oci_core_subnet.workers.id`) name the resource by its address instead. Never throws.
 */
import { arrayItems, jsonSpan, propertyValue, stringValue, type JsonNode } from '../parse/json';
import { CLUSTER, NODE_POOL, SUBNET, type TopologyFacts, type TopoUnresolved } from '../topology/model';
import { known, type Resource } from './terraform-json-values';

type Step = string | number;

export function topologyOfJson(path: string, resources: readonly Resource[], from: 'plan' | 'state'): TopologyFacts {
  const facts: TopologyFacts = { path, subnets: [], clusters: [], nodePools: [] };
  for (const r of resources) {
    const at = { path, span: jsonSpan(r.node) };
    const name = text(r, from, [], 'display_name') ?? text(r, from, [], 'name');
    const unresolved: TopoUnresolved[] = [];
    if (r.type === SUBNET) {
      const id = text(r, from, [], 'id');
      const cidrs = [...keysAt(r, from, [], 'cidr_block', unresolved), ...keysAt(r, from, [], 'ipv6cidr_blocks', unresolved)];
      facts.subnets.push({
        address: r.address, ...(id ? { id } : {}), ...(name ? { displayName: name } : {}),
        lists: keysAt(r, from, [], 'security_list_ids', []), cidrs, ...(unresolved.length ? { cidrsUnknown: unresolved[0].reason } : {}), at,
      });
    } else if (r.type === CLUSTER) {
      const lbSubnets: string[] = [];
      arrayItems(propertyValue(r.values, 'options')).forEach((_, i) => lbSubnets.push(...keysAt(r, from, ['options', i], 'service_lb_subnet_ids', unresolved)));
      facts.clusters.push({ address: r.address, ...(name ? { name } : {}), lbSubnets, unresolved, at });
    } else if (r.type === NODE_POOL) {
      const subnets: string[] = [];
      const nsgs: string[] = [];
      arrayItems(propertyValue(r.values, 'node_config_details')).forEach((d, i) => {
        arrayItems(propertyValue(d, 'placement_configs')).forEach((_, j) => subnets.push(...keysAt(r, from, ['node_config_details', i, 'placement_configs', j], 'subnet_id', unresolved)));
        nsgs.push(...keysAt(r, from, ['node_config_details', i], 'nsg_ids', unresolved));
      });
      subnets.push(...keysAt(r, from, [], 'subnet_ids', unresolved));
      facts.nodePools.push({ address: r.address, ...(name ? { name } : {}), subnets: [...new Set(subnets)], nsgs: [...new Set(nsgs)], unresolved, at });
    }
  }
  return facts;
}

function text(r: Resource, from: 'plan' | 'state', steps: Step[], key: string): string | undefined {
  const f = known(r, from, steps, key, objectAt(r.values, steps));
  return f.kind === 'known' ? stringValue(f.node) : undefined;
}

function objectAt(values: JsonNode | undefined, steps: readonly Step[]): JsonNode | undefined {
  let node = values;
  for (const s of steps) node = typeof s === 'number' ? arrayItems(node)[s] : propertyValue(node, s);
  return node;
}

/**
 * The keys a value names: its strings when known (OCIDs, CIDRs), else the resources the configuration's expression
 * references (by address, in the resource's module).
 */
function keysAt(r: Resource, from: 'plan' | 'state', steps: Step[], key: string, unresolved: TopoUnresolved[]): string[] {
  const f = known(r, from, steps, key, objectAt(r.values, steps));
  if (f.kind === 'absent') return [];
  if (f.kind === 'known') {
    const items = f.node.type === 'array' ? arrayItems(f.node) : [f.node];
    const out: string[] = [];
    for (const x of items) {
      const s = stringValue(x);
      if (s !== undefined && !out.includes(s)) out.push(s);
    }
    if (out.length === items.length) return out;
  }
  // known only after apply: what the configuration says it refers to
  const expr = objectAt(propertyValue(r.config, 'expressions'), [...steps.map((s) => (typeof s === 'number' ? 0 : s)), key]);
  const refs = arrayItems(propertyValue(expr, 'references')).map(stringValue).filter((x): x is string => !!x && x.endsWith('.id'));
  if (refs.length === 0) {
    unresolved.push({ reason: `\`${r.address}.${[...steps, key].join('.')}\` is known only after apply` });
    return [];
  }
  return refs.map((x) => `${r.module ? `${r.module}.` : ''}${x.slice(0, -3)}`);
}
