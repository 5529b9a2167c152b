/**
 * Completion inside Service documents: `type` values with the chain each implies; every field at its
 * level (from the generated schema, with its documentation); enum values; free `nodePort` numbers; selector
 * keys and values from the workspace's pod templates; targetPort names from the matched containers; OCI
 * annotation keys and values; snippets for a new Service of each type in an empty document. Pure: items in
 * offsets, insert texts in LSP snippet syntax when `snippet` is set. Workspace strings in documentation (labels,
 * workload and Service names) go through `mdText`/`mdCode` (markdown.ts): text, never markup.
 */
import type { Analysis, ServiceAnalysis, Workspace } from '../workspace';
import { fieldsOf, describeField, resolvePath, typeName, type FieldSchema } from '../k8s/schema';
import { OCI_ANNOTATIONS, ociAnnotation, type OciAnnotation } from '../oci/annotations';
import { SERVICE_TYPES, type ServiceType } from '../k8s/service';
import type { Workload } from '../k8s/manifests';
import type { Span } from '../text/span';
import { cursorContext, type CursorContext, type KeyContext, type PathStep, type ValueContext } from './context';
import { ENUM_VALUES, FIELD_ORDER, SERVICE_TYPE_CHAINS, SERVICE_TYPE_DOCS } from './docs';
import { podTarget } from './chain';
import { serviceAt } from './service-at';
import { mdCode, mdText } from './markdown';

export type CompletionKind = 'field' | 'key' | 'enum' | 'value' | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** markdown */
  documentation?: string;
  /** plain text, or LSP snippet syntax when `snippet` is true */
  insertText: string;
  snippet: boolean;
  /** the text the insertion replaces */
  replace: Span;
  sortText: string;
  filterText?: string;
  preselect?: boolean;
  deprecated?: boolean;
  /**
   * shown beside the label (LSP `labelDetails.description`): for the `type` values, the chain each implies, so
   * that beside a schema's bare enum values (yaml-language-server's) ours are a visibly different, richer row
   */
  labelDescription?: string;
}

export interface CompletionOptions {
  /** the request was triggered by typing a space: offer values (and fields of a new `- ` item), not keys */
  afterSpace?: boolean;
}

export function completionsAt(ws: Workspace, path: string, offset: number, options: CompletionOptions = {}): CompletionItem[] {
  const text = ws.getText(path);
  // the documents at the cursor only: what the workspace knows (`facts`) is asked for only by the items that need it
  const documents = ws.documentsAround(path, offset);
  if (text === undefined || !documents) return [];
  const ctx = cursorContext(text, offset, documents);
  if (!ctx) return [];
  if (ctx.kind === 'key' && ctx.documentEmpty && !ctx.object) {
    return options.afterSpace ? [] : newServiceSnippets(ws.analyze(), ctx);
  }
  const started = startingItems(ctx);
  if (started) return started;
  const o = ctx.object;
  if (!o || o.kind !== 'Service' || (o.apiVersion !== undefined && o.apiVersion !== 'v1')) return [];
  const f = facts(ws, path, offset);
  if (ctx.kind === 'key') {
    const resolved = resolvePath('Service', ctx.path);
    if (!resolved) return [];
    if (resolved.type.kind === 'object') {
      if (options.afterSpace && !ctx.dashItem) return [];
      return fieldItems(resolved.type.ref, ctx);
    }
    if (resolved.type.kind === 'map') return options.afterSpace ? [] : mapKeyItems(ctx, f);
    // `- |` in a list of scalars: a value
    if (ctx.dashItem && typeof ctx.path[ctx.path.length - 1] === 'number') {
      return valueItems({ kind: 'value', path: ctx.path, object: ctx.object, replace: ctx.replace, typed: ctx.typed, indentUnit: ctx.indentUnit, needsSpace: false, quoted: false }, f);
    }
    return [];
  }
  return valueItems(ctx, f);
}

/** The root keys of a Kubernetes object: a document with any other root key is not one, and gets no help. */
const OBJECT_ROOT_KEYS = new Set(['apiVersion', 'kind', 'metadata', 'spec']);

