/**
 * OCI fixes: append an ingress rule to the security list (or NSG) that must allow the traffic.
 *  - JSON (CLI `get` / `list` output, or a bare list): a rule object appended to the list's ingress array, in the
 *    file's key style (kebab or camel) and indentation; a `null` or empty array is replaced. Plus a command to
 *    copy: `oci network security-list update … --ingress-security-rules '<existing rules + the new one>' --force`.
 *  - Terraform `oci_core_security_list`: an `ingress_security_rules { … }` block (ports flattened in
 *    `tcp_options { min max }`) before the resource's closing brace.
 *  - Terraform NSG: a new `oci_core_network_security_group_security_rule` resource (ports nested in
 *    `destination_port_range`) after the last rule of that NSG.
 * New rules: protocol "6"/"17"/"132", the required source (`0.0.0.0/0` when it is any), CIDR_BLOCK, stateful,
 * the port (or the whole node-port range), and a description naming the Service, the port and why.
 */
import { listText, rangesText, type Finding } from '../findings/finding';
import { arrayItems, jsonValue, type JsonNode } from '../parse/json';
import type { OciNsgRuleResource, OciSecurityList, PortRange, Protocol } from '../sources/model';
import { detectNewline, indentBefore } from '../sources/source-common';
import { dirName, extName } from '../util/paths';
import type { FixContext } from './context';
import { portProto, rangeOf, ruleDescription, sourceCidr } from './describe';
import { mergeableEdit, type Part, type PlannedEdit } from './edits';
import type { Missing, ReachHint, TargetRef } from '../findings/fix-hint';
import type { PlannedFix } from './plan';
import { jsonLists, terraformFile, terraformJsonLists } from './readings';
import { writtenAddress } from '../sources/terraform';
import { sdkIngressRules } from './plan-lists';
import { commandLine, shellQuote } from './shell';
import { hclString } from './hcl-text';
import { entryFix, type EntryPlan } from './oci-entries';
import type { Site } from './tf-entries';

export { hclString } from './hcl-text';

const NSG_RULE = 'oci_core_network_security_group_security_rule';
const UNDERSCORE = 95;
const MAX_IDENTIFIER = 128;
const PROTOCOL_NUMBER: Record<Protocol, string> = { TCP: '6', UDP: '17', SCTP: '132' };

/** One rule to add, whatever the format. */
export interface NewRule {
  protocol: Protocol;
  range: PortRange;
  source: string;
  description: string;
}

function ruleId(r: NewRule): string {
  return `${r.protocol}|${r.range.min}-${r.range.max}|${r.source}`;
}

/** The list a worker or listener requirement's rule goes to: the first security list checked, else the first NSG. */
export function pickListTarget(targets: readonly TargetRef[]): TargetRef | undefined {
  const lists = targets.filter((t) => t.kind !== 'firewalld-zone');
  return lists.find((t) => t.kind === 'oci-security-list') ?? lists[0];
}

export function listFixes(ctx: FixContext, finding: Finding, h: ReachHint, missing: Missing[], opts: { preferred: boolean; copy: boolean }): PlannedFix[] {
  const target = pickListTarget(h.targets);
  if (!target || missing.length === 0) return [];
  const nodeRange = ctx.analysis.config.nodePortRange;
  const range = rangeOf(h.port, nodeRange);
  const rules: NewRule[] = [];
  const ids = new Set<string>(); // a set: a finding may name 100,000 source ranges
  const descriptions = new Map<string, string>(); // one per kind of traffic
  const describe = (m: Missing) => {
    let d = descriptions.get(m.traffic);
    if (d === undefined) descriptions.set(m.traffic, (d = ruleDescription(ctx, finding, h, m.traffic, nodeRange)));
    return d;
  };
  for (const m of missing) {
    const r: NewRule = { protocol: h.protocol, range, source: sourceCidr(m.from), description: describe(m) };
    if (!ids.has(ruleId(r))) { ids.add(ruleId(r)); rules.push(r); }
  }
  const pp = portProto(h.port, h.protocol, nodeRange);
  const fromText = rangesText(rules.map((r) => r.source));
  if (target.kind === 'oci-nsg') return nsgFixes(ctx, finding, h, target, rules, pp, fromText, opts);
  const planned = terraformJsonLists(ctx.ws, target.path).find((l) => listKey(l) === target.key);
  if (planned) return opts.copy ? planListCopy(finding, planned, rules) : [];
  if (extName(target.path) === '.json') return jsonFixes(ctx, finding, target, rules, pp, fromText, opts);
  if (extName(target.path) === '.tf') return terraformListFixes(ctx, finding, h, target, rules, pp, fromText, opts);
  return [];
}

