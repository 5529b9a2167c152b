/**
 * The top of a Service hover: the answer first. The heading with the verdict, the one-line chain of each port in
 * view (per-hop marks), why it is blocked or unknown — each rule source that does not allow it, linked to its
 * line — and then what decides who manages which layer (the OCI management mode and the annotation that set it).
 * The details (every hop, every layer) follow below a rule, in hover.ts.
 *
 * Each part is a list of lines (`summaryBlocks`); a part that says more about a Service's topology is one more
 * block there.
 */
import type { Workspace } from '../workspace';
import type { Span } from '../text/span';
import type { Requirement } from '../exposure/requirements';
import type { PortRange } from '../sources/model';
import { LB_LIST_MODE, NLB_LIST_MODE, RULE_MODE } from '../oci/annotations';
import { countText, listText } from '../findings/finding';
import { blockedMark, BLOCKED_MARK, UNKNOWN_MARK, WARNING_MARK, type ChainHop, type PortChain, type ServiceChain } from './chain';
import { mdCode, mdText } from './markdown';

/** How the host links to a place in the workspace (a URI with a line); without it, places are shown as code. */
export type PlaceLink = (path: string, line: number) => string;

/** Places in the workspace as the hover shows them: `path:line`, a link when the host gives a link builder. */
export class Places {
  /** `back`: a place in a rendered chart file moved onto its template (undefined: not rendered) */
  constructor(private readonly ws: Workspace, private readonly link?: PlaceLink,
    private readonly back?: (path: string, offset: number) => { path: string; span: Span } | undefined) {}

  line(path: string, offset: number): number {
    return this.ws.lineIndex(path).positionAt(offset).line + 1;
  }

  /** `path:line` as a markdown link (the label is text, the target a URL with nothing that ends it early), or as code */
  at(path: string, offset: number): string {
    const b = this.back?.(path, offset);
    const where = b ? b.path : path;
    const line = b ? this.line(b.path, b.span.start) : this.line(path, offset);
    const label = `${where}:${line}`;
    if (!this.link) return mdCode(label);
    return `[${mdText(label)}](${safeUrl(this.link(where, line))})`;
  }
}

