/**
 * Hover: on `type`, on a port (`port`, `targetPort`, `nodePort`) and on the health-check fields — the answer
 * first (hover-summary.ts: the verdict, the one-line chain, why, who manages what), then below a rule one line
 * per hop and under each hop, per layer, whether each rule source allows it; on other Service fields their API
 * documentation; on OCI annotations what each value means. Pure: markdown out, with the span it is about. Every
 * string from the workspace in it (names, labels, port names, paths, rule-source names) goes through `mdText` or
 * `mdCode` (markdown.ts): text, never markup. Places are links when the host gives a link builder.
 */
import type { Workspace } from '../workspace';
import { describeField } from '../k8s/schema';
import { ociAnnotation, ruleModeOf } from '../oci/annotations';
import type { Span } from '../text/span';
import type { PortRange } from '../sources/model';
import { countText, listText } from '../findings/finding';
import { nodeAtOffset, type PathStep } from './context';
import { blockedMark, chainOf, BLOCKED_MARK, UNKNOWN_MARK, type ChainHop, type HopStatus, type PortChain, type ServiceChain } from './chain';
import { serviceAt } from './service-at';
import { overlaysHover } from './overlay-hover';
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
    const chain = chainOf(analysis, sa);
    const places = new Places(ws, options.link);
    const range = analysis.config.nodePortRange;
    const health = chain.health ? [chain.health] : [];
    // spec.type: the chain of every port
    if (p.length === 2 && p[0] === 'spec' && p[1] === 'type') {
      const details: string[] = [];
      for (const pc of chain.ports) details.push(portSection(pc, places, chain.ports.length > 1, range));
      for (const pc of health) details.push(portSection(pc, places, true, range));
      if (!at.onKey && sa.service.type && SERVICE_TYPE_DOCS[sa.service.type]) details.push('---', SERVICE_TYPE_DOCS[sa.service.type]);
      return { contents: serviceHover(chain, [...chain.ports, ...health], places, range, details), span: at.span };
    }
    // a port (the health check is every port's)
    if (p.length === 4 && p[0] === 'spec' && p[1] === 'ports' && typeof p[2] === 'number' && PORT_KEYS.has(String(p[3]))) {
      const pc = chain.ports.find((c) => c.portIndex === p[2]);
      if (pc) {
        const details = [portSection(pc, places, true, range), ...health.map((h) => portSection(h, places, true, range))];
        if (fieldDoc) details.push('---', fieldDoc);
        return { contents: serviceHover(chain, [pc, ...health], places, range, details), span: at.span };
      }
    }
    // the health check
    if (p.length === 2 && p[0] === 'spec' && HEALTH_KEYS.has(String(p[1])) && chain.health) {
      const details = [portSection(chain.health, places, true, range)];
      if (fieldDoc) details.push('---', fieldDoc);
      return { contents: serviceHover(chain, [chain.health], places, range, details), span: at.span };
    }
  }
  // a base Service, analysed through the Kustomize overlays that build it: what each makes of it
  const built = !sa && (p.length === 1 && p[0] === 'kind' || p.length === 2 && p[0] === 'metadata' && p[1] === 'name' || p[0] === 'spec')
    ? overlaysHover(analysis, path, at.object.root.span.start) : undefined;
  if (built) return { contents: fieldDoc && (at.onKey || isEnumValue(p)) ? `${built}\n\n---\n\n${fieldDoc}` : built, span: at.span };
  if (fieldDoc && (at.onKey || isEnumValue(p))) return { contents: fieldDoc, span: at.span };
  return undefined;
}

function isEnumValue(p: PathStep[]): boolean {
  const last = p[p.length - 1];
  return typeof last === 'string' && ['protocol', 'sessionAffinity', 'externalTrafficPolicy', 'internalTrafficPolicy', 'ipFamilyPolicy', 'trafficDistribution', 'type'].includes(last);
}

/** The answer first, then the details below a rule. */
function serviceHover(chain: ServiceChain, focus: PortChain[], places: Places, range: PortRange, details: string[]): string {
  return [summaryText(summaryBlocks(chain, focus, places, range)), '---', ...details].join('\n\n');
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
