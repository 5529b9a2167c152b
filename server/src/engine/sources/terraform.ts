/**
 * Terraform (`*.tf`) rule sources (the OCI provider's resources):
 *  - `resource "oci_core_security_list" "NAME"` with `ingress_security_rules { protocol source source_type
 *    stateless description tcp_options { min max } udp_options { min max } }` — ports FLATTENED in the options —
 *    and `dynamic "ingress_security_rules" { for_each … content { … } }`, read once with its unresolved values
 *    as unknown;
 *    and the same for `egress_security_rules { destination destination_type … }`;
 *  - `resource "oci_core_network_security_group_security_rule" "NAME"` with `direction = "INGRESS"` or
 *    `"EGRESS"` (`destination` in place of `source`) and ports NESTED: `tcp_options { destination_port_range { min max } }`;
 *  - `resource "oci_core_network_security_group" "NAME"`.
 * `var.x` and `local.x` resolve through TerraformSymbols (literal variable defaults and locals); any other value
 * that is not a literal is unknown. `count` / `for_each` on a resource are ignored: the resource is read once.
 */
import { hclAttribute, hclBlocks, isHclReady, parseHcl, type HclBlock, type HclBody, type HclExpression, type HclParseResult } from '../parse/hcl';
import type { ParseProblem } from '../parse/problem';
import type {
  OciNsgResource,
  OciNsgRuleResource,
  OciSecurityList,
  ReadResult,
  Rule,
  RulePorts,
  RuleProtocol,
  RuleSourceAddr,
  TerraformBlockInfo,
  TerraformFile,
  TerraformSymbols,
} from './model';
import { cidrSource, describePorts, describeProtocol, describeSource, detectNewline, indentBefore, ociProtocol } from './source-common';

const SECURITY_LIST = 'oci_core_security_list';
const NSG_RULE = 'oci_core_network_security_group_security_rule';
const NSG = 'oci_core_network_security_group';

// ------------------------------------------------------------------------------------------ parse cache

/** The workspace reads symbols and then rules from the same texts: keep a few recent parses. */
const CACHE_SIZE = 32;
const parseCache = new Map<string, HclParseResult>();

function parseCached(text: string): HclParseResult {
  const hit = parseCache.get(text);
  if (hit) {
    parseCache.delete(text);
    parseCache.set(text, hit);
    return hit;
  }
  const result = parseHcl(text);
  if (isHclReady()) {
    parseCache.set(text, result);
    if (parseCache.size > CACHE_SIZE) {
      const oldest = parseCache.keys().next().value;
      if (oldest !== undefined) parseCache.delete(oldest);
    }
  }
  return result;
}

// ---------------------------------------------------------------------------------------------- values

type Value = { kind: 'string'; value: string } | { kind: 'number'; value: number } | { kind: 'bool'; value: boolean } | { kind: 'null' } | { kind: 'unknown'; text: string };

function emptySymbols(): TerraformSymbols {
  return { variables: new Map(), locals: new Map() };
}

function literalOf(expr: HclExpression): string | number | undefined {
  if (expr.kind === 'string' && typeof expr.value === 'string') return expr.value;
  if (expr.kind === 'number' && typeof expr.value === 'number') return expr.value;
  return undefined;
}

function symbolOf(expr: HclExpression, symbols: TerraformSymbols): string | number | undefined {
  const t = expr.traversal;
  if (!t || t.length !== 2) return undefined;
  if (t[0] === 'var') return symbols.variables.get(t[1]);
  if (t[0] === 'local') return symbols.locals.get(t[1]);
  return undefined;
}

function resolve(expr: HclExpression | undefined, symbols: TerraformSymbols): Value | undefined {
  if (!expr) return undefined;
  switch (expr.kind) {
    case 'string':
      return { kind: 'string', value: String(expr.value) };
    case 'number':
      return { kind: 'number', value: Number(expr.value) };
    case 'bool':
      return { kind: 'bool', value: expr.value === true };
    case 'null':
      return { kind: 'null' };
    case 'expr': {
      const v = symbolOf(expr, symbols);
      if (typeof v === 'string') return { kind: 'string', value: v };
      if (typeof v === 'number') return { kind: 'number', value: v };
      return { kind: 'unknown', text: expr.text };
    }
  }
}