// ------------------------------------------------------------------------------------------------ JSON

interface JsonTarget {
  list: OciSecurityList;
  text: string;
  rules: JsonNode;
}

function listKey(l: OciSecurityList): string {
  return l.terraform?.address ?? l.displayName ?? l.id ?? l.name;
}

/** The list as the workspace read it, with its parsed rule array. */
function jsonTarget(ctx: FixContext, path: string, key: string): JsonTarget | undefined {
  const text = ctx.ws.getText(path);
  const list = jsonLists(ctx.ws, path).find((l) => listKey(l) === key);
  if (text === undefined || !list?.json) return undefined;
  return { list, text, rules: list.json.rulesNode };
}

const JSON_KEYS = {
  kebab: { icmp: 'icmp-options', stateless: 'is-stateless', sourceType: 'source-type', tcp: 'tcp-options', udp: 'udp-options', dest: 'destination-port-range', src: 'source-port-range' },
  camel: { icmp: 'icmpOptions', stateless: 'isStateless', sourceType: 'sourceType', tcp: 'tcpOptions', udp: 'udpOptions', dest: 'destinationPortRange', src: 'sourcePortRange' },
} as const;

/** The rule as the OCI CLI prints one (keys in its alphabetical order); `full` adds the null members. */
export function jsonRule(r: NewRule, style: 'kebab' | 'camel', full: boolean): Record<string, unknown> {
  const k = JSON_KEYS[style];
  const options = { [k.dest]: { max: r.range.max, min: r.range.min }, ...(full ? { [k.src]: null } : {}) };
  const out: Record<string, unknown> = { description: r.description };
  if (full) out[k.icmp] = null;
  out[k.stateless] = false;
  out.protocol = PROTOCOL_NUMBER[r.protocol];
  out.source = r.source;
  out[k.sourceType] = 'CIDR_BLOCK';
  if (r.protocol === 'TCP') out[k.tcp] = options;
  else if (full) out[k.tcp] = null;
  if (r.protocol === 'UDP') out[k.udp] = options;
  else if (full) out[k.udp] = null;
  return out;
}

