/**
 * Hover: on `type`, on a port (`port`, `targetPort`, `nodePort`) and on the health-check fields — the answer
 * first (hover-summary.ts: the verdict, the one-line chain, why, who manages what), then below a rule one line
 * per hop and under each hop, per layer, whether each rule source allows it; on other Service fields their API
 * documentation; on OCI annotations what each value means. Pure: markdown out, with the span it is about. Every
 * string from the workspace in it (names, labels, port names, paths, rule-source names) goes through `mdText` or
 * `mdCode` (markdown.ts): text, never markup. Places are links when the host gives a link builder.
 */
import type { Analysis, ServiceAnalysis, Workspace } from '../workspace';
import { serviceNsgs } from '../checks/lb-nsgs';
import { serviceNsgLine, topologyLines } from './topology';
import { describeField } from '../k8s/schema';
import { ociAnnotation, ruleModeOf } from '../oci/annotations';
import type { Span } from '../text/span';
import type { PortRange } from '../sources/model';
import { countText, listText } from '../findings/finding';
import { nodeAtOffset, type PathStep } from './context';
import { blockedMark, chainOf, BLOCKED_MARK, UNKNOWN_MARK, type ChainHop, type HopStatus, type PortChain } from './chain';
import { serviceAt } from './service-at';
import { overlaysHover } from './overlay-hover';
import { actionHover, chartAnalysis, renderedPlace, spanBack } from './chart-features';
import { SERVICE_TYPE_DOCS } from './docs';
import { mdText } from './markdown';
import { LAYER_TITLE, Places, summaryBlocks, summaryText, type PlaceLink } from './hover-summary';

export interface HoverOptions {
  /** the host's link to a place (a file URI with its line); without it places are shown as code */
  link?: PlaceLink;
}

export interface HoverResult {
  /** markdown */
  contents: string;
  span: Span;
}

const PORT_KEYS = new Set(['port', 'targetPort', 'nodePort']);
const HEALTH_KEYS = new Set(['healthCheckNodePort', 'externalTrafficPolicy']);

export function hoverAt(ws: Workspace, path: string, offset: number, options: HoverOptions = {}): HoverResult | undefined {
  // a Helm chart's template, analysed through the render: what an action renders as, and the rendered Service
  const analysed = ws.analyze();
  if (analysed.charts.length > 0) {
    const rendered = renderedHover(ws, analysed, path, offset, options);
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
    const parts = serviceParts(analysis, sa, p, at.onKey, fieldDoc, new Places(ws, options.link));
    if (parts) return { contents: parts.join('\n\n'), span: at.span };
  }
  // a base Service, analysed through the Kustomize overlays that build it: what each makes of it
  const built = !sa && (p.length === 1 && p[0] === 'kind' || p.length === 2 && p[0] === 'metadata' && p[1] === 'name' || p[0] === 'spec')
    ? overlaysHover(analysis, path, at.object.root.span.start) : undefined;
  if (built) return { contents: fieldDoc && (at.onKey || isEnumValue(p)) ? `${built}\n\n---\n\n${fieldDoc}` : built, span: at.span };
  if (fieldDoc && (at.onKey || isEnumValue(p))) return { contents: fieldDoc, span: at.span };
  return undefined;
}

/**
 * The hover on a Service's `type`, a port or the health check (undefined elsewhere): the answer first
 * (hover-summary.ts), then below a rule each port's hops, who guards what, and the field's documentation.
 */
function serviceParts(analysis: Analysis, sa: ServiceAnalysis, p: PathStep[], onKey: boolean, fieldDoc: string | undefined, places: Places): string[] | undefined {
  const chain = chainOf(analysis, sa);
  const range = analysis.config.nodePortRange;
  const health = chain.health ? [chain.health] : [];
  const answer = (focus: PortChain[], details: (string | undefined)[]) =>
    [summaryText(summaryBlocks(chain, focus, places, range)), '---', ...details.filter((d): d is string => d !== undefined)];
  // spec.type: the chain of every port
  if (p.length === 2 && p[0] === 'spec' && p[1] === 'type') {
    const details = [...chain.ports.map((pc) => portSection(pc, places, chain.ports.length > 1, range)), ...health.map((h) => portSection(h, places, true, range)),
      guardsSection(analysis, sa, places)];
    if (!onKey && sa.service.type && SERVICE_TYPE_DOCS[sa.service.type]) details.push('---', SERVICE_TYPE_DOCS[sa.service.type]);
    return answer([...chain.ports, ...health], details);
  }
  // a port (the health check is every port's)
  if (p.length === 4 && p[0] === 'spec' && p[1] === 'ports' && typeof p[2] === 'number' && PORT_KEYS.has(String(p[3]))) {
    const pc = chain.ports.find((c) => c.portIndex === p[2]);
    if (pc) {
      const details = [portSection(pc, places, true, range), ...health.map((h) => portSection(h, places, true, range)), guardsSection(analysis, sa, places)];
      if (fieldDoc) details.push('---', fieldDoc);
      return answer([pc, ...health], details);
    }
  }
  // the health check
  if (p.length === 2 && p[0] === 'spec' && HEALTH_KEYS.has(String(p[1])) && chain.health) {
    const details: (string | undefined)[] = [portSection(chain.health, places, true, range)];
    if (fieldDoc) details.push('---', fieldDoc);
    return answer([chain.health], details);
  }
  return undefined;
}