/**
 * A Service being started, before `kind: Service` is there: at the root of a document whose root keys are all an
 * object's (`apiVersion`, `kind`, `metadata`, `spec`), the missing `apiVersion` and `kind`; `v1` as the
 * `apiVersion`, `Service` as the `kind` (unless the document names another API version). Undefined when the
 * document is something else (then nothing here is offered, and a YAML file that is not Kubernetes gets nothing).
 */
function startingItems(ctx: CursorContext): CompletionItem[] | undefined {
  const o = ctx.object;
  if (o?.kind === 'Service') return undefined;
  // (for a key, its siblings: the word being typed is not a key yet)
  const rootKeys = ctx.kind === 'key' ? (ctx.path.length === 0 ? ctx.siblings : []) : o ? o.root.pairs.map((p) => p.name).filter((k): k is string => typeof k === 'string') : [];
  if (!rootKeys.every((k) => OBJECT_ROOT_KEYS.has(k))) return undefined;
  const item = (label: string, insertText: string, kind: CompletionKind, detail: string, i: number): CompletionItem => ({
    label, kind, detail, insertText, snippet: false, replace: ctx.replace, sortText: `0${i}`,
  });
  if (ctx.kind === 'key' && ctx.path.length === 0 && !ctx.documentEmpty && !ctx.dashItem) {
    const have = new Set(ctx.siblings);
    const out: CompletionItem[] = [];
    if (!have.has('apiVersion')) out.push(item('apiVersion', ctx.hasColon ? 'apiVersion' : 'apiVersion: v1', 'field', 'the API version of a Service: v1', 0));
    if (!have.has('kind')) out.push(item('kind', ctx.hasColon ? 'kind' : 'kind: Service', 'field', 'kind: Service', 1));
    return out;
  }
  if (ctx.kind === 'value' && ctx.path.length === 1 && !ctx.quoted) {
    const space = ctx.needsSpace ? ' ' : '';
    if (ctx.path[0] === 'kind' && (o?.apiVersion === undefined || o.apiVersion === 'v1')) return [item('Service', space + 'Service', 'enum', 'v1 Service: a stable address for a set of pods', 0)];
    if (ctx.path[0] === 'apiVersion' && (o?.kind === undefined || o.kind === '')) return [item('v1', space + 'v1', 'enum', 'the core API group (Service, Pod, ConfigMap, …)', 0)];
  }
  return undefined;
}

/** What the workspace knows, computed only when an item needs it (field names and enum values do not). */
interface Facts {
  readonly analysis: Analysis;
  readonly sa: ServiceAnalysis | undefined;
}

function facts(ws: Workspace, path: string, offset: number): Facts {
  let analysis: Analysis | undefined;
  let sa: { v: ServiceAnalysis | undefined } | undefined;
  return {
    get analysis() { return (analysis ??= ws.analyze()); },
    get sa() { return (sa ??= { v: serviceAt(this.analysis, path, offset) }).v; },
  };
}

// ------------------------------------------------------------------------------------------------ fields

function isReadOnly(f: FieldSchema): boolean {
  return /read-only/i.test(f.description) || f.name === 'managedFields';
}

function snippetEscape(s: string): string {
  return s.replace(/[\\$}]/g, (c) => `\\${c}`);
}

function choice(values: readonly string[]): string {
  return `\${1|${values.map((v) => v.replace(/[\\|,$}]/g, (c) => `\\${c}`)).join(',')}|}`;
}