/** JSON text of a value over several lines: `indent` is the indentation of the line the value starts on. */
export function formatJsonBlock(value: unknown, unit: string, indent: string, nl: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${nl}${value.map((v) => indent + unit + formatJsonBlock(v, unit, indent + unit, nl)).join(`,${nl}`)}${nl}${indent}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return '{}';
    return `{${nl}${entries.map(([k, v]) => `${indent + unit}${JSON.stringify(k)}: ${formatJsonBlock(v, unit, indent + unit, nl)}`).join(`,${nl}`)}${nl}${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** JSON text of a value on one line, spaced as people write it: `{"a": 1, "b": [2, 3]}`. */
export function formatJsonInline(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatJsonInline).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${formatJsonInline(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The file's indentation unit: the leading whitespace of its first indented line (null: no indented line). */
function jsonIndentUnit(text: string): string | null {
  let i = 0;
  while (i < text.length) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return null;
    let j = nl + 1;
    while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
    if (j > nl + 1 && j < text.length && text[j] !== '\n' && text[j] !== '\r') return text.slice(nl + 1, j);
    i = nl + 1;
  }
  return null;
}

/** Leading whitespace of the line that holds `offset`. */
function lineIndentAt(text: string, offset: number): string {
  let s = offset;
  while (s > 0 && text[s - 1] !== '\n') s--;
  let e = s;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  return text.slice(s, e);
}

function isWhitespace(s: string): boolean {
  return /^[ \t\r\n]*$/.test(s);
}

function end(node: JsonNode): number {
  return node.offset + node.length;
}

/** Where and how rules are appended to the ingress array of a JSON list. */
function jsonAppendEdit(t: JsonTarget, parts: Part<Record<string, unknown>>[]): PlannedEdit {
  const text = t.text;
  const nl = detectNewline(text);
  const items = arrayItems(t.rules);
  const fileUnit = jsonIndentUnit(text);
  if (t.rules.type === 'array' && items.length > 0) {
    const last = items[items.length - 1];
    let sep: string;
    const between = items.length >= 2 ? text.slice(end(items[items.length - 2]), last.offset) : undefined;
    if (between !== undefined && /^[ \t\r\n]*,[ \t\r\n]*$/.test(between)) sep = between.trimStart().startsWith(',') ? between.slice(between.indexOf(',')) : between;
    else {
      const head = text.slice(t.rules.offset + 1, items[0].offset);
      if (isWhitespace(head)) sep = head.includes('\n') ? `,${head}` : ', ';
      else sep = `,${nl}${indentBefore(text, items[0].offset) ?? ''}`;
    }
    const multiLine = sep.includes('\n');
    const itemIndent = multiLine ? sep.slice(sep.lastIndexOf('\n') + 1) : '';
    let unit = fileUnit ?? '  ';
    const firstProp = last.type === 'object' ? last.children?.[0] : undefined;
    if (firstProp) {
      const inner = indentBefore(text, firstProp.offset);
      if (inner !== null && inner.startsWith(itemIndent) && inner.length > itemIndent.length) unit = inner.slice(itemIndent.length);
    }
    const at = end(last);
    return mergeableEdit(t.list.path, { start: at, end: at }, `json-append:${at}`, parts, (values: Record<string, unknown>[]) =>
      values.map((v) => sep + (multiLine ? formatJsonBlock(v, unit, itemIndent, nl) : formatJsonInline(v))).join(''));
  }
  // `null`, `[]` or `[ ]`: the array is written anew
  const span = { start: t.rules.offset, end: end(t.rules) };
  const lineIndent = lineIndentAt(text, t.rules.offset);
  return mergeableEdit(t.list.path, span, `json-replace:${span.start}`, parts, (values: Record<string, unknown>[]) => {
    if (fileUnit === null) return `[${values.map(formatJsonInline).join(', ')}]`;
    const inner = lineIndent + fileUnit;
    return `[${nl}${values.map((v) => inner + formatJsonBlock(v, fileUnit, inner, nl)).join(`,${nl}`)}${nl}${lineIndent}]`;
  });
}

/** Keys of the OCI SDK (camelCase), which `--ingress-security-rules` documents. */
function toCamel(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toCamel);
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties: a user's `__proto__` key stays a key (an assignment would set the prototype)
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()), toCamel(v)]));
  }
  return value;
}

function hasNullMember(node: JsonNode): boolean {
  return node.type === 'object' && (node.children ?? []).some((p) => p.children?.[1]?.type === 'null');
}

function jsonFixes(ctx: FixContext, finding: Finding, target: TargetRef, rules: NewRule[], pp: string, fromText: string, opts: { preferred: boolean; copy: boolean }): PlannedFix[] {
  const t = jsonTarget(ctx, target.path, target.key);
  if (!t) return [];
  const style = t.list.json!.keyStyle;
  const existing = arrayItems(t.rules);
  const full = existing.length === 0 || existing.some(hasNullMember);
  const values = rules.map((r) => jsonRule(r, style, full));
  const out: PlannedFix[] = [{
    title: `Add an ingress rule for ${pp} from ${fromText} to security list "${t.list.name}" (${t.list.path})`,
    finding,
    isPreferred: opts.preferred || undefined,
    plans: [jsonAppendEdit(t, values.map((value, i) => ({ id: ruleId(rules[i]), value })))],
  }];
  if (opts.copy && t.list.id) {
    const current = jsonValue(t.rules);
    const all = [...(Array.isArray(current) ? current : []), ...values].map(toCamel);
    out.push({
      title: `Copy an "oci network security-list update" command for "${t.list.name}" — it replaces the whole ingress list, so it holds the ${Array.isArray(current) ? current.length : 0} existing rule(s) plus the new one (shown, not run)`,
      finding,
      plans: [],
      copyText: commandLine(['oci', 'network', 'security-list', 'update', '--security-list-id', shellQuote(t.list.id), '--ingress-security-rules', shellQuote(JSON.stringify(all)), '--force']),
    });
  }
  return out;
}

/** A list from a Terraform plan or state (generated: not edited): only the copyable update command, when exact. */
function planListCopy(finding: Finding, list: OciSecurityList, rules: NewRule[]): PlannedFix[] {
  const existing = sdkIngressRules(list);
  if (!existing) return [];
  const all = [...existing, ...rules.map((r) => jsonRule(r, 'camel', false))];
  return [{
    title: `Copy an "oci network security-list update" command for "${list.name}" (from ${list.path}, which is generated and not edited) — it replaces the whole ingress list, so it holds the ${existing.length} existing rule(s) plus the new one (shown, not run)`,
    finding,
    plans: [],
    copyText: commandLine(['oci', 'network', 'security-list', 'update', '--security-list-id', shellQuote(list.id!), '--ingress-security-rules', shellQuote(JSON.stringify(all)), '--force']),
  }];
}

// ------------------------------------------------------------------------------------------- Terraform

/** Attribute lines with `=` aligned as `terraform fmt` aligns a run of attributes. */
function attributes(pairs: [string, string][], indent: string): string[] {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${indent}${k.padEnd(width)} = ${v}`);
}