/**
 * In a Helm chart's template: on an action, what it renders as; on a rendered Service's `type`, port or health
 * check (on an action or on literal text), the rendered Service's chain. undefined where neither applies.
 */
function renderedHover(ws: Workspace, analysis: Analysis, path: string, offset: number, options: HoverOptions): HoverResult | undefined {
  const value = actionHover(analysis, path, offset);
  const place = renderedPlace(analysis, path, offset);
  let parts: string[] | undefined;
  let span = value?.span;
  if (place) {
    const at = nodeAtOffset(place.file.documents, place.out);
    const sa = at?.object && place.chart.analyses.find((x) => x.service.object.root === at.object!.root);
    if (at && sa) {
      const fieldDoc = describeField('Service', at.path.filter((s) => typeof s === 'string' || typeof s === 'number'));
      const places = new Places(ws, options.link, (p, o) => {
        const file = place.chart.files.find((f) => f.virtual === p);
        return file ? spanBack(place.chart, file, { start: o, end: o }) : undefined;
      });
      parts = serviceParts(chartAnalysis(analysis, place.chart), sa, at.path, at.onKey, fieldDoc, places);
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

function portSection(pc: PortChain, places: Places, withLabel: boolean, range: PortRange): string {
  const out: string[] = [];
  if (withLabel) out.push(`**${mdText(pc.label)}**`, '');
  pc.hops.forEach((h, i) => {
    out.push(`${i + 1}. ${h.blocked ? `${blockedMark(h)} ` : h.unknown ? `${UNKNOWN_MARK} ` : ''}${mdText(h.detail)}${h.warning ? ` — ⚠ ${mdText(h.warning)}` : ''}${hopWhere(h, places)}`);
    for (const l of statusLines(h.statuses, places, range, blockedMark(h))) out.push(l.startsWith('  ') ? `      - ${l.trim()}` : `   - ${l}`);
  });
  return out.join('\n');
}

/** Who guards what: where the OCI lists and NSGs came from, and this Service's load-balancer NSGs (OCI only). */
function guardsSection(analysis: Analysis, sa: ServiceAnalysis, places: Places): string | undefined {
  if (analysis.provider !== 'oci') return undefined;
  const lines = topologyLines(analysis.layers.topology, (p, o) => places.line(p, o));
  const nsgs = serviceNsgLine(serviceNsgs(analysis.layers, sa.service, sa.exposure));
  if (nsgs) lines.push(nsgs);
  if (lines.length === 0) return undefined;
  return ['**Who guards what**', '', ...lines.map((l) => `- ${mdText(l)}`)].join('\n');
}

function hopWhere(h: ChainHop, places: Places): string {
  if (!h.where?.length) return '';
  return ` (${h.where.map((w) => places.at(w.path, w.span.start)).join(', ')})`;
}

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

/**
 * One line per layer of a hop: its sources' verdicts. Who manages each layer is said once at the top; here a
 * layer the cloud controller manages is marked ☁ where it does not allow the traffic (the controller writes it).
 * `mark`: the hop's own (⚠ when its block is a warning).
 */
function statusLines(all: HopStatus[], places: Places, range: PortRange, mark = BLOCKED_MARK): string[] {
  // (no iptables or nftables files: nothing to say about them beside firewalld's line)
  const statuses = all.filter((s) => s.known || s.requirement.layer !== 'node-firewall');
  const out: string[] = [];
  if (statuses.length > MAX_STATUS_LINES) {
    const rest = statuses.length - MAX_STATUS_LINES;
    const blocked = statuses.slice(MAX_STATUS_LINES).filter((s) => s.applies && s.allowed === false).length;
    return [...statusLines(statuses.slice(0, MAX_STATUS_LINES), places, range, mark),
      `… ${countText(rest)} more (one per source)${blocked ? `, ${countText(blocked)} of them not allowed` : ''}`];
  }
  for (const s of statuses) {
    const r = s.requirement;
    // the source is said where it is not the hop's own (any source, or the listener's ranges)
    const from = r.from.kind === 'cidr' ? ` from ${mdText(r.from.cidr)}` : '';
    const what = `${LAYER_TITLE[r.layer]}, ${TRAFFIC_TITLE[r.traffic]}${from}`;
    if (!s.known) {
      out.push(`➖ ${what}: no rule source in the workspace, not checked`);
      continue;
    }
    // allowed only through rules that could not be evaluated: unknown, never shown as allowed
    const unknown = s.allowed === true && s.unevaluated.length > 0;
    const icon = unknown ? UNKNOWN_MARK : s.allowed ? '✅' : s.applies ? mark : '☁';
    const sources = s.verdicts.length
      ? s.verdicts.map((v) => `${mdText(v.source.label)} (${places.at(v.source.path, v.source.span.start)}) ${v.unknown ? 'may allow it' : v.allowed ? 'allows it' : 'does not allow it'}`).join('; ')
      : unknown ? 'unknown' : s.allowed ? 'allowed' : 'not allowed';
    const note = !s.allowed && !s.applies ? ' (the cloud controller writes this rule)' : '';
    out.push(`${icon} ${what}: ${sources}${note}`);
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
