/**
 * firewalld fixes: add what the node zone lacks — `<port port="N" protocol="tcp"/>`, for an unpinned TCP port
 * the bundled `<service name="kube-nodeport-services"/>`, for a source-restricted requirement a rich rule
 * (`<rule family="ipv4"><source address="…"/><port …/><accept/></rule>`) — to the zone file that decides, in
 * the file's own indentation and newline; plus the equivalent `firewall-cmd` commands to copy.
 */
import { decidingZones, rulesAllow, type GuardSource } from '../exposure/matcher';
import type { From } from '../exposure/requirements';
import { rangesText, type Finding } from '../findings/finding';
import type { FirewalldZoneFile, PortRange, Protocol, Rule, XmlInsertPoint, ZoneEntry } from '../sources/model';
import { indentBefore } from '../sources/source-common';
import { baseName } from '../util/paths';
import type { FixContext } from './context';
import { fromPhrase, portProto, rangeOf } from './describe';
import { mergeableEdit, type Part, type PlannedEdit } from './edits';
import type { Span } from '../text/span';
import type { Missing, ReachHint } from '../findings/fix-hint';
import type { PlannedFix } from './plan';
import { zoneFile } from './readings';
import { commandLine, shellOption } from './shell';

/** The range of the bundled kube-nodeport-services service (tcp only). */
const KUBE_NODEPORT_SERVICES: PortRange = { min: 30000, max: 32767 };

export type ZoneElement =
  | { kind: 'port'; port: string; protocol: string }
  | { kind: 'service'; name: string }
  | { kind: 'rich'; family: 'ipv4' | 'ipv6'; source: string; port: string; protocol: string };