function optionsBlock(r: NewRule, nested: boolean, indent: string, unit: string): string[] {
  if (r.protocol === 'SCTP') return []; // OCI has no port options for SCTP: the rule covers every port
  const name = r.protocol === 'TCP' ? 'tcp_options' : 'udp_options';
  const minMax = (ind: string) => attributes([['min', String(r.range.min)], ['max', String(r.range.max)]], ind);
  if (!nested) return [`${indent}${name} {`, ...minMax(indent + unit), `${indent}}`];
  return [`${indent}${name} {`, `${indent + unit}destination_port_range {`, ...minMax(indent + unit + unit), `${indent + unit}}`, `${indent}}`];
}

/** The `ingress_security_rules` block (lines, at `indent`, the resource body's indentation). */
export function securityListBlock(r: NewRule, indent: string, unit: string): string[] {
  const inner = indent + unit;
  return [
    `${indent}ingress_security_rules {`,
    ...attributes([
      ['description', hclString(r.description)],
      ['protocol', hclString(PROTOCOL_NUMBER[r.protocol])],
      ['source', hclString(r.source)],
      ['source_type', hclString('CIDR_BLOCK')],
      ['stateless', 'false'],
    ], inner),
    ...optionsBlock(r, false, inner, unit),
    `${indent}}`,
  ];
}

/** A whole `oci_core_network_security_group_security_rule` resource (lines, at `outer`). */
export function nsgRuleResource(name: string, nsgExpr: string, r: NewRule, outer: string, unit: string): string[] {
  const inner = outer + unit;
  const options = optionsBlock(r, true, inner, unit);
  return [
    `${outer}resource "${NSG_RULE}" "${name}" {`,
    ...attributes([
      ['network_security_group_id', nsgExpr],
      ['direction', hclString('INGRESS')],
      ['protocol', hclString(PROTOCOL_NUMBER[r.protocol])],
      ['source', hclString(r.source)],
      ['source_type', hclString('CIDR_BLOCK')],
      ['stateless', 'false'],
      ['description', hclString(r.description)],
    ], inner),
    ...(options.length ? ['', ...options] : []),
    `${outer}}`,
  ];
}

function unitOf(indent: string, outer: string): string {
  return indent.startsWith(outer) && indent.length > outer.length ? indent.slice(outer.length) : indent.includes('\t') ? '\t' : '  ';
}

function terraformListFixes(ctx: FixContext, finding: Finding, h: ReachHint, target: TargetRef, rules: NewRule[], pp: string, fromText: string, opts: { preferred: boolean }): PlannedFix[] {
  const text = ctx.ws.getText(target.path);
  if (text === undefined) return [];
  const list = terraformFile(ctx.ws, target.path)?.securityLists.find((l) => listKey(l) === target.key);
  const info = list?.terraform;
  if (!list || !info) return [];
  const name = list.terraform!.address + (list.displayName ? ` ("${list.displayName}")` : '');
  const entries = entryFix(ctx, {
    finding, rules, preferred: opts.preferred,
    sites: (list.generated ?? []).map((g) => ({ resourcePath: target.path, element: g.element, rule: g.rule })),
    name: ruleName(ctx, finding, h),
    targetRules: (tf) => tf.securityLists.filter((l) => listKey(l) === target.key).flatMap((l) => l.generated ?? []),
    title: (where) => `Add an entry for ${pp} from ${fromText} to ${where}, which the dynamic "ingress_security_rules" of ${name} iterates`,
  });
  if (entries && 'fix' in entries) return [entries.fix];
  const nl = info.newline;
  const outer = indentBefore(text, info.blockSpan.start) ?? '';
  const unit = unitOf(info.indent, outer);
  const lineIndent = indentBefore(text, info.bodyEnd);
  const at = lineIndent !== null ? info.bodyEnd - lineIndent.length : info.bodyEnd;
  let blankBefore = false;
  if (lineIndent !== null) {
    const prevEnd = at > 0 && text[at - 1] === '\n' ? (at > 1 && text[at - 2] === '\r' ? at - 2 : at - 1) : at;
    let prevStart = prevEnd;
    while (prevStart > 0 && text[prevStart - 1] !== '\n') prevStart--;
    const prev = text.slice(prevStart, prevEnd).trim();
    blankBefore = prev !== '' && !prev.endsWith('{');
  }
  const plan = mergeableEdit(target.path, { start: at, end: at }, `tf-list:${at}`, rules.map((r) => ({ id: ruleId(r), value: r })), (values: NewRule[]) => {
    const blocks = values.map((r) => securityListBlock(r, info.indent, unit).join(nl) + nl).join(nl);
    return lineIndent !== null ? (blankBefore ? nl : '') + blocks : nl + blocks + outer;
  });
  return [{
    title: `Add an ingress_security_rules block for ${pp} from ${fromText} to ${name} (${target.path})${fallbackNote(entries)}`,
    finding,
    isPreferred: opts.preferred || undefined,
    plans: [plan],
  }];
}

