/**
 * Terraform plan and state as JSON (`terraform show -json plan.out`, `terraform show -json`): the same OCI resources
 * as the `.tf` reader (terraform.ts) with every value Terraform worked out, and their OCIDs where known.
 *  - a plan: `{"format_version": …, "planned_values": {"root_module": …}, "resource_changes": [ … ], "configuration": …}`;
 *    a value known only after apply is absent from `planned_values` and `true` in its change's `after_unknown`;
 *  - a state: `{"format_version": …, "values": {"root_module": …}}`: every value known.
 * A module is `{"resources": [ … ], "child_modules": [ { "address": "module.x", … } ]}`, each resource
 * `{"address", "mode", "type", "name", "index"?, "values": { … }}`. Nested blocks are arrays of objects:
 * `ingress_security_rules: [{protocol, source, source_type, tcp_options: [{min, max, source_port_range: [ … ]}]}]`
 * in a security list; `tcp_options: [{destination_port_range: [{min, max}]}]` in an NSG rule.
 * An NSG rule whose `network_security_group_id` is unknown (a group the plan creates) is tied to its group through
 * the plan's `configuration` (the expression's references). Spans point at the resource object (a security
 * list's rules: at each rule object). Never throws.
 */
import { arrayItems, booleanValue, isJsonNull, jsonSpan, numberValue, parseJson, propertyValue, stringValue, type JsonNode } from '../parse/json';
import type { ParseProblem } from '../parse/problem';
import type {
  OciNsgResource, OciNsgRuleResource, OciSecurityList, ReadResult, Rule, RulePorts, RuleProtocol, RuleSourceAddr, TerraformJsonFile,
} from './model';
import { known, type Field, type Resource } from './terraform-json-values';
import { topologyOfJson } from './terraform-json-topology';
import { cidrSource, describePorts, describeProtocol, describeSource, ociProtocol } from './source-common';

const SECURITY_LIST = 'oci_core_security_list';
const NSG_RULE = 'oci_core_network_security_group_security_rule';
const NSG = 'oci_core_network_security_group';

/** Cheap test before a parse: every JSON file of the workspace is asked. */
export function mayBeTerraformJson(text: string): boolean {
  return text.includes('"format_version"') && (text.includes('"planned_values"') || text.includes('"values"'));
}

/** The root module of a plan (`planned_values`) or a state (`values`), or null when the JSON is neither. */
function rootModule(root: JsonNode | null): { module: JsonNode; from: 'plan' | 'state' } | null {
  if (!root || root.type !== 'object' || stringValue(propertyValue(root, 'format_version')) === undefined) return null;
  const planned = propertyValue(propertyValue(root, 'planned_values'), 'root_module');
  if (planned?.type === 'object') return { module: planned, from: 'plan' };
  const state = propertyValue(propertyValue(root, 'values'), 'root_module');
  if (state?.type === 'object') return { module: state, from: 'state' };
  return null;
}


/**
 * Reads the security lists, NSG rules and NSGs of a plan or state JSON. Value null (and no problems) when the file
 * is not one (no `format_version` with `planned_values.root_module` or `values.root_module`): it is left to the
 * other JSON readers.
 */
