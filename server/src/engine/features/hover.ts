/**
 * Hover: on `type`, on a port (`port`, `targetPort`, `nodePort`) and on the health-check fields —
 * the computed chain, one line per hop, and under each hop, per layer, whether each rule source allows it
 * and who manages it; on other Service fields their API documentation; on OCI annotations what each value
 * means. Pure: markdown out, with the span it is about. Every string from the workspace in it (names, labels,
 * port names, paths, rule-source names) goes through `mdText` or `mdCode` (markdown.ts): text, never markup.
 */
import type { Analysis, ServiceAnalysis, Workspace } from '../workspace';
import { serviceNsgs } from '../checks/lb-nsgs';
import { serviceNsgLine, topologyLines } from './topology';
import { describeField } from '../k8s/schema';
import { ociAnnotation, ruleModeOf } from '../oci/annotations';
import type { Span } from '../text/span';
import { fromText } from '../exposure/requirements';
import { countText } from '../findings/finding';
import { nodeAtOffset, type PathStep } from './context';
import { blockedMark, chainOf, BLOCKED_MARK, UNKNOWN_MARK, WARNING_MARK, type ChainHop, type HopStatus, type PortChain, type ServiceChain } from './chain';
import { serviceAt } from './service-at';
import { overlaysHover } from './overlay-hover';
import { actionHover, chartAnalysis, renderedPlace, spanBack } from './chart-features';
import { SERVICE_TYPE_DOCS } from './docs';
import { mdCode, mdText } from './markdown';
import { listText } from '../findings/finding';

export interface HoverResult {
  /** markdown */
  contents: string;
  span: Span;
}

const PORT_KEYS = new Set(['port', 'targetPort', 'nodePort']);
const HEALTH_KEYS = new Set(['healthCheckNodePort', 'externalTrafficPolicy']);

export function hoverAt(ws: Workspace, path: string, offset: number): HoverResult | undefined {
  // a Helm chart's template, analysed through the render: what an action renders as, and the rendered Service
  const analysed = ws.analyze();
  if (analysed.charts.length > 0) {
    const rendered = renderedHover(ws, analysed, path, offset);
    if (rendered) return rendered;
  }
  const m = ws.manifest(path);
  if (!m) return undefined;
  const at = nodeAtOffset(m.documents, offset);
  if (!at || !at.object || at.object.kind !== 'Service') return undefined;
  const p = at.path;

  // annotations
  if (p.length === 3 && p[0] === 'metadata' && p[1] === 'annotations' && at.pair) {
    const a = ociAnnotation(at.pair.name);
    if (!a) return undefined;
    const value = at.onKey ? undefined : at.pair.value && at.pair.value.kind === 'scalar' ? String(at.pair.value.value ?? '') : undefined;
    const lines = [`**${a.key}**${a.flavour === 'both' ? '' : ` _(OCI ${a.flavour === 'nlb' ? 'network load balancer' : 'load balancer'})_`}`, '', a.doc];
    if (a.values?.length) {
      lines.push('');
      for (const v of a.values) {
        const current = value !== undefined && (a.kind === 'rule-mode' ? ruleModeOf(value) !== undefined && ruleModeOf(value) === ruleModeOf(v.value) : v.value === value);
        lines.push(`- ${current ? '**' : ''}\`${v.value}\`${current ? '** (this value)' : ''}: ${v.doc}`);
      }
    }
    return { contents: lines.join('\n'), span: at.span };
  }

  const analysis = ws.analyze();
  const sa = serviceAt(analysis, path, offset);
  const fieldDoc = describeField('Service', p.filter((s) => typeof s === 'string' || typeof s === 'number'));
  if (sa) {
    const parts = serviceParts(analysis, sa, p, at.onKey, fieldDoc, new IndexCache(ws));
    if (parts) return { contents: parts.join('\n\n'), span: at.span };
  }
  // a base Service, analysed through the Kustomize overlays that build it: what each makes of it
  const built = !sa && (p.length === 1 && p[0] === 'kind' || p.length === 2 && p[0] === 'metadata' && p[1] === 'name' || p[0] === 'spec')
    ? overlaysHover(analysis, path, at.object.root.span.start) : undefined;
  if (built) return { contents: fieldDoc && (at.onKey || isEnumValue(p)) ? `${built}\n\n---\n\n${fieldDoc}` : built, span: at.span };
  if (fieldDoc && (at.onKey || isEnumValue(p))) return { contents: fieldDoc, span: at.span };
  return undefined;
}