/** Terraform resource names of one type in a folder (a module): new names must not collide with them. */
function resourceNames(ctx: FixContext, dir: string, type: string): string[] {
  const names: string[] = [];
  for (const p of ctx.ws.paths()) {
    if (extName(p) !== '.tf' || dirName(p) !== dir) continue;
    for (const address of terraformFile(ctx.ws, p)?.resources ?? []) if (address.startsWith(`${type}.`)) names.push(address.slice(type.length + 1));
  }
  return names;
}

/**
 * A Terraform name made of `s`: letters, digits and `_`, at most MAX_IDENTIFIER characters — its beginning and its
 * end (the port) when it is longer. A Service's name and port name make a few dozen; a hostile 300,000-character
 * name would make a file that the HCL parser reads for seconds, every time it is checked.
 */
function identifier(s: string): string {
  const words = s.replace(/[^A-Za-z0-9_]+/g, '_');
  // underscores trimmed by index: /^_+|_+$/ backtracks quadratically over a long run of them inside the name
  let start = 0;
  let end = words.length;
  while (start < end && words.charCodeAt(start) === UNDERSCORE) start++;
  while (end > start && words.charCodeAt(end - 1) === UNDERSCORE) end--;
  const half = MAX_IDENTIFIER / 2;
  const t = (end - start <= MAX_IDENTIFIER ? words.slice(start, end) : words.slice(start, start + half) + words.slice(end - half, end)).toLowerCase();
  const id = t === '' ? 'rule' : t;
  return /^[a-z_]/.test(id) ? id : `_${id}`;
}

/** Why the rule is a new block or resource when its neighbours are made from entries (empty: they are not). */
function fallbackNote(plan: EntryPlan): string {
  return plan && 'fallback' in plan ? ` — a new one beside the rules made from locals entries, since ${plan.fallback}` : '';
}

/** A Terraform name for the rule of a Service's port: `grafana_http_31300`. */
function ruleName(ctx: FixContext, finding: Finding, h: ReachHint): string {
  const svc = ctx.serviceOf(finding);
  const p = h.servicePortIndex !== null ? svc?.ports.find((x) => x.index === h.servicePortIndex) : undefined;
  return identifier(`${h.service}_${p?.name ?? (h.portKind === 'health' ? 'health' : 'port')}_${h.port ?? 'nodeports'}`);
}

/**
 * How a resource of the module that holds `beside` (an instance address) names the NSG `address`
 * (`module.network.oci_core_network_security_group.workers[0]` → `oci_core_network_security_group.workers[0]`);
 * undefined when the NSG is in another module.
 */
function writtenReference(address: string, beside: string): string | undefined {
  const m = /^((?:module\.[A-Za-z0-9_-]+(?:\[[^\]]*\])?\.)*)(oci_core_network_security_group\.[A-Za-z0-9_-]+(?:\[\d+\])?)$/.exec(address);
  if (!m) return undefined;
  return beside.startsWith(m[1]) && !beside.slice(m[1].length).startsWith('module.') ? m[2] : undefined;
}

/** An expression naming `each` or `count`: it means something only inside the resource that iterates. */
function iterating(expr: string): boolean {
  return /\b(each|count)\./.test(expr);
}