/** A link target as one token of markdown: what would end it or start markup is percent-encoded. */
function safeUrl(url: string): string {
  return url.replace(/[\s()<>[\]`\\"']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** A markdown hard line break between lines of one block, so each shows on its own line. */
const BREAK = '\\\n';

/** At most this many chain lines and reason lines at the top; the rest is in the details. */
const MAX_CHAINS = 3;
const MAX_REASONS = 3;

export function serviceName(chain: ServiceChain): string {
  const s = chain.service;
  return s.name ? `${s.namespace && s.namespace !== 'default' ? `${s.namespace}/` : ''}${s.name}` : '(unnamed)';
}

function heading(chain: ServiceChain, focus: PortChain[]): string {
  const s = chain.service;
  const blockedHops = focus.flatMap((p) => p.hops).filter((h) => h.blocked);
  const unknown = focus.some((p) => p.unknown);
  const verdict = blockedHops.some((h) => h.severity !== 'warning') ? ` · ${BLOCKED_MARK} blocked`
    : blockedHops.length ? ` · ${WARNING_MARK} may be blocked`
    : unknown ? ` · ${UNKNOWN_MARK} unknown: a rule could not be evaluated` : '';
  return `**Service ${mdText(serviceName(chain))}** · ${mdText(s.type ?? 'type unknown')}${verdict}`;
}

/** What a requirement is about, short: `node port 30443/TCP`, `listener :443/TCP from 10.0.0.0/8`. */
export function subjectOf(r: Requirement, range: PortRange): string {
  const port = r.portKind === 'listener' ? `listener :${r.port}/${r.protocol}`
    : r.portKind === 'health' ? (r.port === null ? `health-check port (unpinned, ${range.min}-${range.max})/TCP` : `health-check port ${r.port}/TCP`)
    : r.port === null ? `node port (unpinned, ${range.min}-${range.max})/${r.protocol}` : `node port ${r.port}/${r.protocol}`;
  const egress = r.traffic === 'lb-egress-to-nodes' ? 'LB egress to ' : '';
  return `${egress}${port}${r.from.kind === 'cidr' && r.traffic !== 'lb-egress-to-nodes' ? ` from ${r.from.cidr}` : ''}`;
}

/** Why the ports in view are blocked or unknown, one line per requirement and source; unchecked layers in one line. */
function reasons(focus: PortChain[], places: Places, range: PortRange): string[] {
  const blocked: string[] = [];
  const unknown: string[] = [];
  const unchecked = new Set<string>();
  let checked = 0;
  const sources = new Set<string>();
  for (const pc of focus) {
    for (const h of pc.hops) {
      for (const s of h.statuses) {
        const r = s.requirement;
        if (!s.known) { if (r.managedBy === 'user' && r.layer !== 'node-firewall') unchecked.add(LAYER_TITLE[r.layer]); continue; }
        if (!s.applies) continue;
        checked++;
        for (const v of s.verdicts) sources.add(mdText(v.source.label));
        if (s.allowed === false) {
          const not = s.verdicts.filter((v) => !v.allowed);
          const by = not.length ? not.map((v) => `${mdText(v.source.label)} (${places.at(v.source.path, v.source.span.start)})`).join('; ') : LAYER_TITLE[r.layer];
          add(blocked, `${markOf(h)} ${mdText(subjectOf(r, range))}: ${by} does not allow it`);
        } else if (s.allowed && s.unevaluated.length) {
          const by = s.unevaluated.map((u) => `${mdText(u.source.label)} (${places.at(u.source.path, u.source.span.start)})`);
          add(unknown, `${UNKNOWN_MARK} ${mdText(subjectOf(r, range))}: ${listText([...new Set(by)])} may allow it, through a rule that could not be evaluated`);
        }
      }
    }
  }
  // certain blocks first, then those that are warnings
  const out = blocked.length ? [...blocked.filter((l) => l.startsWith(BLOCKED_MARK)), ...blocked.filter((l) => !l.startsWith(BLOCKED_MARK))] : unknown;
  const shown = out.slice(0, MAX_REASONS);
  if (out.length > MAX_REASONS) shown.push(`… ${countText(out.length - MAX_REASONS)} more below`);
  if (!out.length && checked) shown.push(`✅ allowed by every rule source checked: ${listText([...sources])}`);
  if (unchecked.size) shown.push(`➖ not checked, no rule source in the workspace: ${listText(inLayerOrder(unchecked))}`);
  return shown;
}

function add(lines: string[], line: string): void {
  if (!lines.includes(line)) lines.push(line);
}

function markOf(h: ChainHop): string {
  return h.blocked ? blockedMark(h) : BLOCKED_MARK;
}

/** Who manages which layer of the ports in view, and for OCI the mode that decides it and what set it. */
function management(chain: ServiceChain, focus: PortChain[]): string[] {
  const yours = new Set<string>();
  const controller = new Set<string>();
  for (const s of focus.flatMap((p) => p.hops).flatMap((h) => h.statuses)) {
    if (s.requirement.layer === 'node-firewall' && !s.known) continue;
    (s.requirement.managedBy === 'user' ? yours : controller).add(LAYER_TITLE[s.requirement.layer]);
  }
  const out: string[] = [];
  if (chain.oci) {
    const o = chain.oci;
    const what = o.modeOrigin === RULE_MODE ? 'security-rule management mode' : 'security-list management mode';
    const lb = o.flavour === 'nlb' ? 'OCI network load balancer' : 'OCI load balancer';
    const origin = o.modeOrigin === 'default'
      ? `the default for ${o.flavour === 'nlb' ? 'an `nlb`' : 'an `lb`'} Service, set with ${mdCode(o.flavour === 'nlb' ? NLB_LIST_MODE : LB_LIST_MODE)}`
      : `set by ${mdCode(o.modeOrigin)}`;
    out.push(`${lb} · ${what} ${mdText(o.mode)} — ${origin}`);
  }
  if (yours.size || controller.size) {
    const parts: string[] = [];
    if (yours.size) parts.push(`yours to manage: ${listText(inLayerOrder(yours))}`);
    if (controller.size) parts.push(`the OCI cloud controller's: ${listText(inLayerOrder(controller))}`);
    const text = parts.join(' · ');
    out.push(text[0].toUpperCase() + text.slice(1));
  }
  return out;
}

export const LAYER_TITLE: Record<Requirement['layer'], string> = {
  firewalld: 'node firewall (firewalld)',
  'node-firewall': 'node firewall (iptables / nftables)',
  'worker-lists': 'worker security lists / NSGs',
  'lb-lists': 'load-balancer subnet security lists',
};

/** Layer titles in the order traffic meets them from the node outwards, as the details list them. */
function inLayerOrder(titles: Set<string>): string[] {
  return Object.values(LAYER_TITLE).filter((t) => titles.has(t));
}

/**
 * The blocks at the top of a Service hover, in order: the heading with the verdict; the chains in view; why
 * (blocked, unknown, not checked); who manages what. Each block's lines show one per line.
 */
export function summaryBlocks(chain: ServiceChain, focus: PortChain[], places: Places, range: PortRange): string[][] {
  const chains = focus.slice(0, MAX_CHAINS).map((pc) => mdCode(pc.text));
  if (focus.length > MAX_CHAINS) chains.push(`… ${countText(focus.length - MAX_CHAINS)} more ports below`);
  return [[heading(chain, focus)], chains, reasons(focus, places, range), management(chain, focus)].filter((b) => b.length > 0);
}

export function summaryText(blocks: string[][]): string {
  return blocks.map((b) => b.join(BREAK)).join('\n\n');
}

