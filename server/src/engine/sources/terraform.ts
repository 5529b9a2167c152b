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
 * The rules are read from the resources as Terraform evaluates them (`engine/terraform/`): one rule per instance
 * of a resource (`count`, `for_each`) and per element of a `dynamic` block, every value evaluated; what cannot be
 * evaluated is unknown, and the rule says why in `unevaluated` (`terraform-rules.ts`). `readTerraform` reads one
 * file as a module of its own; the source module (`modules/terraform.ts`) evaluates whole modules and hands
 * each file its resources' instances (`terraformFileOf`). `readTerraformSymbols` gives the literal variable
 * defaults and locals of a file (what the fixes name).
 */
import { hclAttribute, hclBlocks, isHclReady, parseHcl, type HclBlock, type HclBody, type HclExpression, type HclParseResult } from '../parse/hcl';
import type { ParseProblem } from '../parse/problem';
import type { EvalBlock } from '../terraform/blocks';
import { num, str, type Val } from '../terraform/values';
import { rootModule, type ResourceInstances } from '../terraform/module';
import type { TfFile } from '../terraform/world';
import type { Span } from '../text/span';
import type { OciNsgResource, OciNsgRuleResource, OciSecurityList, ReadResult, Rule, TerraformBlockInfo, TerraformFile, TerraformSymbols } from './model';
import { detectNewline, indentBefore } from './source-common';
import { TOPOLOGY_TYPES } from '../topology/model';
import { attr, markUnevaluated, NSG, NSG_RULE, readRuleValues, SECURITY_LIST, stringOf, summary, type RuleReading } from './terraform-rules';

/** The resource types whose instances the readers need (the rules' and the topology's). */
export const OCI_TYPES: ReadonlySet<string> = new Set([SECURITY_LIST, NSG_RULE, NSG, ...TOPOLOGY_TYPES]);

// ------------------------------------------------------------------------------------------ parse cache

/** The workspace reads symbols and then rules from the same texts: keep a few recent parses. */
const CACHE_SIZE = 32;
const parseCache = new Map<string, HclParseResult>();

export function parseCached(text: string): HclParseResult {
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
 * A resource's address as written in its file (`type.name`), from an instance's address in a module tree
 * (`module.network.type.name["key"]`): what a person names in the config (`network.tf#type.name`).
 */
export function writtenAddress(address: string): string {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const c of address) {
    if (c === '[') depth++;
    if (depth === 0 && c === '.') {
      parts.push(cur);
      cur = '';
    } else if (depth === 0) cur += c;
    if (c === ']') depth = Math.max(0, depth - 1);
  }
  parts.push(cur);
  while (parts.length > 2 && parts[0] === 'module') parts.splice(0, 2);
  return parts.join('.');
}

/** A parsed file as the evaluator reads it: resource blocks that a broken block swallowed are brought up a level. */
export function worldFile(path: string, body: HclBody): TfFile {
  const salvaged = resourceBlocks(body).filter((b) => !body.blocks.includes(b));
  if (salvaged.length === 0) return { path, body };
  const blocks = [...body.blocks, ...salvaged];
  return { path, body: { ...body, blocks, items: [...body.attributes, ...blocks] } };
}

/**
 * Reads the OCI security lists, NSG rules and NSGs of one Terraform file, evaluated as a module of its own (its
 * folder's other files are not seen, but `symbols` may give its variables' literal defaults: the source module
 * evaluates whole modules). Value null only when the HCL parser is not ready.
 */
export function readTerraform(path: string, text: string, symbols?: TerraformSymbols): ReadResult<TerraformFile> {
  if (!isHclReady()) {
    const { problems } = parseHcl(text); // says why
    return { value: null, problems: text.includes('oci_core_') ? problems : [] };
  }
  const parsed = parseCached(text);
  const file = worldFile(path, parsed.body);
  const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  const world = { folders: new Map([[folder, { path: folder, files: [file], varFiles: [] }]]), configVarFiles: [], readFile: () => undefined };
  // the folder's literal variable defaults, when the caller read them (the variables may be declared elsewhere)
  const inputs = symbols ? new Map([...symbols.variables].map(([k, v]) => [k, typeof v === 'number' ? num(v) : str(v)])) : null;
  const module = rootModule(world, folder, undefined, inputs);
  return terraformFileOf(path, text, parsed, module ? module.collect(OCI_TYPES) : []);
}

