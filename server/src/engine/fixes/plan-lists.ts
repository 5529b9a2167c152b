/**
 * Security lists read from a Terraform plan or state JSON: a generated file, never edited. What a fix can still
 * offer is the copyable `oci network security-list update` command, whose `--ingress-security-rules` replaces the
 * whole list: the rules the state holds, in the SDK's shape (camelCase keys, options as objects:
 * `tcp_options: [{min, max, source_port_range: [{min, max}]}]` becomes `tcpOptions: {destinationPortRange: {min,
 * max}, sourcePortRange: {min, max}}`), plus the new one.
 */
import { arrayItems, jsonValue, type JsonNode } from '../parse/json';
import type { OciSecurityList } from '../sources/model';

type Obj = Record<string, unknown>;

function first(v: unknown): Obj | null {
  return Array.isArray(v) && v.length > 0 && v[0] !== null && typeof v[0] === 'object' ? v[0] as Obj : null;
}

function range(o: Obj | null): Obj | null {
  return o && (o.min !== undefined || o.max !== undefined) ? { max: o.max ?? null, min: o.min ?? null } : null;
}

function portOptions(v: unknown): Obj | null {
  const o = first(v);
  if (!o) return null;
  return { destinationPortRange: range(o), sourcePortRange: range(first(o.source_port_range)) };
}

/** One `ingress_security_rules` element as the API takes it. */
function sdkRule(node: JsonNode): Obj | null {
  const r = jsonValue(node);
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return null;
  const o = r as Obj;
  const icmp = first(o.icmp_options);
  const out: Obj = {
    description: o.description ?? null,
    icmpOptions: icmp ? { code: icmp.code ?? null, type: icmp.type ?? null } : null,
    isStateless: o.stateless ?? false,
    protocol: o.protocol,
    source: o.source,
    sourceType: o.source_type ?? 'CIDR_BLOCK',
    tcpOptions: portOptions(o.tcp_options),
    udpOptions: portOptions(o.udp_options),
  };
  return out;
}

/**
 * The list's ingress rules as the API takes them, or undefined when they cannot all be given exactly (no OCID, a
 * rule value known only after apply): a command that replaces the list must not drop or change a rule.
 */
export function sdkIngressRules(list: OciSecurityList): Obj[] | undefined {
  const node = list.terraformJson?.ingressNode;
  if (!list.id || !node || list.rules.some((r) => r.unevaluated)) return undefined;
  const out: Obj[] = [];
  for (const item of arrayItems(node)) {
    const r = sdkRule(item);
    if (!r) return undefined;
    out.push(r);
  }
  return out;
}