function fieldItems(ref: string, ctx: KeyContext): CompletionItem[] {
  const order = FIELD_ORDER.get(ref) ?? [];
  const out: CompletionItem[] = [];
  const unit = ' '.repeat(ctx.indentUnit);
  for (const f of fieldsOf(ref).values()) {
    if (ctx.siblings.includes(f.name)) continue;
    if (isReadOnly(f) || (ref === 'core.v1.Service' && f.name === 'status')) continue;
    let insertText: string;
    let snippet = true;
    if (ctx.hasColon) { insertText = f.name; snippet = false; }
    else {
      const enumValues = f.name === 'type' && ref === 'core.v1.ServiceSpec' ? [...SERVICE_TYPES] : ENUM_VALUES.get(f.name)?.map((v) => v.value);
      switch (f.type.kind) {
        case 'object': case 'map': insertText = `${f.name}:\n${unit}$0`; break;
        case 'array': insertText = `${f.name}:\n${unit}- $0`; break;
        case 'boolean': insertText = `${f.name}: ${choice(['true', 'false'])}`; break;
        default:
          insertText = enumValues && f.type.kind === 'string' ? `${f.name}: ${choice(enumValues)}` : `${f.name}: $0`;
      }
    }
    const rank = order.indexOf(f.name);
    const deprecated = /^Deprecated|Deprecated:/.test(f.description);
    out.push({
      label: f.name, kind: 'field', detail: `${typeName(f.type)}${f.required ? ' (required)' : ''}`,
      documentation: describeField('Service', [...ctx.path, f.name]) ?? undefined,
      insertText, snippet, replace: ctx.replace,
      sortText: `${deprecated ? '2' : rank >= 0 ? '0' : '1'}${String(rank >= 0 ? rank : 0).padStart(3, '0')}${f.name}`,
      ...(deprecated ? { deprecated: true } : {}),
    });
  }
  return out;
}

// ------------------------------------------------------------------------------------- keys of map fields

function workloadsInNamespace(f: Facts): Workload[] {
  const ns = f.sa?.service.namespace;
  const analysis = f.analysis;
  const same = analysis.workloads.filter((w) => ns === undefined || w.namespace === undefined || w.namespace === ns);
  return same.length ? same : analysis.workloads;
}

function labelValues(workloads: Workload[]): Map<string, Map<string, string[]>> {
  // key → value → the workloads that carry it
  const out = new Map<string, Map<string, string[]>>();
  for (const w of workloads) {
    for (const [k, v] of w.labels ?? []) {
      if (v === null) continue;
      const values = out.get(k) ?? new Map<string, string[]>();
      values.set(v, [...(values.get(v) ?? []), `${w.kind} ${w.name ?? '(unnamed)'}`]);
      out.set(k, values);
    }
  }
  return out;
}

function mapKeyItems(ctx: KeyContext, f: Facts): CompletionItem[] {
  const p = ctx.path;
  if (p.length === 2 && p[0] === 'spec' && p[1] === 'selector') {
    const labels = labelValues(workloadsInNamespace(f));
    return [...labels].filter(([k]) => !ctx.siblings.includes(k)).map(([k, values], i): CompletionItem => {
      const vs = [...values.keys()];
      const insertText = ctx.hasColon ? k : vs.length === 1 ? `${k}: ${snippetEscape(quoteIfNeeded(vs[0]))}` : `${k}: ${choice(vs.map(quoteIfNeeded))}`;
      return {
        label: k, kind: 'key', detail: `pod label: ${vs.join(', ')}`,
        documentation: [...values].map(([v, ws]) => `- ${mdCode(`${k}: ${v}`)} — ${mdText(ws.join(', '))}`).join('\n'),
        insertText, snippet: !ctx.hasColon, replace: ctx.replace, sortText: `0${String(i).padStart(3, '0')}`,
      };
    });
  }
  if (p.length === 2 && p[0] === 'metadata' && p[1] === 'annotations') {
    return OCI_ANNOTATIONS.filter((a) => !ctx.siblings.includes(a.key)).map((a, i): CompletionItem => ({
      label: a.key, kind: 'key', detail: a.flavour === 'both' ? 'OCI annotation' : `OCI annotation (${a.flavour === 'nlb' ? 'network load balancer' : 'load balancer'})`,
      documentation: annotationDoc(a),
      insertText: ctx.hasColon ? a.key : `${a.key}: ${annotationValueSnippet(a)}`, snippet: !ctx.hasColon,
      replace: ctx.replace, sortText: `0${String(i).padStart(3, '0')}`,
    }));
  }
  return [];
}

/** Annotation values are strings: `true` and numbers must be quoted or the API server refuses the object. */
function mustQuote(a: OciAnnotation): boolean {
  return a.kind === 'bool' || a.kind === 'int';
}

function annotationValueSnippet(a: OciAnnotation): string {
  if (!a.values?.length) return mustQuote(a) ? '"$0"' : '$0';
  const c = choice(a.values.map((v) => v.value));
  return mustQuote(a) ? `"${c}"` : c;
}

