/**
 * The OCI fix where Terraform's rules are data: the rules a `for_each` or `dynamic` block makes from the entries of
 * a map or list in `locals` get one more entry there — after the collection's last entry, at its indentation, in
 * the style of the entry most like the new rule (`tf-entries.ts`) — instead of a resource or block beside them.
 * The edited file must parse as well as before, and the module evaluated again must make from each new entry
 * exactly the rule required (protocol, ports, source); otherwise the next most similar entry is tried, and when
 * none works the caller falls back to a new resource or block and says why in its title.
 */
import type { Finding } from '../findings/finding';
import { evaluateAround } from '../sources/modules/terraform';
import type { Rule, TerraformElement, TerraformFile } from '../sources/model';
import { cidrSource, detectNewline, indentBefore } from '../sources/source-common';
import { parseCached, terraformFileOf, writtenAddress } from '../sources/terraform';
import { dirName, extName } from '../util/paths';
import type { FixContext } from './context';
import { mergeableEdit } from './edits';
import { hclString } from './hcl-text';
import type { PlannedFix } from './plan';
import { folderSymbols } from './readings';
import { entriesOf, entryValueText, likeness, literalKey, Meanings, type Entry, type NewEntryRule, type Site } from './tf-entries';

const PRECONDITION = 'a precondition';

/** How many of the most similar entries are tried as the model of the new one. */
const MODELS_TRIED = 4;

export interface EntryRequest {
  finding: Finding;
  rules: NewEntryRule[];
  /** the rules made from elements, whose entries may be imitated */
  sites: Site[];
  /** a key for the new entry when the collection's keys are names (`grafana_http_31300`) */
  name: string;
  /** the rules of the target (a list or an NSG) in a file as evaluated again */
  targetRules: (file: TerraformFile) => { rule: Rule; element?: TerraformElement }[];
  /** the title: where the entry goes (`local.x (path)`) → the whole title */
  title: (where: string) => string;
  preferred: boolean;
}

/** A fix that adds entries, or why none could be written (undefined: the rules are not made from entries). */
export type EntryPlan = { fix: PlannedFix } | { fallback: string } | undefined;

function isTerraformPath(p: string): boolean {
  const l = p.toLowerCase();
  return extName(l) === '.tf' || l.endsWith('.tfvars') || l.endsWith('.tfvars.json');
}

export function entryFix(ctx: FixContext, req: EntryRequest): EntryPlan {
  if (req.sites.length === 0 || req.rules.length === 0) return undefined;
  const ws = ctx.ws;
  const tfFiles = (dir: string) => ws.paths().filter((p) => extName(p) === '.tf' && dirName(p) === dir).sort();
  const entries = entriesOf(req.sites, (p) => ws.getText(p), tfFiles);
  if (entries.length === 0) return undefined;
  const first = req.rules[0];
  const ranked = entries
    .map((e) => ({ e, score: likeness(e, first) }))
    .filter((x): x is { e: Entry; score: number } => x.score !== null)
    .sort((a, b) => b.score - a.score);
  const where = (e: Entry) => `local.${e.collection.local} (${e.collection.path})`;
  if (ranked.length === 0) return { fallback: `no entry of ${where(entries[0])} can say ${first.range.min === first.range.max ? 'one port' : 'a port range'}` };
  let why: string | undefined;
  for (const { e: model } of ranked.slice(0, MODELS_TRIED)) {
    const fix = tryModel(ctx, req, model, entries);
    if (typeof fix !== 'string') return { fix };
    why ??= fix;
    // a precondition judges the rule, not how its entry is written: another model would fail it too
    if (fix.includes(PRECONDITION)) break;
  }
  return { fallback: `in ${where(ranked[0].e)}, ${why}` };
}

