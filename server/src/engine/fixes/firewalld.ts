/**
 * firewalld fixes: add what the node zone lacks — `<port port="N" protocol="tcp"/>`, for an unpinned TCP port
 * the bundled `<service name="kube-nodeport-services"/>`, for a source-restricted requirement a rich rule
 * (`<rule family="ipv4"><source address="…"/><port …/><accept/></rule>`) — to the zone file that decides, in
 * the file's own indentation and newline; plus the equivalent `firewall-cmd` commands to copy.
 */
import { decidingZones } from '../exposure/matcher';
import type { From } from '../exposure/requirements';
import type { Finding } from '../findings/finding';
import { readFirewalldXml } from '../sources/firewalld-zone';
import type { FirewalldZoneFile, PortRange, Protocol, XmlInsertPoint } from '../sources/model';
import { indentBefore } from '../sources/source-common';
import { baseName } from '../util/paths';
import type { FixContext } from './context';
import { fromPhrase, portProto, rangeOf } from './describe';
import { mergeableEdit, type Part, type PlannedEdit } from './edits';
import type { Missing, ReachHint } from './hints';
import type { PlannedFix } from './plan';
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

function readZone(ctx: FixContext, path: string): ZoneTarget | undefined {
  const text = ctx.ws.getText(path);
  if (text === undefined) return undefined;
  const r = readFirewalldXml(path, text);
  return r.value?.kind === 'firewalld-zone' ? { zone: r.value, text } : undefined;
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
function renderInsert(target: ZoneTarget, elements: ZoneElement[]): string {
  const p: XmlInsertPoint = target.zone.insert;
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

function insertEdit(target: ZoneTarget, parts: Part<ZoneElement>[]): PlannedEdit {
  const p = target.zone.insert;
  const span = p.selfClosing && p.rootTagSpan ? p.rootTagSpan : { start: p.offset, end: p.offset };
  return mergeableEdit(target.zone.path, span, `zone-insert:${span.start}`, parts, (values: ZoneElement[]) => renderInsert(target, values));
}

function elementId(el: ZoneElement): string {
  return JSON.stringify(el);
}

/**
 * The fixes for the firewalld requirements of a finding: the zone edit (preferred) and the commands to copy.
 * `missing` holds the firewalld requirements only; `port` null means the whole node-port range.
 */
export function firewalldFixes(ctx: FixContext, finding: Finding, h: ReachHint, missing: Missing[], opts: { preferred: boolean; copy: boolean }): PlannedFix[] {
  const byZone = new Map<string, { target: ZoneTarget; elements: ZoneElement[]; froms: From[] }>();
  for (const m of missing) {
    const path = decidingZonePath(ctx, h, m.from);
    if (!path) continue;
    let entry = byZone.get(path);
    if (!entry) {
      const target = readZone(ctx, path);
      if (!target) continue;
      entry = { target, elements: [], froms: [] };
      byZone.set(path, entry);
    }
    const el = zoneElement(ctx, m.from, h.protocol, h.port);
    if (!entry.elements.some((e) => elementId(e) === elementId(el))) entry.elements.push(el);
    if (!entry.froms.some((f) => fromPhrase(f) === fromPhrase(m.from))) entry.froms.push(m.from);
  }
  if (byZone.size === 0) return [];
  const range = ctx.analysis.config.nodePortRange;
  const pp = portProto(h.port, h.protocol, range);
  const zonesText = [...byZone.values()].map((z) => `"${z.target.zone.name}"`).join(', ');
  const restricted = [...byZone.values()].flatMap((z) => z.froms).filter((f) => !isWholeFamily(f));
  const fromText = restricted.length ? ` from ${restricted.map(fromPhrase).join(', ')}` : '';
  const usesService = [...byZone.values()].some((z) => z.elements.some((e) => e.kind === 'service'));
  const what = usesService ? `the kube-nodeport-services service (${pp})` : pp;

  const out: PlannedFix[] = [];
  out.push({
    title: `Allow ${what}${fromText} in firewalld zone ${zonesText} (${[...byZone.keys()].join(', ')})`,
    finding,
    isPreferred: opts.preferred || undefined,
    plans: [...byZone.values()].map((z) => insertEdit(z.target, z.elements.map((value) => ({ id: elementId(value), value })))),
  });
  if (opts.copy) {
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