/** An attribute's value; `null` literals count as absent, as in Terraform. */
function attrValue(body: HclBody, name: string, symbols: TerraformSymbols): Value | undefined {
  const v = resolve(hclAttribute(body, name)?.expr, symbols);
  return v && v.kind === 'null' ? undefined : v;
}

function asString(v: Value | undefined): string | undefined {
  if (!v) return undefined;
  if (v.kind === 'string') return v.value;
  if (v.kind === 'number') return String(v.value);
  return undefined;
}

/** A port number from a number or a numeric string (Terraform converts), else undefined. */
function asPort(v: Value | undefined): number | undefined {
  if (!v) return undefined;
  const n = v.kind === 'number' ? v.value : v.kind === 'string' && /^[0-9]{1,5}$/.test(v.value.trim()) ? Number(v.value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

// --------------------------------------------------------------------------------------------- symbols

/**
 * The literal `variable` defaults and `locals` values of one file. A local that is just `var.x` or `local.y`
 * resolves here when that name has a literal value in the same file, and in `readTerraform` through the
 * symbols it is given (so that `local.a = var.b` with `var.b` in variables.tf works).
 */
export function readTerraformSymbols(path: string, text: string): TerraformSymbols {
  const symbols = emptySymbols();
  if (!isHclReady()) return symbols;
  const { body } = parseCached(text);
  for (const block of body.blocks) {
    if (block.type === 'variable' && block.labels.length === 1) {
      const def = hclAttribute(block.body, 'default');
      const v = def ? literalOf(def.expr) : undefined;
      if (v !== undefined) symbols.variables.set(block.labels[0].value, v);
    } else if (block.type === 'locals') {
      for (const a of block.body.attributes) {
        const v = literalOf(a.expr);
        if (v !== undefined) symbols.locals.set(a.name, v);
      }
    }
  }
  resolveLocalReferences(body, symbols);
  return symbols;
}

/**
 * Locals of this file that are just `var.x` or `local.y`: adds those whose target has a literal value in
 * `symbols` (which may hold the whole module's values) to `symbols.locals`.
 */
function resolveLocalReferences(body: HclBody, symbols: TerraformSymbols): void {
  const pending: { name: string; expr: HclExpression }[] = [];
  for (const block of hclBlocks(body, 'locals')) {
    for (const a of block.body.attributes) {
      if (a.expr.traversal && !symbols.locals.has(a.name)) pending.push({ name: a.name, expr: a.expr });
    }
  }
  for (let round = 0; round < 8 && pending.length > 0; round++) {
    let progress = false;
    for (let i = pending.length - 1; i >= 0; i--) {
      const v = symbolOf(pending[i].expr, symbols);
      if (v !== undefined) {
        symbols.locals.set(pending[i].name, v);
        pending.splice(i, 1);
        progress = true;
      }
    }
    if (!progress) break;
  }
}

// ------------------------------------------------------------------------------------------------ reader

/**
 * Reads the OCI security lists, NSG rules and NSGs of a Terraform file. HCL syntax problems are reported when the
 * file has something for us: an OCI resource could be read, or the text mentions `oci_core_` (a broken file
 * about OCI networking). Other Terraform files stay silent. Value null only when the HCL parser is not ready.
 */
export function readTerraform(path: string, text: string, symbols?: TerraformSymbols): ReadResult<TerraformFile> {
  if (!isHclReady()) {
    const { problems } = parseHcl(text); // says why
    return { value: null, problems: text.includes('oci_core_') ? problems : [] };
  }
  const { body, problems: syntax } = parseCached(text);
  // this file's `local.a = var.b` now resolve through the whole module's values (e.g. variables.tf)
  const syms: TerraformSymbols = { variables: new Map(symbols?.variables), locals: new Map(symbols?.locals) };
  resolveLocalReferences(body, syms);
  const newline = detectNewline(text);
  const problems: ParseProblem[] = [];
  const file: TerraformFile = { kind: 'terraform', path, securityLists: [], nsgRules: [], nsgEgressRules: [], nsgs: [], resources: [], newline };

  for (const block of resourceBlocks(body)) {
    const type = block.labels[0].value;
    const name = block.labels[1].value;
    const info = blockInfo(text, block, `${type}.${name}`, newline);
    file.resources.push(info.address);
    if (type === SECURITY_LIST) file.securityLists.push(readSecurityList(path, block, info, syms, problems));
    else if (type === NSG_RULE) {
      const r = readNsgRule(block, info, syms, problems);
      if (r) (r.egress ? file.nsgEgressRules : file.nsgRules).push(r.resource);
    } else if (type === NSG) {
      const nsg: OciNsgResource = { address: info.address, span: block.span };
      const displayName = asString(attrValue(block.body, 'display_name', syms));
      if (displayName !== undefined) nsg.displayName = displayName;
      file.nsgs.push(nsg);
    }
  }
  const ours = file.securityLists.length > 0 || file.nsgRules.length > 0 || file.nsgs.length > 0 || text.includes('oci_core_');
  return { value: file, problems: ours ? [...syntax, ...problems] : [] };
}

/**
 * `resource "TYPE" "NAME"` blocks: top-level ones, plus those that a broken block (missing `}`) swallowed —
 * a resource block is never legitimately nested.
 */
function resourceBlocks(body: HclBody): HclBlock[] {
  const out: HclBlock[] = [];
  const visit = (b: HclBody, depth: number, salvage: boolean): void => {
    for (const block of b.blocks) {
      if (block.type === 'resource' && block.labels.length === 2 && (depth === 0 || salvage)) out.push(block);
      if (depth < 16 && block.closeBrace === null) visit(block.body, depth + 1, true);
    }
  };
  visit(body, 0, false);
  return out;
}

function blockInfo(text: string, block: HclBlock, address: string, newline: string): TerraformBlockInfo {
  const first = block.body.items[0];
  const inner = first ? indentBefore(text, first.span.start) : null;
  const outer = indentBefore(text, block.span.start) ?? '';
  return {
    address,
    blockSpan: block.span,
    bodyEnd: block.closeBrace ?? block.span.end,
    indent: inner !== null && inner !== '' ? inner : outer + '  ',
    newline,
  };
}

function readSecurityList(path: string, block: HclBlock, info: TerraformBlockInfo, syms: TerraformSymbols, problems: ParseProblem[]): OciSecurityList {
  const displayName = asString(attrValue(block.body, 'display_name', syms));
  const egressRules: Rule[] = [];
  const list: OciSecurityList = {
    kind: 'oci-security-list',
    path,
    name: displayName ?? info.address,
    span: block.span,
    rules: [],
    egressRules,
    terraform: info,
  };
  if (displayName !== undefined) list.displayName = displayName;
  const count = { ingress: 0, egress: 0 };
  for (const b of block.body.blocks) {
    const dynamic = b.type === 'dynamic';
    const name = dynamic ? b.labels[0]?.value : b.type;
    const direction = name === 'ingress_security_rules' ? 'ingress' : name === 'egress_security_rules' ? 'egress' : undefined;
    if (!direction) continue;
    const n = ++count[direction];
    const into = direction === 'ingress' ? list.rules : egressRules;
    // (what an egress rule lacks is not reported: egress only matters for a load balancer's way to the nodes)
    const found = direction === 'ingress' ? problems : [];
    if (!dynamic) {
      into.push(readSecurityListRule(b.body, b.span, `${name} #${n}`, direction, syms, found));
      continue;
    }
    const content = hclBlocks(b.body, 'content')[0];
    const forEach = shorten(hclAttribute(b.body, 'for_each')?.expr.text);
    const label = `dynamic "${name}" #${n}${forEach ? ` (for_each = ${forEach})` : ''}`;
    if (content) into.push(readSecurityListRule(content.body, b.span, label, direction, syms, found));
    else found.push({ message: 'a dynamic block needs a content block', span: b.typeSpan });
  }
  return list;
}

/** An expression's text on one line, cut to a length that fits in a message. */
function shorten(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const one = text.split(/\s+/).join(' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

function readProtocol(body: HclBody, span: { start: number; end: number }, syms: TerraformSymbols, problems: ParseProblem[]): RuleProtocol {
  const v = attrValue(body, 'protocol', syms);
  if (!v) {
    problems.push({ message: 'the rule has no protocol', span });
    return { kind: 'other', text: '(none)' };
  }
  if (v.kind === 'unknown') return { kind: 'unknown', text: v.text };
  const s = asString(v);
  return s === undefined ? { kind: 'other', text: String(v.kind) } : ociProtocol(s);
}

/** Which options block applies: the protocol's own; for an unknown protocol, whichever is present. */
function optionsBlockName(protocol: RuleProtocol, body: HclBody): 'tcp_options' | 'udp_options' | null {
  if (protocol.kind === 'one') return protocol.protocol === 'TCP' ? 'tcp_options' : protocol.protocol === 'UDP' ? 'udp_options' : null;
  if (protocol.kind === 'unknown') {
    const has = (n: string) => hclBlocks(body, n).length > 0 || body.blocks.some((b) => b.type === 'dynamic' && b.labels[0]?.value === n);
    return has('tcp_options') ? 'tcp_options' : has('udp_options') ? 'udp_options' : null;
  }
  return null;
}

/** The destination ports of a rule body; `nested` for NSG rules (`destination_port_range { min max }`). */
function readPorts(body: HclBody, protocol: RuleProtocol, nested: boolean, syms: TerraformSymbols, problems: ParseProblem[]): RulePorts {
  const name = optionsBlockName(protocol, body);
  if (!name) return { kind: 'all' };
  const dynamicOptions = body.blocks.find((b) => b.type === 'dynamic' && b.labels[0]?.value === name);
  if (dynamicOptions) return { kind: 'unknown', text: `dynamic "${name}"` };
  const options = hclBlocks(body, name)[0];
  if (!options) return { kind: 'all' };
  const range = hclBlocks(options.body, 'destination_port_range')[0];
  let minMaxBody: HclBody | null;
  if (nested) {
    if (!range && (hclAttribute(options.body, 'min') || hclAttribute(options.body, 'max'))) {
      problems.push({ message: `in ${NSG_RULE}, min and max belong in ${name} { destination_port_range { … } }`, span: options.span });
      return { kind: 'unknown', text: `${name} without destination_port_range` };
    }
    minMaxBody = range ? range.body : null;
  } else {
    if (range) {
      problems.push({ message: `in ${SECURITY_LIST}, min and max sit directly in ${name} { … } (there is no destination_port_range block)`, span: range.span });
      return { kind: 'unknown', text: `${name} with destination_port_range` };
    }
    minMaxBody = hclAttribute(options.body, 'min') || hclAttribute(options.body, 'max') ? options.body : null;
  }
  if (!minMaxBody) {
    // only the source port limited: the rule admits packets sent from those ports, which a client's connection (from
    // an ephemeral port) is not — no destination port is opened for it; empty options: every port
    const source = hclBlocks(options.body, 'source_port_range')[0];
    if (!source) return { kind: 'all' };
    const sMin = asPort(attrValue(source.body, 'min', syms));
    const sMax = asPort(attrValue(source.body, 'max', syms));
    if (sMin !== undefined && sMax !== undefined && sMin <= 1 && sMax >= 65535) return { kind: 'all' };
    if (sMin === undefined || sMax === undefined) return { kind: 'unknown', text: `${name} with source_port_range only` };
    return { kind: 'ranges', ranges: [] };
  }
  const minV = attrValue(minMaxBody, 'min', syms);
  const maxV = attrValue(minMaxBody, 'max', syms);
  const min = asPort(minV);
  const max = asPort(maxV);
  if (min !== undefined && max !== undefined && min <= max) return { kind: 'ranges', ranges: [{ min, max }] };
  const text = (e: HclExpression | undefined) => e?.text ?? '?';
  const rangeText = `${text(hclAttribute(minMaxBody, 'min')?.expr)}-${text(hclAttribute(minMaxBody, 'max')?.expr)}`;
  const unresolved = minV?.kind === 'unknown' || maxV?.kind === 'unknown';
  if (!unresolved) problems.push({ message: 'the port range needs min and max, 1–65535, with min ≤ max', span: minMaxBody.span });
  return { kind: 'unknown', text: rangeText };
}

/** A rule's peer: `source` of an ingress rule, `destination` of an egress rule. */
function readSource(body: HclBody, span: { start: number; end: number }, syms: TerraformSymbols, problems: ParseProblem[], allowNsg: boolean,
  direction: 'ingress' | 'egress' = 'ingress'): RuleSourceAddr {
  const peer = direction === 'ingress' ? 'source' : 'destination';
  const typeV = attrValue(body, `${peer}_type`, syms);
  const sourceAttr = hclAttribute(body, peer);
  const sourceV = attrValue(body, peer, syms);
  if (typeV && typeV.kind === 'unknown') return { kind: 'unknown', text: `${peer}_type = ${typeV.text}` };
  const sourceType = asString(typeV) ?? 'CIDR_BLOCK';
  if (sourceType === 'SERVICE_CIDR_BLOCK') {
    const label = asString(sourceV);
    return { kind: 'never', reason: `service CIDR label${label ? ` "${label}"` : ''} (SERVICE_CIDR_BLOCK)` };
  }
  if (sourceType === 'NETWORK_SECURITY_GROUP' && allowNsg) return { kind: 'load-balancer', text: sourceAttr?.expr.text ?? '(network security group)' };
  if (!sourceV) {
    problems.push({ message: `the ${direction} rule has no ${peer}`, span });
    return { kind: 'never', reason: `no ${peer}` };
  }
  if (sourceV.kind === 'unknown') return { kind: 'unknown', text: sourceV.text };
  const s = asString(sourceV);
  if (s === undefined) return { kind: 'never', reason: `the ${peer} is not a CIDR block` };
  const src = cidrSource(s);
  if (src.kind === 'never' && sourceAttr) problems.push({ message: `"${s}" is not a CIDR block`, span: sourceAttr.expr.span });
  return src;
}

function summary(rule: Pick<Rule, 'protocol' | 'ports' | 'source'>, direction: 'ingress' | 'egress' = 'ingress'): string {
  return `${describeProtocol(rule.protocol)} ${describePorts(rule.ports)} ${direction === 'ingress' ? 'from' : 'to'} ${describeSource(rule.source)}`;
}

function readSecurityListRule(body: HclBody, span: { start: number; end: number }, label: string, direction: 'ingress' | 'egress',
  syms: TerraformSymbols, problems: ParseProblem[]): Rule {
  const protocol = readProtocol(body, span, syms, problems);
  const ports = readPorts(body, protocol, false, syms, problems);
  const source = readSource(body, span, syms, problems, false, direction);
  const description = asString(attrValue(body, 'description', syms));
  const what = summary({ protocol, ports, source }, direction);
  const origin = description ? `${direction}_security_rules "${description}" (${what})` : `${label} (${what})`;
  return { action: 'allow', protocol, ports, source, span, origin };
}

function readNsgRule(block: HclBlock, info: TerraformBlockInfo, syms: TerraformSymbols, problems: ParseProblem[]): { resource: OciNsgRuleResource; egress: boolean } | null {
  const body = block.body;
  const direction = attrValue(body, 'direction', syms);
  const directionKnown = direction !== undefined && direction.kind !== 'unknown';
  const egress = directionKnown && asString(direction) === 'EGRESS';
  if (directionKnown && !egress && asString(direction) !== 'INGRESS') return null; // nonsense: no rule
  // (what an egress rule lacks is not reported: egress only matters for a load balancer's way to the nodes)
  const found = egress ? [] : problems;
  const protocol = readProtocol(body, block.span, syms, found);
  const ports = readPorts(body, protocol, true, syms, found);
  // a rule whose direction cannot be read might be an egress rule: it allows nothing we can rely on
  const source: RuleSourceAddr = directionKnown
    ? readSource(body, block.span, syms, found, true, egress ? 'egress' : 'ingress')
    : { kind: 'unknown', text: direction?.kind === 'unknown' ? `direction = ${direction.text}` : 'no direction' };
  const description = asString(attrValue(body, 'description', syms));
  const what = summary({ protocol, ports, source }, egress ? 'egress' : 'ingress');
  const origin = description ? `${info.address} "${description}" (${what})` : `${info.address} (${what})`;
  const nsgAttr = hclAttribute(body, 'network_security_group_id');
  const rule: OciNsgRuleResource = {
    nsgExpr: nsgAttr?.expr.text ?? '',
    rule: { action: 'allow', protocol, ports, source, span: block.span, origin },
    terraform: info,
  };
  const t = nsgAttr?.expr.traversal;
  if (t && t.length >= 2 && t[0] === NSG && !t[1].startsWith('[')) rule.nsgAddress = `${NSG}.${t[1]}`;
  if (!nsgAttr) found.push({ message: 'the rule has no network_security_group_id', span: block.typeSpan });
  return { resource: rule, egress };
}