/**
 * The file's OCI resources from their evaluated instances (`resources`: every evaluation of a resource of this
 * file, from each module instance that holds it). HCL syntax problems are reported when the file has something
 * for us: an OCI resource could be read, or the text mentions `oci_core_`; other Terraform files stay silent.
 */
export function terraformFileOf(path: string, text: string, parsed: HclParseResult, resources: readonly ResourceInstances[]): ReadResult<TerraformFile> {
  const newline = detectNewline(text);
  const problems: ParseProblem[] = [];
  const file: TerraformFile = { kind: 'terraform', path, securityLists: [], nsgRules: [], nsgEgressRules: [], nsgs: [], resources: [], newline };
  for (const block of resourceBlocks(parsed.body)) file.resources.push(`${block.labels[0].value}.${block.labels[1].value}`);
  const mine = resources.filter((r) => r.path === path).sort((a, b) => a.block.span.start - b.block.span.start);
  const reported = new Set<HclBlock>();
  const firstSeen = new Map<HclBlock, EvalBlock>();
  for (const res of mine) {
    for (const inst of res.instances) {
      // problems once per block as written, not once per instance
      const found: ParseProblem[] = reported.has(res.block) ? [] : problems;
      const info = blockInfo(text, res.block, inst.address, newline);
      if (res.type === SECURITY_LIST) file.securityLists.push(readSecurityList(path, res, inst.block, info, found, firstSeen));
      else if (res.type === NSG_RULE) {
        const r = readNsgRule(res, inst.block, info, found);
        if (r) (r.egress ? file.nsgEgressRules : file.nsgRules).push(r.resource);
      } else if (res.type === NSG) {
        const nsg: OciNsgResource = { address: inst.address, span: res.block.span };
        const displayName = stringOf(attr(inst.block, 'display_name'));
        if (displayName !== undefined) nsg.displayName = displayName;
        file.nsgs.push(nsg);
      }
    }
    reported.add(res.block);
  }
  const ours = file.securityLists.length > 0 || file.nsgRules.length > 0 || file.nsgs.length > 0 || text.includes('oci_core_');
  return { value: file, problems: ours ? [...parsed.problems, ...problems] : [] };
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

/** An element key as a label: `["ssh"]`, `[0]`. */
function keyLabel(key: Val | undefined): string {
  if (!key) return '';
  return key.k === 'string' ? `[${JSON.stringify(key.v)}]` : key.k === 'number' ? `[${key.v}]` : '';
}

function readSecurityList(path: string, res: ResourceInstances, block: EvalBlock, info: TerraformBlockInfo, problems: ParseProblem[], firstSeen: Map<HclBlock, EvalBlock>): OciSecurityList {
  const displayName = stringOf(attr(block, 'display_name'));
  const egressRules: Rule[] = [];
  const list: OciSecurityList = { kind: 'oci-security-list', path, name: displayName ?? info.address, span: res.block.span, rules: [], egressRules, terraform: info };
  if (displayName !== undefined) list.displayName = displayName;
  // rules are numbered by the block that is written (a dynamic block counts once)
  const numbers = new Map<HclBlock, number>();
  const count = { ingress: 0, egress: 0 };
  for (const b of res.block.body.blocks) {
    const name = b.type === 'dynamic' ? b.labels[0]?.value : b.type;
    const direction = name === 'ingress_security_rules' ? 'ingress' : name === 'egress_security_rules' ? 'egress' : undefined;
    if (direction) numbers.set(b, ++count[direction]);
    if (b.type === 'dynamic' && direction && hclBlocks(b.body, 'content').length === 0) {
      problems.push({ message: 'a dynamic block needs a content block', span: b.typeSpan });
    }
  }
  for (const b of block.blocks) {
    const direction = b.type === 'ingress_security_rules' ? 'ingress' : b.type === 'egress_security_rules' ? 'egress' : undefined;
    if (!direction) continue;
    const written = b.dynamic ? b.dynamic.block : b.source;
    const n = numbers.get(written) ?? 0;
    const span = written.span;
    // (what an egress rule lacks is not reported: egress only matters for a load balancer's way to the nodes)
    const reading: RuleReading = { problems: direction === 'ingress' && !reported(b, firstSeen) ? problems : [], reasons: new Set() };
    const values = readRuleValues(b, span, direction, false, reading);
    const description = stringOf(attr(b, 'description'));
    const forEach = b.dynamic ? shortText(hclAttribute(b.dynamic.block.body, 'for_each')?.expr.text) : undefined;
    const label = b.dynamic
      ? `dynamic "${b.type}" #${n}${forEach ? ` (for_each = ${forEach})` : ''}${keyLabel(b.dynamic.key)}`
      : `${b.type} #${n}`;
    const what = summary(values, direction);
    const origin = description ? `${direction}_security_rules "${description}" (${what})` : `${label} (${what})`;
    const rule: Rule = { action: 'allow', ...values, span, origin };
    markUnevaluated(rule, reading, b.dynamic?.forEach ?? res.generatedAt ?? span);
    (direction === 'ingress' ? list.rules : egressRules).push(rule);
  }
  return list;
}

/**
 * A dynamic block's later elements report nothing its first one reported. `firstSeen` lives as long as one reading
 * of the file: the blocks are the parse's, which a later reading of the same text shares — a map that outlived
 * the reading would silence that reading's problems.
 */
function reported(b: EvalBlock, firstSeen: Map<HclBlock, EvalBlock>): boolean {
  const d = b.dynamic;
  if (!d) return false;
  const seen = firstSeen.get(d.block);
  if (seen === undefined) {
    firstSeen.set(d.block, b);
    return false;
  }
  return seen !== b;
}

function shortText(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const one = text.split(/\s+/).join(' ').trim();
  return one.length > 60 ? `${one.slice(0, 57)}...` : one;
}

function readNsgRule(res: ResourceInstances, body: EvalBlock, info: TerraformBlockInfo, problems: ParseProblem[]): { resource: OciNsgRuleResource; egress: boolean } | null {
  const span: Span = res.block.span;
  const reading: RuleReading = { problems: [], reasons: new Set() };
  const dirA = attr(body, 'direction');
  const direction = dirA?.value;
  const directionKnown = direction !== undefined && direction.k !== 'unknown';
  const dirText = dirA ? stringOf(dirA) : undefined;
  const egress = directionKnown && dirText === 'EGRESS';
  if (directionKnown && !egress && dirText !== 'INGRESS') return null; // nonsense: no rule
  // (what an egress rule lacks is not reported: egress only matters for a load balancer's way to the nodes)
  if (!egress) reading.problems = problems;
  let values: Pick<Rule, 'protocol' | 'ports' | 'source'>;
  if (directionKnown) values = readRuleValues(body, span, egress ? 'egress' : 'ingress', true, reading);
  else {
    // a rule whose direction cannot be read might be an egress rule: it allows nothing we can rely on
    const v = readRuleValues(body, span, 'ingress', true, reading);
    if (direction?.k === 'unknown') reading.reasons.add(direction.reason);
    values = { ...v, source: { kind: 'unknown', text: direction?.k === 'unknown' ? `direction = ${dirA!.expr.text}` : 'no direction' } };
  }
  const description = stringOf(attr(body, 'description'));
  const what = summary(values, egress ? 'egress' : 'ingress');
  const origin = description ? `${info.address} "${description}" (${what})` : `${info.address} (${what})`;
  const nsgAttr = body.attrs.get('network_security_group_id');
  const rule: OciNsgRuleResource = {
    nsgExpr: nsgAttr?.expr.text ?? '',
    rule: { action: 'allow', ...values, span, origin },
    terraform: info,
  };
  markUnevaluated(rule.rule, reading, res.generatedAt ?? span);
  const identity = nsgAttr?.value.k === 'unknown' ? nsgAttr.value.identity : undefined;
  const t = nsgAttr?.expr.traversal;
  if (identity && identity.includes(NSG + '.')) rule.nsgAddress = identity.replace(/\.id$/, '');
  else if (t && t.length >= 2 && t[0] === NSG && !t[1].startsWith('[')) rule.nsgAddress = `${NSG}.${t[1]}`;
  if (!nsgAttr) reading.problems.push({ message: 'the rule has no network_security_group_id', span: res.block.typeSpan });
  return { resource: rule, egress };
}