function xmlAttr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The element as lines (the first at the children's indentation; `unit` indents the inner lines). */
export function elementLines(el: ZoneElement, unit: string): string[] {
  switch (el.kind) {
    case 'port':
      return [`<port port="${xmlAttr(el.port)}" protocol="${xmlAttr(el.protocol)}"/>`];
    case 'service':
      return [`<service name="${xmlAttr(el.name)}"/>`];
    case 'rich':
      return [
        `<rule family="${el.family}">`,
        `${unit}<source address="${xmlAttr(el.source)}"/>`,
        `${unit}<port port="${xmlAttr(el.port)}" protocol="${xmlAttr(el.protocol)}"/>`,
        `${unit}<accept/>`,
        '</rule>',
      ];
  }
}

/** The firewall-cmd option that adds the element to a zone. */
export function firewallCmdOption(el: ZoneElement): string {
  switch (el.kind) {
    case 'port':
      return shellOption('--add-port', `${el.port}/${el.protocol}`);
    case 'service':
      return shellOption('--add-service', el.name);
    case 'rich':
      return shellOption('--add-rich-rule', `rule family="${el.family}" source address="${el.source}" port port="${el.port}" protocol="${el.protocol}" accept`);
  }
}

function isWholeFamily(from: From): boolean {
  return from.kind === 'any' || from.cidr.endsWith('/0');
}

/** What to add for traffic from `from` to `port` (null: the whole node-port range). */
export function zoneElement(ctx: FixContext, from: From, protocol: Protocol, port: number | null): ZoneElement {
  const range = rangeOf(port, ctx.analysis.config.nodePortRange);
  const portText = range.min === range.max ? String(range.min) : `${range.min}-${range.max}`;
  const proto = protocol.toLowerCase();
  if (from.kind === 'any' || from.cidr.endsWith('/0')) {
    if (port === null && protocol === 'TCP' && KUBE_NODEPORT_SERVICES.min <= range.min && range.max <= KUBE_NODEPORT_SERVICES.max && !hasOwnServiceFile(ctx, 'kube-nodeport-services')) {
      return { kind: 'service', name: 'kube-nodeport-services' };
    }
    return { kind: 'port', port: portText, protocol: proto };
  }
  return { kind: 'rich', family: from.cidr.includes(':') ? 'ipv6' : 'ipv4', source: from.cidr, port: portText, protocol: proto };
}

/** A workspace file may redefine a bundled service; then a plain port range says what it means. */
function hasOwnServiceFile(ctx: FixContext, name: string): boolean {
  return ctx.ws.paths().some((p) => baseName(p) === `${name}.xml`);
}

interface ZoneTarget {
  zone: FirewalldZoneFile;
  text: string;
}

/** The zone file as the workspace read it. */
function readZone(ctx: FixContext, path: string): ZoneTarget | undefined {
  const text = ctx.ws.getText(path);
  const zone = zoneFile(ctx.ws, path);
  return text !== undefined && zone ? { zone, text } : undefined;
}

/** The zone file that decides for traffic from `from`: a zone bound to it, else the (first) node zone. */
function decidingZonePath(ctx: FixContext, h: ReachHint, from: From): string | undefined {
  const layer = ctx.analysis.layers.firewalld;
  if (layer) {
    const zones = decidingZones(layer, from);
    if (zones.length) return zones[0].path;
  }
  return h.targets.find((t) => t.kind === 'firewalld-zone')?.path;
}

/** Renders elements at a zone's insert point in the file's indentation and newline. */
function renderInsert(target: ZoneTarget, elements: ZoneElement[], p: XmlInsertPoint = target.zone.insert): string {
  const rootIndent = indentBefore(target.text, target.zone.span.start) ?? '';
  const unit = p.indent.startsWith(rootIndent) && p.indent.length > rootIndent.length ? p.indent.slice(rootIndent.length) : p.indent.includes('\t') ? '\t' : '  ';
  const body = elements.map((el) => elementLines(el, unit).map((l) => p.indent + l + p.newline).join('')).join('');
  if (p.selfClosing && p.rootTagSpan) {
    const tag = target.text.slice(p.rootTagSpan.start, p.rootTagSpan.end);
    const slash = tag.lastIndexOf('/');
    const open = tag.slice(0, slash).trimEnd() + '>';
    return open + p.newline + body + rootIndent + '</zone>';
  }
  return (p.leadingNewline ? p.newline : '') + body;
}

/** The zone entries an element of this kind goes after, best first (firewalld writes services, then ports, then rules). */
const NEIGHBOURS: Record<ZoneElement['kind'], ZoneEntry['kind'][]> = {
  port: ['port', 'service'],
  service: ['service'],
  rich: ['rich'],
};

/**
 * Where an element goes: on the line after the last entry of its own kind (a port beside the other ports), when
 * that entry sits alone on its lines; else the zone's insert point (after its last child).
 */
function insertPointFor(target: ZoneTarget, kind: ZoneElement['kind']): XmlInsertPoint {
  const p = target.zone.insert;
  if (p.selfClosing) return p;
  for (const k of NEIGHBOURS[kind]) {
    const last = [...target.zone.entries].reverse().find((e) => e.kind === k);
    if (!last) continue;
    const lines = wholeLines(target.text, last.span);
    if (lines.start === last.span.start && lines.end === last.span.end) break; // shares a line: keep the default
    return { ...p, offset: lines.end, indent: target.text.slice(lines.start, last.span.start), leadingNewline: lines.end === target.text.length && !/[\r\n]$/.test(target.text) };
  }
  return p;
}

function insertEdits(target: ZoneTarget, parts: Part<ZoneElement>[]): PlannedEdit[] {
  const byPoint = new Map<number, { point: XmlInsertPoint; parts: Part<ZoneElement>[] }>();
  for (const part of parts) {
    const point = insertPointFor(target, part.value.kind);
    const at = byPoint.get(point.offset) ?? byPoint.set(point.offset, { point, parts: [] }).get(point.offset)!;
    at.parts.push(part);
  }
  return [...byPoint.values()].map(({ point, parts: ps }) => {
    const span = point.selfClosing && point.rootTagSpan ? point.rootTagSpan : { start: point.offset, end: point.offset };
    return mergeableEdit(target.zone.path, span, `zone-insert:${span.start}`, ps, (values: ZoneElement[]) => renderInsert(target, values, point));
  });
}

function elementId(el: ZoneElement): string {
  return JSON.stringify(el);
}

/** An allow of everything: beside one deny rule, it tells whether that rule alone blocks a requirement. */
const ALLOW_ALL: Rule = { action: 'allow', protocol: { kind: 'all' }, ports: { kind: 'all' }, source: { kind: 'any' }, span: { start: 0, end: 0 }, origin: '' };

/**
 * The rich rules (drop or reject) of a zone that block the requirement, when removing them is all it takes to let
 * it through: each covers only ports of the requirement's range (a rule that denies more — other ports, every
 * port — is the user's policy, and no fix removes it; then there is no zone fix). undefined: a blocking rule
 * that cannot be removed.
 */
function removableDenies(zone: GuardSource, protocol: Protocol, range: PortRange, m: Missing): Rule[] | undefined {
  const out: Rule[] = [];
  for (const r of zone.rules) {
    if (r.action !== 'deny' || rulesAllow([ALLOW_ALL, r], protocol, range, m.from, m.traffic)) continue;
    if (r.ports.kind !== 'ranges' || !r.ports.ranges.every((x) => range.min <= x.min && x.max <= range.max)) return undefined;
    out.push(r);
  }
  return out;
}

/** The span of an element with the white space before it on its line and its line break (when it is alone there). */
function wholeLines(text: string, span: Span): Span {
  let start = span.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  let end = span.end;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  const alone = (start === 0 || text[start - 1] === '\n' || text[start - 1] === '\r') && (end === text.length || text[end] === '\n' || text[end] === '\r');
  if (!alone) return span;
  if (text.startsWith('\r\n', end)) end += 2;
  else if (end < text.length) end++;
  return { start, end };
}

/**
 * The fixes for the firewalld requirements of a finding: the zone edit (preferred) and the commands to copy.
 * `missing` holds the firewalld requirements only; `port` null means the whole node-port range. Fixes only add:
 * where a rich rule the user wrote drops or rejects the port (a deny wins over any allow), that rule says the port
 * is meant to be closed, so the only fix is a manual one — never preferred, never taken by `check --fix` or "fix
 * all" — that removes the rule (and adds an allow only when the zone would still not allow the port).
 */
export function firewalldFixes(ctx: FixContext, finding: Finding, h: ReachHint, missing: Missing[], opts: { preferred: boolean; copy: boolean }): PlannedFix[] {
  // the element ids and from phrases of each zone in sets: a finding may name 100,000 source ranges
  const byZone = new Map<string, { target: ZoneTarget; elements: ZoneElement[]; elementFroms: From[]; ids: Set<string>; froms: From[]; phrases: Set<string>; denies: Rule[] }>();
  const range = ctx.analysis.config.nodePortRange;
  const portRange = rangeOf(h.port, range);
  const layer = ctx.analysis.layers.firewalld;
  for (const m of missing) {
    const path = decidingZonePath(ctx, h, m.from);
    if (!path) continue;
    let entry = byZone.get(path);
    if (!entry) {
      const target = readZone(ctx, path);
      if (!target) continue;
      entry = { target, elements: [], elementFroms: [], ids: new Set(), froms: [], phrases: new Set(), denies: [] };
      byZone.set(path, entry);
    }
    const guard = layer ? decidingZones(layer, m.from).find((z) => z.path === path) : undefined;
    const denies = guard ? removableDenies(guard, h.protocol, portRange, m) : [];
    if (!denies) return []; // denied by the user's wider policy: no edit would clear the finding without undoing it
    for (const d of denies) if (!entry.denies.includes(d)) entry.denies.push(d);
    const rest = guard ? guard.rules.filter((r) => !denies.includes(r)) : [];
    const allowedWithout = guard !== undefined && denies.length > 0 && rulesAllow(rest, h.protocol, portRange, m.from, m.traffic);
    if (!allowedWithout) {
      const el = zoneElement(ctx, m.from, h.protocol, h.port);
      const id = elementId(el);
      if (!entry.ids.has(id)) { entry.ids.add(id); entry.elements.push(el); entry.elementFroms.push(m.from); }
    }
    const phrase = fromPhrase(m.from);
    if (!entry.phrases.has(phrase)) { entry.phrases.add(phrase); entry.froms.push(m.from); }
  }
  if (byZone.size === 0) return [];
  // one rule for exactly the required sources: where a zone must let in a whole address family (any source,
  // 0.0.0.0/0), a narrower rule for part of that family would add nothing — and the label would not name the
  // wider rule that is added
  for (const z of byZone.values()) {
    const wide = z.froms.filter(isWholeFamily);
    if (wide.length === 0) continue;
    const covered = (f: From) => !isWholeFamily(f) && wide.some((w) => w.kind === 'any' || (f.kind === 'cidr' && f.cidr.includes(':') === w.cidr.includes(':')));
    const keep = z.elementFroms.map((f) => !covered(f));
    z.elements = z.elements.filter((_, i) => keep[i]);
    z.elementFroms = z.elementFroms.filter((_, i) => keep[i]);
    z.froms = z.froms.filter((f) => !covered(f));
  }
  const pp = portProto(h.port, h.protocol, range);
  const zonesText = [...byZone.values()].map((z) => `"${z.target.zone.name}"`).join(', ');
  // the sources named: none when every rule added lets in every source; else each of them, the wide ones too
  const froms = [...byZone.values()].flatMap((z) => z.froms);
  const named = [...new Set(froms.map(fromPhrase))];
  const fromText = froms.some((f) => !isWholeFamily(f)) ? ` from ${rangesText(named)}` : '';
  const usesService = [...byZone.values()].some((z) => z.elements.some((e) => e.kind === 'service'));
  const what = usesService ? `the kube-nodeport-services service (${pp})` : pp;

  const denies = [...byZone.values()].flatMap((z) => z.denies);
  const allows = [...byZone.values()].some((z) => z.elements.length > 0);
  const verb = denies.every((d) => d.origin.includes('reject')) ? 'rejects' : denies.every((d) => !d.origin.includes('reject')) ? 'drops' : 'drops or rejects';
  const out: PlannedFix[] = [];
  out.push({
    title: denies.length
      ? `Remove the rule${denies.length === 1 ? '' : 's'} that ${denies.length === 1 ? verb : verb.replace(/s\b/g, '')} ${pp}: ${denies.map((d) => d.origin).join(', ')}${allows ? `, and allow ${what}${fromText}` : ''} (firewalld zone ${zonesText}, ${[...byZone.keys()].join(', ')})`
      : `Allow ${what}${fromText} in firewalld zone ${zonesText} (${[...byZone.keys()].join(', ')})`,
    finding,
    isPreferred: (opts.preferred && denies.length === 0) || undefined,
    manual: denies.length > 0 || undefined,
    plans: [...byZone.values()].flatMap((z) => [
      ...z.denies.map((d): PlannedEdit => ({ path: z.target.zone.path, span: wholeLines(z.target.text, d.span), newText: '' })),
      ...(z.elements.length ? insertEdits(z.target, z.elements.map((value) => ({ id: elementId(value), value }))) : []),
    ]),
  });
  // (a rich rule's firewall-cmd form is not kept: with a rule to remove, the zone edit is the only fix)
  if (opts.copy && denies.length === 0) {
    const lines: string[] = [];
    for (const z of byZone.values()) {
      for (const el of z.elements) {
        lines.push(commandLine(['firewall-cmd', '--permanent', shellOption('--zone', z.target.zone.name), firewallCmdOption(el)]));
      }
    }
    lines.push(commandLine(['firewall-cmd', '--reload']));
    out.push({
      title: `Copy the firewall-cmd commands that allow ${what}${fromText} in zone ${zonesText} (shown, not run)`,
      finding,
      plans: [],
      copyText: lines.join('\n'),
    });
  }
  return out;
}