/** The chain part of a hover on a Service's `type`, a port or the health check (undefined elsewhere). */
function serviceParts(analysis: Analysis, sa: ServiceAnalysis, p: PathStep[], onKey: boolean, fieldDoc: string | undefined, index: IndexCache): string[] | undefined {
  const chain = chainOf(analysis, sa);
  // spec.type: the chain of every port
  if (p.length === 2 && p[0] === 'spec' && p[1] === 'type') {
    const parts = [serviceHeading(chain)];
    if (!onKey && sa.service.type && SERVICE_TYPE_DOCS[sa.service.type]) parts.push(SERVICE_TYPE_DOCS[sa.service.type]);
    for (const pc of chain.ports) parts.push(portSection(pc, index, chain.ports.length > 1, chain));
    if (chain.health) parts.push(portSection(chain.health, index, true, chain));
    const who = guardsSection(analysis, sa, index);
    if (who) parts.push(who);
    return parts;
  }
  // a port
  if (p.length === 4 && p[0] === 'spec' && p[1] === 'ports' && typeof p[2] === 'number' && PORT_KEYS.has(String(p[3]))) {
    const pc = chain.ports.find((c) => c.portIndex === p[2]);
    if (pc) {
      const parts = [serviceHeading(chain), portSection(pc, index, true, chain)];
      const who = guardsSection(analysis, sa, index);
      if (who) parts.push(who);
      if (fieldDoc) parts.push('---', fieldDoc);
      return parts;
    }
  }
  // the health check
  if (p.length === 2 && p[0] === 'spec' && HEALTH_KEYS.has(String(p[1])) && chain.health) {
    const parts = [serviceHeading(chain), portSection(chain.health, index, true, chain)];
    if (fieldDoc) parts.push('---', fieldDoc);
    return parts;
  }
  return undefined;
}

/**
 * In a Helm chart's template: on an action, what it renders as; on a rendered Service's `type`, port or health
 * check (on an action or on literal text), the rendered Service's chain. undefined where neither applies.
 */
function renderedHover(ws: Workspace, analysis: Analysis, path: string, offset: number): HoverResult | undefined {
  const value = actionHover(analysis, path, offset);
  const place = renderedPlace(analysis, path, offset);
  let parts: string[] | undefined;
  let span = value?.span;
  if (place) {
    const at = nodeAtOffset(place.file.documents, place.out);
    const sa = at?.object && place.chart.analyses.find((x) => x.service.object.root === at.object!.root);
    if (at && sa) {
      const fieldDoc = describeField('Service', at.path.filter((s) => typeof s === 'string' || typeof s === 'number'));
      const index = new IndexCache(ws, (p, o) => {
        const file = place.chart.files.find((f) => f.virtual === p);
        return file ? spanBack(place.chart, file, { start: o, end: o }) : undefined;
      });
      parts = serviceParts(chartAnalysis(analysis, place.chart), sa, at.path, at.onKey, fieldDoc, index);
      span ??= place.action ? { start: place.action.start, end: place.action.end } : spanBack(place.chart, place.file, at.span).span;
    }
  }
  if (!value && !parts) return undefined;
  return { contents: [...(value ? [value.contents] : []), ...(value && parts ? ['---'] : []), ...(parts ?? [])].join('\n\n'), span: span! };
}

function isEnumValue(p: PathStep[]): boolean {
  const last = p[p.length - 1];
  return typeof last === 'string' && ['protocol', 'sessionAffinity', 'externalTrafficPolicy', 'internalTrafficPolicy', 'ipFamilyPolicy', 'trafficDistribution', 'type'].includes(last);
}

/** Line numbers for the places a hover names (the workspace keeps one line index per file text). */
class IndexCache {
  /** `back`: a place in a rendered chart file moved onto its template (undefined: not rendered) */
  constructor(private readonly ws: Workspace, private readonly back?: (path: string, offset: number) => { path: string; span: Span } | undefined) {}
  /** `path:line` of a place */
  where(path: string, offset: number): string {
    const b = this.back?.(path, offset);
    return b ? `${b.path}:${this.line(b.path, b.span.start)}` : `${path}:${this.line(path, offset)}`;
  }
  line(path: string, offset: number): number {
    return this.ws.lineIndex(path).positionAt(offset).line + 1;
  }
}

function serviceHeading(chain: ServiceChain): string {
  const s = chain.service;
  const name = s.name ? `${s.namespace && s.namespace !== 'default' ? `${s.namespace}/` : ''}${s.name}` : '(unnamed)';
  const blockedHops = [...chain.ports, ...(chain.health ? [chain.health] : [])].flatMap((p) => p.hops).filter((h) => h.blocked);
  const verdict = blockedHops.some((h) => h.severity !== 'warning') ? ` · ${BLOCKED_MARK} blocked`
    : blockedHops.length ? ` · ${WARNING_MARK} may be blocked`
    : chain.unknown ? ` · ${UNKNOWN_MARK} unknown: a rule could not be evaluated` : '';
  return `**Service ${mdText(name)}** · ${mdText(s.type ?? 'type unknown')}${verdict}`;
}

function portSection(pc: PortChain, index: IndexCache, withLabel: boolean, chain: ServiceChain): string {
  const out: string[] = [];
  if (withLabel) out.push(`**${mdText(pc.label)}**`, '');
  out.push(mdCode(pc.text), '');
  pc.hops.forEach((h, i) => {
    out.push(`${i + 1}. ${h.blocked ? `${blockedMark(h)} ` : h.unknown ? `${UNKNOWN_MARK} ` : ''}${mdText(h.detail)}${h.warning ? ` — ⚠ ${mdText(h.warning)}` : ''}${hopWhere(h, index)}`);
    for (const l of statusLines(h.statuses, index, chain, blockedMark(h))) out.push(`   - ${l}`);
  });
  return out.join('\n');
}