function nsgFixes(ctx: FixContext, finding: Finding, h: ReachHint, target: TargetRef, rules: NewRule[], pp: string, fromText: string, opts: { preferred: boolean }): PlannedFix[] {
  const found: { path: string; text: string; res: OciNsgRuleResource }[] = [];
  const sites: Site[] = [];
  for (const p of ctx.ws.paths()) {
    if (extName(p) !== '.tf') continue;
    const text = ctx.ws.getText(p) ?? '';
    for (const res of terraformFile(ctx.ws, p)?.nsgRules ?? []) {
      if ((res.nsgAddress ?? res.nsgExpr) !== target.key || res.nsgExpr === '') continue;
      found.push({ path: p, text, res });
      if (res.element) sites.push({ resourcePath: p, element: res.element, rule: res.rule });
    }
  }
  if (found.length === 0) return [];
  const iterators = [...new Set(found.filter((f) => f.res.element).map((f) => writtenAddress(f.res.terraform.address)))];
  const entries = entryFix(ctx, {
    finding, rules, preferred: opts.preferred, sites,
    name: ruleName(ctx, finding, h),
    targetRules: (tf) => tf.nsgRules.filter((r) => (r.nsgAddress ?? r.nsgExpr) === target.key).map((r) => ({ rule: r.rule, element: r.element })),
    title: (where) => `Add an entry for ${pp} from ${fromText} to ${where}, which ${listText(iterators)} iterates for NSG ${target.key}`,
  });
  if (entries && 'fix' in entries) return [entries.fix];
  // a new resource names the NSG as its neighbours do, unless they name it through `each` (then by its address)
  const plainNamed = found.filter((f) => !iterating(f.res.nsgExpr));
  const candidates = plainNamed.length ? plainNamed : found;
  const nsgRef = plainNamed.length ? undefined : writtenReference(target.key, candidates[candidates.length - 1].res.terraform.address);
  if (plainNamed.length === 0 && !nsgRef) return [];
  const inTarget = candidates.filter((f) => f.path === target.path);
  const pool = inTarget.length ? inTarget : candidates.filter((f) => f.path === candidates[candidates.length - 1].path);
  const last = pool.reduce((a, b) => (b.res.terraform.blockSpan.end > a.res.terraform.blockSpan.end ? b : a));
  const { text, path } = last;
  const info = last.res.terraform;
  const nl = info.newline;
  const outer = indentBefore(text, info.blockSpan.start) ?? '';
  const unit = unitOf(info.indent, outer);
  let at = text.indexOf('\n', info.blockSpan.end);
  if (at < 0) at = text.length;
  else if (at > info.blockSpan.end && text[at - 1] === '\r') at--;
  // only whitespace or a comment may sit between the closing brace and the end of its line
  const rest = text.slice(info.blockSpan.end, at).trim();
  if (rest !== '' && !rest.startsWith('#') && !rest.startsWith('//')) at = info.blockSpan.end;

  const scope = `tf-resource:${dirName(path)}:${NSG_RULE}`;
  ctx.seedNames(scope, () => resourceNames(ctx, dirName(path), NSG_RULE));
  const base = ruleName(ctx, finding, h);
  // the names are taken in order: each search goes on from the suffix the last one took (starting over at _2 for
  // every rule was quadratic in the rules of one fix — one per source range)
  let suffix = 1;
  const named = rules.map((r) => {
    let name = suffix === 1 ? base : `${base}_${suffix}`;
    while (ctx.nameTaken(scope, name)) name = `${base}_${++suffix}`;
    ctx.takeName(scope, name);
    return { name, rule: r };
  });
  const nsgExpr = nsgRef ? `${nsgRef}.id` : last.res.nsgExpr;
  const plan = mergeableEdit(path, { start: at, end: at }, `tf-nsg:${at}`, named.map((n) => ({ id: `${target.key}|${ruleId(n.rule)}`, value: n })), (values: { name: string; rule: NewRule }[]) =>
    values.map((v) => nl + nl + nsgRuleResource(v.name, nsgExpr, v.rule, outer, unit).join(nl)).join(''));
  return [{
    title: `Add ${NSG_RULE} ${listText(named.map((n) => n.name))} for ${pp} from ${fromText} to NSG ${target.key} (${path})${fallbackNote(entries)}`,
    finding,
    isPreferred: opts.preferred || undefined,
    plans: [plan],
  }];
}