/** The new entries modelled on `model`, if the module evaluated with them makes exactly the rules required; else why not. */
function tryModel(ctx: FixContext, req: EntryRequest, model: Entry, entries: readonly Entry[]): PlannedFix | string {
  const c = model.collection;
  const text = ctx.ws.getText(c.path);
  if (text === undefined) return 'the file is not in the workspace';
  const nl = detectNewline(text);
  const literals = folderSymbols(ctx.ws, dirName(c.path)).locals;
  const meanings = new Meanings(entries, literals);
  const others = [...new Set(entries.map((e) => e.collection))].filter((x) => x !== c);
  const node = c.node;
  const lastStart = node.t === 'object' ? node.items[node.items.length - 1].span.start : node.items[node.items.length - 1].span.start;
  const lastEnd = node.t === 'object' ? node.items[node.items.length - 1].value.span.end : node.items[node.items.length - 1].span.end;
  const indent = indentBefore(text, lastStart);
  const multiLine = indent !== null && text.slice(node.span.start, lastStart).includes('\n');

  // keys: the collection's key style, unique in it
  const keys: string[] = [];
  let scope: string | undefined;
  let keyPrefix = (_k: string) => '';
  if (node.t === 'object') {
    const existing = node.items.map((i) => literalKey(i.key)).filter((k): k is string => k !== undefined);
    scope = `tf-entry:${c.path}:${node.span.start}`;
    ctx.seedNames(scope, () => existing);
    const sentences = existing.some((k) => /\s/.test(k));
    const kebab = !sentences && existing.length > 0 && existing.every((k) => !k.includes('_')) && existing.some((k) => k.includes('-'));
    const modelItem = node.items[model.index];
    const bare = modelItem.key.t === 'literal';
    const sep = text.slice(modelItem.key.span.end, modelItem.value.span.start);
    for (const r of req.rules) {
      const base = sentences ? (req.rules.length > 1 ? `${r.description} (${r.source})` : r.description) : kebab ? req.name.replace(/_/g, '-') : req.name;
      let key = base;
      // (taken only once the entries are checked: a model that will not do leaves the names free)
      for (let n = 2; ctx.nameTaken(scope, key) || keys.includes(key); n++) key = sentences ? `${base} (${n})` : `${base}${kebab ? '-' : '_'}${n}`;
      keys.push(key);
    }
    keyPrefix = (k: string) => (bare && /^[A-Za-z_][A-Za-z0-9_-]*$/.test(k) ? k : hclString(k)) + sep;
  }
  const itemIndent = multiLine ? indent! : '';
  const items = req.rules.map((r, i) => (node.t === 'object' ? keyPrefix(keys[i]) : '') + entryValueText(text, model, r, meanings, itemIndent, hclString, others));

  // where: after the last entry (and its comma and comment, on its line)
  let j = lastEnd;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  const trailing = text[j] === ',';
  const between = node.items.length >= 2 ? text.slice(node.t === 'object' ? node.items[node.items.length - 2].value.span.end : node.items[node.items.length - 2].span.end, lastStart) : '';
  const commas = trailing || between.includes(',');
  let at: number;
  let render: (values: string[]) => string;
  if (multiLine && trailing) {
    let lineEnd = text.indexOf('\n', j);
    if (lineEnd < 0) lineEnd = text.length;
    else if (text[lineEnd - 1] === '\r') lineEnd--;
    const rest = text.slice(j + 1, lineEnd).trim();
    at = rest === '' || rest.startsWith('#') || rest.startsWith('//') ? lineEnd : j + 1;
    render = (values) => values.map((v) => `${nl}${itemIndent}${v},`).join('');
  } else if (multiLine) {
    at = lastEnd;
    render = (values) => values.map((v) => `${commas ? ',' : ''}${nl}${itemIndent}${v}`).join('');
  } else if (trailing) {
    at = j + 1;
    render = (values) => values.map((v) => ` ${v},`).join('');
  } else {
    at = lastEnd;
    render = (values) => values.map((v) => `, ${v}`).join('');
  }
  const inserted = render(items);
  const why = verify(ctx, req, c.path, text, at, inserted, keys);
  if (why !== undefined) return why;
  if (scope !== undefined) for (const k of keys) ctx.takeName(scope, k);
  const plan = mergeableEdit(c.path, { start: at, end: at }, `tf-entry:${at}`, items.map((v, i) => ({ id: `${c.path}:${node.span.start}|${keys[i] ?? ''}|${v}`, value: v })), render);
  return {
    title: req.title(`local.${c.local} (${c.path})`),
    finding: req.finding,
    isPreferred: req.preferred || undefined,
    plans: [plan],
  };
}

/** Does the edited text parse as well as before, and does evaluating it again make exactly the required rules? */
/** Why the edited text will not do (undefined: it will). */
function verify(ctx: FixContext, req: EntryRequest, path: string, text: string, at: number, inserted: string, keys: readonly string[]): string | undefined {
  const wrong = 'an entry written as its neighbours are would not make exactly this rule';
  const after = text.slice(0, at) + inserted + text.slice(at);
  if (parseCached(after).problems.length > parseCached(text).problems.length) return 'the edited file would not parse';
  const textOf = (p: string) => (p === path ? after : ctx.ws.getText(p) ?? '');
  const files = ctx.ws.paths().filter(isTerraformPath).map((p) => ({ path: p, text: textOf(p) }));
  const varFiles = (ctx.analysis.config.terraformVarFiles ?? []).map((r) => r.path);
  const resources = evaluateAround(files, varFiles, dirName(path));
  const isNew = (el: TerraformElement | undefined) =>
    !!el && ((el.from !== undefined && el.from.path === path && el.from.span.start >= at && el.from.span.end <= at + inserted.length)
      || (typeof el.key === 'string' && keys.includes(el.key)));
  // a new instance whose precondition fails would stop `terraform plan`
  for (const res of resources) {
    for (const inst of res.instances) {
      const key = inst.key?.k === 'string' ? inst.key.v : undefined;
      const mine = (inst.value?.from && inst.value.from.path === path && inst.value.from.span.start >= at && inst.value.from.span.end <= at + inserted.length) || (key !== undefined && keys.includes(key));
      if (!mine || !inst.preconditions) continue;
      const failed = inst.preconditions().find((p) => p.holds === false);
      if (failed) return `the new entry would fail ${PRECONDITION} of ${writtenAddress(res.address)} ("${failed.message}")`;
    }
  }
  const made: Rule[] = [];
  for (const rp of new Set(req.sites.map((s) => s.resourcePath))) {
    const t = textOf(rp);
    const tf = terraformFileOf(rp, t, parseCached(t), resources).value;
    if (!tf) return wrong;
    for (const x of req.targetRules(tf)) if (isNew(x.element)) made.push(x.rule);
  }
  if (made.length !== req.rules.length) return wrong;
  return req.rules.every((r) => made.some((m) => exactly(m, r))) ? undefined : wrong;
}

function exactly(m: Rule, r: NewEntryRule): boolean {
  if (m.unevaluated) return false;
  if (m.protocol.kind !== 'one' || m.protocol.protocol !== r.protocol) return false;
  if (r.protocol !== 'SCTP' && (m.ports.kind !== 'ranges' || m.ports.ranges.length !== 1 || m.ports.ranges[0].min !== r.range.min || m.ports.ranges[0].max !== r.range.max)) return false;
  const want = cidrSource(r.source);
  if (m.source.kind === 'any') return want.kind === 'cidr' && (want.cidr === '0.0.0.0/0');
  return m.source.kind === 'cidr' && want.kind === 'cidr' && m.source.cidr === want.cidr && !m.source.invert;
}