export function readTerraformJson(path: string, text: string): ReadResult<TerraformJsonFile> {
  if (!mayBeTerraformJson(text)) return { value: null, problems: [] };
  const { root, problems: syntax } = parseJson(text);
  const top = rootModule(root);
  if (!top) return { value: null, problems: [] };
  const problems: ParseProblem[] = [...syntax];
  const afterUnknown = new Map<string, JsonNode>();
  for (const rc of arrayItems(propertyValue(root!, 'resource_changes'))) {
    const address = stringValue(propertyValue(rc, 'address'));
    const au = propertyValue(propertyValue(rc, 'change'), 'after_unknown');
    if (address !== undefined && au) afterUnknown.set(address, au);
  }
  const resources: Resource[] = [];
  const configRoot = top.from === 'plan' ? propertyValue(propertyValue(root!, 'configuration'), 'root_module') : undefined;
  collect(top.module, '', configRoot, afterUnknown, resources, 0);

  const file: TerraformJsonFile = { kind: 'terraform-json', path, from: top.from, securityLists: [], nsgRules: [], nsgEgressRules: [], nsgs: [] };
  for (const r of resources) {
    if (r.type !== NSG) continue;
    const nsg: OciNsgResource = { address: r.address, span: jsonSpan(r.node) };
    const name = known(r, top.from, [], 'display_name');
    if (name.kind === 'known' && stringValue(name.node) !== undefined) nsg.displayName = stringValue(name.node);
    const id = known(r, top.from, [], 'id');
    if (id.kind === 'known' && stringValue(id.node) !== undefined) nsg.id = stringValue(id.node);
    file.nsgs.push(nsg);
  }
  for (const r of resources) {
    if (r.type === SECURITY_LIST) file.securityLists.push(readList(path, r, top.from, problems));
    else if (r.type === NSG_RULE) {
      const x = readNsgRule(r, top.from, file.nsgs, problems);
      if (x) (x.egress ? file.nsgEgressRules : file.nsgRules).push(x.resource);
    }
  }
  file.topology = topologyOfJson(path, resources, top.from);
  return { value: file, problems };
}

/** The resources of a module and of its child modules (depth is bounded by the JSON parser's own limit). */
function collect(module: JsonNode, moduleAddress: string, config: JsonNode | undefined, afterUnknown: Map<string, JsonNode>, out: Resource[], depth: number): void {
  for (const node of arrayItems(propertyValue(module, 'resources'))) {
    const type = stringValue(propertyValue(node, 'type'));
    const name = stringValue(propertyValue(node, 'name'));
    const mode = stringValue(propertyValue(node, 'mode')) ?? 'managed';
    if (node.type !== 'object' || type === undefined || name === undefined || mode !== 'managed') continue;
    const indexNode = propertyValue(node, 'index');
    const indexText = indexNode === undefined ? '' : `[${indexNode.type === 'string' ? JSON.stringify(indexNode.value) : String(indexNode.value)}]`;
    const address = stringValue(propertyValue(node, 'address')) ?? `${moduleAddress ? `${moduleAddress}.` : ''}${type}.${name}${indexText}`;
    const values = propertyValue(node, 'values');
    const configBlock = arrayItems(propertyValue(config, 'resources')).find((c) => stringValue(propertyValue(c, 'address')) === `${type}.${name}`);
    out.push({ node, values: values?.type === 'object' ? values : undefined, address, type, module: moduleAddress, indexText, unknown: afterUnknown.get(address), config: configBlock });
  }
  if (depth > 64) return;
  for (const child of arrayItems(propertyValue(module, 'child_modules'))) {
    const address = stringValue(propertyValue(child, 'address'));
    if (address === undefined) continue;
    const call = callName(address.slice(moduleAddress ? moduleAddress.length + 1 : 0));
    // (configuration: `module_calls.NAME.module` holds the called module's resources and calls)
    const childConfig = call === undefined ? undefined : propertyValue(propertyValue(propertyValue(config, 'module_calls'), call), 'module');
    collect(child, address, childConfig, afterUnknown, out, depth + 1);
  }
}

/** `x` of the last step `module.x` or `module.x[0]` / `module.x["a"]` of a module address. */
function callName(step: string): string | undefined {
  if (!step.startsWith('module.')) return undefined;
  const rest = step.slice('module.'.length);
  const bracket = rest.indexOf('[');
  const name = bracket < 0 ? rest : rest.slice(0, bracket);
  return name === '' || name.includes('.') ? undefined : name;
}

// ------------------------------------------------------------------------------------------------ values

/** Collects what a rule leaves unknown: its texts (for the rule's fields) and the reasons (for the finding). */
class Unknowns {
  readonly reasons: string[] = [];
  constructor(private readonly address: string, private readonly prefix: string) {}
  /** the text of an unknown value, noted as a reason */
  note(what: string): string {
    const text = `${this.address}${this.prefix ? `.${this.prefix}` : ''}.${what}`;
    this.reasons.push(`\`${text}\` is known only after apply`);
    return text;
  }
}