function annotationDoc(a: OciAnnotation): string {
  const lines = [a.doc];
  if (a.values?.length) lines.push('', ...a.values.map((v) => `- \`${v.value}\`: ${v.doc}`));
  return lines.join('\n');
}

/** Plain-scalar safety for inserted label values: quote what YAML would read as something else. */
function quoteIfNeeded(v: string): string {
  if (v === '' || /^(true|false|yes|no|on|off|null|~|[-+]?[0-9.]+(e[-+]?[0-9]+)?)$/i.test(v) || /[:#{}[\],&*!|>'"%@`]/.test(v) || v.trim() !== v) {
    return JSON.stringify(v);
  }
  return v;
}

// ------------------------------------------------------------------------------------------------ values

function item(ctx: ValueContext, label: string, kind: CompletionKind, sortIndex: number, extra: Partial<CompletionItem> = {}): CompletionItem {
  const { insertText, ...rest } = extra;
  return {
    label, kind, snippet: false, replace: ctx.replace, sortText: `0${String(sortIndex).padStart(3, '0')}`, ...rest,
    insertText: (ctx.needsSpace ? ' ' : '') + (insertText ?? label),
  };
}

/** `LoadBalancer` → `→ nodes → ClusterIP → pods`: the chain after the type's own hop, short. */
function typeChainTail(t: keyof typeof SERVICE_TYPE_CHAINS): string {
  const hops = SERVICE_TYPE_CHAINS[t].split(' → ').map((h) => h.split(' ')[0]);
  return hops.length > 1 ? `→ ${hops.slice(1).join(' → ')}` : '';
}

function valueItems(ctx: ValueContext, f: Facts): CompletionItem[] {
  const p = ctx.path;
  const last = p[p.length - 1];
  const at = (...steps: (string | number | null)[]) => steps.length === p.length && steps.every((s, i) => s === null ? typeof p[i] === 'number' : s === p[i]);

  if (at('spec', 'type')) {
    return SERVICE_TYPES.map((t, i) => item(ctx, t, 'enum', i, {
      detail: SERVICE_TYPE_CHAINS[t], documentation: SERVICE_TYPE_DOCS[t], labelDescription: typeChainTail(t),
    }));
  }
  if (at('apiVersion')) return [item(ctx, 'v1', 'value', 0, { detail: 'core/v1: the Service API' })];
  if (at('spec', 'ports', null, 'nodePort')) return nodePortItems(ctx, f.analysis, f.sa, p[2] as number);
  if (at('spec', 'healthCheckNodePort')) return nodePortItems(ctx, f.analysis, f.sa, 'health');
  if (at('spec', 'ports', null, 'targetPort')) return targetPortItems(ctx, f.analysis, f.sa, p[2] as number);
  if (p.length === 3 && p[0] === 'spec' && p[1] === 'selector' && typeof last === 'string') {
    const values = labelValues(workloadsInNamespace(f)).get(last);
    return [...(values ?? [])].map(([v, ws], i) => item(ctx, v, 'value', i, { detail: ws.join(', '), insertText: ctx.quoted ? v : quoteIfNeeded(v) }));
  }
  if (p.length === 3 && p[0] === 'metadata' && p[1] === 'annotations' && typeof last === 'string') {
    const a = ociAnnotation(last);
    if (!a?.values) return [];
    return a.values.map((v, i) => item(ctx, v.value, 'enum', i, {
      documentation: v.doc, insertText: ctx.quoted || !mustQuote(a) ? v.value : `"${v.value}"`,
    }));
  }
  const enumField = typeof last === 'number' ? p[p.length - 2] : last;
  const schemaPath: PathStep[] = p;
  const resolved = resolvePath('Service', schemaPath);
  const enumValues = typeof enumField === 'string' ? ENUM_VALUES.get(enumField) : undefined;
  if (enumValues && resolved && resolved.type.kind === 'string') {
    const fieldDoc = describeField('Service', typeof last === 'number' ? p.slice(0, -1) : p);
    return enumValues.map((v, i) => item(ctx, v.value, 'enum', i, { documentation: v.doc + (fieldDoc ? `\n\n---\n\n${fieldDoc}` : '') }));
  }
  if (resolved && resolved.type.kind === 'boolean') {
    return ['true', 'false'].map((v, i) => item(ctx, v, 'value', i));
  }
  return [];
}

function nodePortItems(ctx: ValueContext, analysis: Analysis, sa: ServiceAnalysis | undefined, own: number | 'health'): CompletionItem[] {
  const range = analysis.config.nodePortRange;
  const used = new Map<number, string>();
  for (const s of analysis.services) {
    const name = s.service.name ?? '(unnamed)';
    const mine = s === sa;
    for (const p of s.service.ports) if (p.nodePort !== null && !(mine && own === p.index)) used.set(p.nodePort, `Service ${name}`);
    if (s.service.healthCheckNodePort !== null && !(mine && own === 'health')) used.set(s.service.healthCheckNodePort, `Service ${name} (health check)`);
  }
  const free: number[] = [];
  let preferred: number | undefined;
  if (own !== 'health' && sa) {
    const port = sa.service.ports.find((p) => p.index === own)?.port;
    if (port !== null && port !== undefined) {
      const guess = range.min + (port % 1000);
      if (guess <= range.max && !used.has(guess)) preferred = guess;
    }
  }
  if (preferred !== undefined) free.push(preferred);
  for (let n = range.min; n <= range.max && free.length < 6; n++) if (!used.has(n) && n !== preferred) free.push(n);
  const usedText = used.size ? `\n\nIn use in this workspace: ${[...used].sort((a, b) => a[0] - b[0]).slice(0, 20).map(([n, w]) => `${n} (${mdText(w)})`).join(', ')}${used.size > 20 ? ', …' : ''}.` : '';
  return free.map((n, i) => item(ctx, String(n), 'value', i, {
    detail: `free node port (range ${range.min}-${range.max})`,
    documentation: `No Service in the workspace uses ${n} as \`nodePort\` or \`healthCheckNodePort\`.${usedText}`,
    preselect: i === 0,
  }));
}

function targetPortItems(ctx: ValueContext, analysis: Analysis, sa: ServiceAnalysis | undefined, index: number): CompletionItem[] {
  if (!sa) return [];
  const svcPort = sa.service.ports.find((p) => p.index === index);
  const protocol = svcPort?.protocol ?? 'TCP';
  const target = podTarget(sa.service, analysis.workloads);
  const seen = new Set<string>();
  const out: CompletionItem[] = [];
  for (const w of target.workloads) {
    for (const cp of w.ports) {
      if (cp.protocol !== protocol) continue;
      const where = `${w.kind} ${w.name ?? '(unnamed)'}${cp.container ? `, container ${cp.container}` : ''}`;
      if (cp.name && !seen.has(cp.name)) {
        seen.add(cp.name);
        out.push(item(ctx, cp.name, 'value', out.length, { detail: `containerPort ${cp.containerPort ?? '?'}/${cp.protocol} · ${where}`, insertText: ctx.quoted ? cp.name : quoteIfNeeded(cp.name) }));
      }
      if (cp.containerPort !== undefined && !seen.has(String(cp.containerPort))) {
        seen.add(String(cp.containerPort));
        out.push(item(ctx, String(cp.containerPort), 'value', 500 + out.length, { detail: `containerPort${cp.name ? ` "${cp.name}"` : ''}/${cp.protocol} · ${where}` }));
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- snippets

function newServiceSnippets(analysis: Analysis, ctx: CursorContext): CompletionItem[] {
  const u = ' '.repeat(ctx.indentUnit);
  const w = analysis.workloads.find((x) => x.labels && x.labels.size > 0);
  const name = snippetEscape(w?.name ?? 'web');
  const label = w?.labels ? [...w.labels].find(([, v]) => v !== null) : undefined;
  const [labelKey, labelValue] = label ? [snippetEscape(label[0]), snippetEscape(quoteIfNeeded(label[1]!))] : ['app', name];
  const cp = w?.ports.find((p) => p.containerPort !== undefined);
  const targetPort = cp?.name ? snippetEscape(cp.name) : String(cp?.containerPort ?? 8080);
  const used = new Set<number>();
  for (const s of analysis.services) {
    for (const p of s.service.ports) if (p.nodePort !== null) used.add(p.nodePort);
    if (s.service.healthCheckNodePort !== null) used.add(s.service.healthCheckNodePort);
  }
  const range = analysis.config.nodePortRange;
  let nodePort = range.min + 80;
  if (nodePort > range.max || used.has(nodePort)) for (nodePort = range.min; nodePort <= range.max && used.has(nodePort); nodePort++);
  const ns = w?.namespace && w.namespace !== 'default' ? `${u}namespace: ${snippetEscape(quoteIfNeeded(w.namespace))}\n` : '';
  const head = (type: ServiceType) => `apiVersion: v1\nkind: Service\nmetadata:\n${u}name: \${1:${name}}\n${ns}spec:\n${u}type: ${type}\n`;
  const selector = `${u}selector:\n${u}${u}\${2:${labelKey}}: \${3:${labelValue}}\n`;
  const port = (withNodePort: boolean) => `${u}ports:\n${u}${u}- name: \${4:http}\n${u}${u}  port: \${5:80}\n${u}${u}  targetPort: \${6:${targetPort}}\n`
    + (withNodePort ? `${u}${u}  nodePort: \${7:${nodePort}}\n` : '');
  const bodies: Record<ServiceType, string> = {
    ClusterIP: head('ClusterIP') + selector + port(false),
    NodePort: head('NodePort') + selector + port(true),
    LoadBalancer: head('LoadBalancer') + selector + port(true),
    ExternalName: `apiVersion: v1\nkind: Service\nmetadata:\n${u}name: \${1:db}\nspec:\n${u}type: ExternalName\n${u}externalName: \${2:db.example.com}\n`,
  };
  return SERVICE_TYPES.map((t, i) => ({
    label: `Service (${t})`, kind: 'snippet', detail: SERVICE_TYPE_CHAINS[t], documentation: SERVICE_TYPE_DOCS[t],
    // matched whatever the user started with: `ap` (apiVersion), `ki` (kind), `se` (Service) or the type
    insertText: bodies[t].replace(/\n$/, '$0'), snippet: true, replace: ctx.replace, sortText: `0${i}`, filterText: `apiVersion kind Service ${t}`,
  }));
}

// ------------------------------------------------------------------------------------------------ helpers

/** A snippet as plain text, for clients that do not take snippets: placeholders become their default text. */
export function snippetToPlain(snippet: string): string {
  let out = '';
  let i = 0;
  const readUntilClose = (): string => {
    // inside `${n:…}` (default text may hold nested placeholders) or `${n|a,b|}`
    let text = '';
    while (i < snippet.length && snippet[i] !== '}') {
      if (snippet[i] === '\\' && i + 1 < snippet.length) { text += snippet[i + 1]; i += 2; continue; }
      if (snippet[i] === '$') { text += placeholder(); continue; }
      text += snippet[i++];
    }
    i++; // }
    return text;
  };
  const placeholder = (): string => {
    // at `$`
    i++;
    if (snippet[i] === '{') {
      i++;
      while (i < snippet.length && /[0-9]/.test(snippet[i])) i++;
      if (snippet[i] === ':') { i++; return readUntilClose(); }
      if (snippet[i] === '|') {
        i++;
        let first = '';
        let done = false;
        while (i < snippet.length && !(snippet[i] === '|' && snippet[i + 1] === '}')) {
          if (snippet[i] === '\\' && i + 1 < snippet.length) { if (!done) first += snippet[i + 1]; i += 2; continue; }
          if (snippet[i] === ',') done = true;
          else if (!done) first += snippet[i];
          i++;
        }
        i += 2;
        return first;
      }
      i++; // `}` of `${1}`
      return '';
    }
    while (i < snippet.length && /[0-9]/.test(snippet[i])) i++;
    return '';
  };
  while (i < snippet.length) {
    const c = snippet[i];
    if (c === '\\' && i + 1 < snippet.length) { out += snippet[i + 1]; i += 2; continue; }
    if (c === '$') { out += placeholder(); continue; }
    out += c;
    i++;
  }
  return out;
}