/** Who guards what: where the OCI lists and NSGs came from, and this Service's load-balancer NSGs (OCI only). */
function guardsSection(analysis: Analysis, sa: ServiceAnalysis, index: IndexCache): string | undefined {
  if (analysis.provider !== 'oci') return undefined;
  const lines = topologyLines(analysis.layers.topology, (p, o) => index.line(p, o));
  const nsgs = serviceNsgLine(serviceNsgs(analysis.layers, sa.service, sa.exposure));
  if (nsgs) lines.push(nsgs);
  if (lines.length === 0) return undefined;
  return ['**Who guards what**', '', ...lines.map((l) => `- ${mdText(l)}`)].join('\n');
}

function hopWhere(h: ChainHop, index: IndexCache): string {
  if (!h.where?.length) return '';
  return ` (${h.where.map((w) => mdCode(index.where(w.path, w.span.start))).join(', ')})`;
}

const LAYER_TITLE: Record<string, string> = {
  firewalld: 'node firewall (firewalld)',
  'node-firewall': 'node firewall (iptables / nftables)',
  'worker-lists': 'worker security lists / NSGs',
  'lb-lists': 'load-balancer subnet security lists',
};

const TRAFFIC_TITLE: Record<string, string> = {
  'clients-to-nodes': 'clients → nodes',
  'lb-to-nodes': 'load balancer → nodes',
  'lb-health-check': 'load-balancer health check → nodes',
  'clients-to-nodes-preserved': 'clients (source preserved by the NLB) → nodes',
  'clients-to-lb': 'clients → load balancer',
  'lb-egress-to-nodes': 'load balancer → nodes (egress from the load-balancer subnet)',
};

/** At most this many requirement lines per hop (one per source range: a Service may list 100,000). */
const MAX_STATUS_LINES = 20;

/** `mark`: the hop's own (⚠ when its block is a warning) */
function statusLines(all: HopStatus[], index: IndexCache, chain: ServiceChain, mark = BLOCKED_MARK): string[] {
  // (no iptables or nftables files: nothing to say about them beside firewalld's line)
  const statuses = all.filter((s) => s.known || s.requirement.layer !== 'node-firewall');
  const out: string[] = [];
  if (statuses.length > MAX_STATUS_LINES) {
    const rest = statuses.length - MAX_STATUS_LINES;
    const blocked = statuses.slice(MAX_STATUS_LINES).filter((s) => s.applies && s.allowed === false).length;
    return [...statusLines(statuses.slice(0, MAX_STATUS_LINES), index, chain, mark),
      `… ${countText(rest)} more (one per source)${blocked ? `, ${countText(blocked)} of them not allowed` : ''}`];
  }
  for (const s of statuses) {
    const r = s.requirement;
    const what = `${LAYER_TITLE[r.layer]}, ${TRAFFIC_TITLE[r.traffic]} from ${mdText(fromText(r.from))}`;
    const mode = chain.oci ? ` (mode ${mdText(chain.oci.mode)}${chain.oci.modeOrigin === 'default' ? ', the default' : ''})` : '';
    const who = r.managedBy === 'user' ? 'yours to manage' : `managed by the OCI cloud controller${mode}`;
    if (!s.known) {
      out.push(`➖ ${what}: no rule source for this layer in the workspace, not checked · ${who}`);
      continue;
    }
    // allowed only through rules that could not be evaluated: unknown, never shown as allowed
    const unknown = s.allowed === true && s.unevaluated.length > 0;
    const icon = unknown ? UNKNOWN_MARK : s.allowed ? '✅' : s.applies ? mark : '☁';
    const sources = s.verdicts.length
      ? s.verdicts.map((v) => `${mdText(v.source.label)} (${mdCode(`${v.source.path}:${index.line(v.source.path, v.source.span.start)}`)}) ${v.unknown ? 'may allow it' : v.allowed ? 'allows it' : 'does not allow it'}`).join('; ')
      : unknown ? 'unknown' : s.allowed ? 'allowed' : 'not allowed';
    const note = !s.allowed && !s.applies ? ' (the controller writes this rule)' : '';
    out.push(`${icon} ${what}: ${sources} · ${who}${note}`);
    if (unknown) out.push(`  ${unknownLine(s)}`);
  }
  return out;
}

/** Why a verdict is unknown: the rules it rests on and what in them could not be evaluated. */
function unknownLine(s: HopStatus): string {
  const reasons: string[] = [];
  for (const u of s.unevaluated) for (const r of u.reasons) if (!reasons.includes(r)) reasons.push(r);
  const rules = s.unevaluated.map((u) => mdText(u.origin));
  return `unknown: it rests on ${s.unevaluated.length === 1 ? 'a rule' : `${s.unevaluated.length} rules`} that could not be evaluated (${listText(rules)}): ${listText(reasons.map(mdText))}`;
}