function portOf(f: Field): number | undefined {
  const n = f.kind === 'known' ? numberValue(f.node) ?? Number(stringValue(f.node) ?? NaN) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

// ------------------------------------------------------------------------------------------------- rules

type Direction = 'ingress' | 'egress';

interface RuleAt {
  r: Resource;
  from: 'plan' | 'state';
  /** the steps from the resource's values to the rule's object ([] for an NSG rule: the resource is the rule) */
  steps: (string | number)[];
  obj: JsonNode | undefined;
  span: { start: number; end: number };
  direction: Direction;
  /** NSG rules nest the ports in `destination_port_range` */
  nested: boolean;
  unknowns: Unknowns;
}

function field(at: RuleAt, key: string, steps: readonly (string | number)[] = [], obj?: JsonNode): Field {
  return known(at.r, at.from, [...at.steps, ...steps], key, obj ?? at.obj);
}

function readProtocol(at: RuleAt, problems: ParseProblem[]): RuleProtocol {
  const f = field(at, 'protocol');
  if (f.kind === 'unknown') return { kind: 'unknown', text: at.unknowns.note('protocol') };
  const v = f.kind === 'known' ? stringValue(f.node) ?? numberValue(f.node) : undefined;
  if (v === undefined) {
    problems.push({ message: `the ${at.direction} rule has no protocol`, span: at.span });
    return { kind: 'other', text: '(none)' };
  }
  return ociProtocol(v);
}

function readPorts(at: RuleAt, protocol: RuleProtocol): RulePorts {
  let key: 'tcp_options' | 'udp_options';
  if (protocol.kind === 'one' && protocol.protocol !== 'SCTP') key = protocol.protocol === 'TCP' ? 'tcp_options' : 'udp_options';
  else if (protocol.kind === 'unknown') {
    const has = (k: string) => { const f = field(at, k); return f.kind === 'unknown' || (f.kind === 'known' && arrayItems(f.node).length > 0); };
    if (has('tcp_options')) key = 'tcp_options';
    else if (has('udp_options')) key = 'udp_options';
    else return { kind: 'all' };
  } else return { kind: 'all' };
  const opts = field(at, key);
  if (opts.kind === 'unknown') return { kind: 'unknown', text: at.unknowns.note(key) };
  const options = opts.kind === 'known' ? arrayItems(opts.node)[0] : undefined;
  if (!options) return { kind: 'all' };
  const base: (string | number)[] = [key, 0];
  let rangeObj: JsonNode | undefined = options;
  let rangeSteps = base;
  let what = `${key}[0]`;
  if (at.nested) {
    const d = field(at, 'destination_port_range', base, options);
    if (d.kind === 'unknown') return { kind: 'unknown', text: at.unknowns.note(`${key}[0].destination_port_range`) };
    rangeObj = d.kind === 'known' ? arrayItems(d.node)[0] : undefined;
    rangeSteps = [...base, 'destination_port_range', 0];
    what = `${key}[0].destination_port_range[0]`;
  }
  const minF = rangeObj ? field(at, 'min', rangeSteps, rangeObj) : undefined;
  const maxF = rangeObj ? field(at, 'max', rangeSteps, rangeObj) : undefined;
  if (minF?.kind === 'unknown' || maxF?.kind === 'unknown') {
    return { kind: 'unknown', text: at.unknowns.note(`${what}.${minF?.kind === 'unknown' ? 'min' : 'max'}`) };
  }
  if (minF?.kind === 'known' || maxF?.kind === 'known') {
    const min = minF && portOf(minF);
    const max = maxF && portOf(maxF);
    if (min !== undefined && max !== undefined && min <= max) return { kind: 'ranges', ranges: [{ min, max }] };
    return { kind: 'ranges', ranges: [] }; // (the provider refuses such a rule: it opens nothing)
  }
  // no destination range: only the source port limited (no client connection comes from a fixed port), or nothing
  const s = field(at, 'source_port_range', base, options);
  if (s.kind === 'unknown') return { kind: 'unknown', text: at.unknowns.note(`${key}[0].source_port_range`) };
  const src = s.kind === 'known' ? arrayItems(s.node)[0] : undefined;
  if (!src) return { kind: 'all' };
  const sMin = portOf(field(at, 'min', [...base, 'source_port_range', 0], src));
  const sMax = portOf(field(at, 'max', [...base, 'source_port_range', 0], src));
  return sMin !== undefined && sMax !== undefined && sMin <= 1 && sMax >= 65535 ? { kind: 'all' } : { kind: 'ranges', ranges: [] };
}

function readPeer(at: RuleAt, allowNsg: boolean, problems: ParseProblem[]): RuleSourceAddr {
  const peer = at.direction === 'ingress' ? 'source' : 'destination';
  const typeF = field(at, `${peer}_type`);
  const f = field(at, peer);
  const text = f.kind === 'known' ? stringValue(f.node) : undefined;
  // `source_type` left out of the configuration is computed: unknown in a plan until apply, where the API infers
  // it from the value (a CIDR, a service label, an NSG's OCID) — as it is inferred here
  let type = typeF.kind === 'known' ? stringValue(typeF.node) ?? 'CIDR_BLOCK' : 'CIDR_BLOCK';
  if (typeF.kind === 'unknown') {
    if (text === undefined) return { kind: 'unknown', text: at.unknowns.note(f.kind === 'unknown' ? peer : `${peer}_type`) };
    type = text.startsWith('ocid1.networksecuritygroup.') ? 'NETWORK_SECURITY_GROUP' : cidrSource(text).kind === 'cidr' ? 'CIDR_BLOCK' : 'SERVICE_CIDR_BLOCK';
  }
  if (type === 'SERVICE_CIDR_BLOCK') return { kind: 'never', reason: `service CIDR label${text ? ` "${text}"` : ''} (SERVICE_CIDR_BLOCK)` };
  if (type === 'NETWORK_SECURITY_GROUP' && allowNsg) return { kind: 'load-balancer', text: text ?? '(network security group)' };
  if (f.kind === 'unknown') return { kind: 'unknown', text: at.unknowns.note(peer) };
  if (text === undefined) {
    problems.push({ message: `the ${at.direction} rule has no ${peer}`, span: at.span });
    return { kind: 'never', reason: `no ${peer}` };
  }
  return cidrSource(text);
}

function makeRule(at: RuleAt, name: string, allowNsg: boolean, problems: ParseProblem[]): Rule {
  const protocol = readProtocol(at, problems);
  const ports = readPorts(at, protocol);
  const source = readPeer(at, allowNsg, problems);
  const d = field(at, 'description');
  const description = d.kind === 'known' ? stringValue(d.node) : undefined;
  const what = `${describeProtocol(protocol)} ${describePorts(ports)} ${at.direction === 'ingress' ? 'from' : 'to'} ${describeSource(source)}`;
  const rule: Rule = { action: 'allow', protocol, ports, source, span: at.span, origin: `${name}${description ? ` "${description}"` : ''} (${what})` };
  if (at.unknowns.reasons.length) rule.unevaluated = { reasons: at.unknowns.reasons, at: at.span };
  return rule;
}

function readList(path: string, r: Resource, from: 'plan' | 'state', problems: ParseProblem[]): OciSecurityList {
  const span = jsonSpan(r.node);
  const name = known(r, from, [], 'display_name');
  const displayName = name.kind === 'known' ? stringValue(name.node) : undefined;
  const id = known(r, from, [], 'id');
  const list: OciSecurityList = {
    kind: 'oci-security-list', path, name: displayName ?? r.address, span, rules: [], egressRules: [],
    terraformJson: { address: r.address, from },
  };
  if (displayName !== undefined) list.displayName = displayName;
  if (id.kind === 'known' && stringValue(id.node) !== undefined) list.id = stringValue(id.node);
  for (const direction of ['ingress', 'egress'] as const) {
    const key = `${direction}_security_rules`;
    const into = direction === 'ingress' ? list.rules : list.egressRules!;
    // (what an egress rule lacks is not reported: egress only matters for a load balancer's way to the nodes)
    const found = direction === 'ingress' ? problems : [];
    const f = known(r, from, [], key);
    if (f.kind === 'unknown') {
      // the whole list is known only after apply: one rule that may allow anything, said so
      const unknowns = new Unknowns(r.address, '');
      const text = unknowns.note(key);
      into.push({
        action: 'allow', protocol: { kind: 'unknown', text }, ports: { kind: 'unknown', text }, source: { kind: 'unknown', text },
        span, origin: `${r.address} ${key} (known only after apply)`, unevaluated: { reasons: unknowns.reasons, at: span },
      });
      continue;
    }
    if (direction === 'ingress' && f.kind === 'known' && f.node.type === 'array') list.terraformJson!.ingressNode = f.node;
    arrayItems(f.kind === 'known' ? f.node : undefined).forEach((obj, i) => {
      if (obj.type !== 'object') return;
      const at: RuleAt = { r, from, steps: [key, i], obj, span: jsonSpan(obj), direction, nested: false, unknowns: new Unknowns(r.address, `${key}[${i}]`) };
      into.push(makeRule(at, `${r.address} ${key}[${i}]`, false, found));
    });
  }
  return list;
}

function readNsgRule(r: Resource, from: 'plan' | 'state', nsgs: readonly OciNsgResource[], problems: ParseProblem[]): { resource: OciNsgRuleResource; egress: boolean } | null {
  const span = jsonSpan(r.node);
  const unknowns = new Unknowns(r.address, '');
  const dir = known(r, from, [], 'direction');
  const direction = dir.kind === 'known' ? stringValue(dir.node) : undefined;
  if (direction !== undefined && direction !== 'INGRESS' && direction !== 'EGRESS') return null;
  const egress = direction === 'EGRESS';
  const found = egress ? [] : problems;
  const at: RuleAt = { r, from, steps: [], obj: r.values, span, direction: egress ? 'egress' : 'ingress', nested: true, unknowns };
  const rule = makeRule(at, r.address, true, found);
  if (direction === undefined) {
    // a rule whose direction is not known might be an egress rule: it allows nothing we can rely on
    const text = dir.kind === 'unknown' ? unknowns.note('direction') : 'no direction';
    rule.source = { kind: 'unknown', text };
    rule.unevaluated = { reasons: unknowns.reasons.length ? unknowns.reasons : [`${r.address} has no direction`], at: span };
  }
  const resource: OciNsgRuleResource = {
    nsgExpr: '', rule,
    terraform: { address: r.address, blockSpan: span, bodyEnd: span.end, indent: '', newline: '\n' },
  };
  const g = known(r, from, [], 'network_security_group_id');
  const id = g.kind === 'known' ? stringValue(g.node) : undefined;
  if (id !== undefined) {
    resource.nsgExpr = id;
    resource.nsgId = id;
    const nsg = nsgs.find((n) => n.id === id);
    if (nsg) resource.nsgAddress = nsg.address;
  } else {
    // a group the plan creates: the rule's expression in the configuration names it
    const refs = arrayItems(propertyValue(propertyValue(propertyValue(r.config, 'expressions'), 'network_security_group_id'), 'references'));
    const ref = refs.map((x) => stringValue(x)).find((x): x is string => x !== undefined && x.startsWith(`${NSG}.`));
    if (ref) {
      const base = `${r.module ? `${r.module}.` : ''}${NSG}.${ref.slice(NSG.length + 1).split(/[.[]/)[0]}`;
      const exact = nsgs.find((n) => n.address === base) ?? nsgs.find((n) => n.address === base + r.indexText);
      resource.nsgExpr = ref.endsWith('.id') ? ref : `${ref}.id`;
      resource.nsgAddress = exact?.address ?? base;
    } else {
      resource.nsgExpr = g.kind === 'unknown' ? `${r.address}.network_security_group_id (known after apply)` : '';
      if (g.kind === 'absent') found.push({ message: 'the rule has no network_security_group_id', span });
    }
  }
  return { resource, egress };
}
