/**
 * Firewall commands applied onto firewalld's zones, as a node ends up after running them and rebooting: the
 * zone files found in the workspace (else firewalld's shipped zones: `public` with ssh and dhcpv6-client, …) are
 * the permanent configuration and, at boot, the running one; each command, in file order (files in workspace
 * order), changes the permanent configuration (`--permanent`, `firewall-offline-cmd`, Ansible `permanent: true`),
 * the running one (without `--permanent`; Ansible `immediate: true`), or both (`--set-default-zone`); `--reload`
 * makes the running configuration the permanent one again, `--runtime-to-permanent` the other way round. What
 * counts is the permanent configuration at the end — a runtime-only change is lost at the next reboot
 * (docs/rule-sources.md).
 *
 * Pure: the zone objects read from files are never changed; the zones a command touched are new objects.
 */
import type { FirewalldZoneFile, ZoneEntry, ZoneRichRuleEntry } from './model';
import type { FirewallCommand, FirewallCommandFile } from './firewall-cmd';
import { sameRichRule } from './rich-rule';
import type { Span } from '../text/span';

/** A zone after the commands: the zone (a new object when a command changed it) and where it was last changed. */
export interface AppliedZone {
  zone: FirewalldZoneFile;
  /** the zone was read from a zone file (else it is firewalld's shipped zone, or one only commands made) */
  fromFile: boolean;
  /** the last command that changed this zone (file order): where a finding about it points when there is no file */
  lastCommand?: { path: string; span: Span };
  /** the last file whose commands add ports, services or rich rules to this zone: where a fix adds one */
  addedIn?: string;
  /** files whose commands changed it, in order */
  commandFiles: string[];
}

export interface AppliedCommands {
  zones: AppliedZone[];
  /** the default zone after the commands (`--set-default-zone`), when they set it */
  defaultZone?: { value: string; path: string; span: Span };
  /** zone names the commands changed (so firewalld counts as configured for them) */
  touched: Set<string>;
  /** firewalld turned off for good (`systemctl disable|mask firewalld`) by the last such command, where */
  disabled?: { path: string; span: Span; origin: string };
}

/** firewalld's shipped zones (config/zones/*.xml): their target and services. */
const SHIPPED: ReadonlyMap<string, { target: FirewalldZoneFile['target']; services: string[] }> = new Map([
  ['public', { target: 'default', services: ['ssh', 'dhcpv6-client'] }],
  ['external', { target: 'default', services: ['ssh'] }],
  ['dmz', { target: 'default', services: ['ssh'] }],
  ['work', { target: 'default', services: ['ssh', 'dhcpv6-client'] }],
  ['home', { target: 'default', services: ['ssh', 'mdns', 'samba-client', 'dhcpv6-client'] }],
  ['internal', { target: 'default', services: ['ssh', 'mdns', 'samba-client', 'dhcpv6-client'] }],
  ['trusted', { target: 'ACCEPT', services: [] }],
  ['drop', { target: 'DROP', services: [] }],
  ['block', { target: 'REJECT', services: [] }],
]);

interface ZoneState {
  name: string;
  target: FirewalldZoneFile['target'];
  entries: ZoneEntry[];
  sources: { address: string; span: Span }[];
}

function clone(m: Map<string, ZoneState>): Map<string, ZoneState> {
  const out = new Map<string, ZoneState>();
  for (const [k, z] of m) out.set(k, { ...z, entries: [...z.entries], sources: [...z.sources] });
  return out;
}

/**
 * Applies `files`' commands onto `zones` (the zone files in effect). `initialDefault` is the default zone before
 * the commands (firewalld.conf's, else `public`).
 */
export function applyCommands(zones: readonly FirewalldZoneFile[], files: readonly FirewallCommandFile[], initialDefault: string): AppliedCommands {
  const touched = new Set<string>();
  if (files.every((f) => f.commands.length === 0)) return { zones: zones.map((zone) => ({ zone, fromFile: true, commandFiles: [] })), touched };
  const byName = new Map<string, FirewalldZoneFile>();
  for (const z of zones) if (!byName.has(z.name)) byName.set(z.name, z);
  let permanent = new Map<string, ZoneState>();
  for (const z of byName.values()) permanent.set(z.name, { name: z.name, target: z.target, entries: [...z.entries], sources: [...z.sourceBindings] });
  let runtime = clone(permanent);
  let defaultZone = initialDefault;
  let defaultSet: AppliedCommands['defaultZone'];
  let enabled = { permanent: true, runtime: true };
  let disabled: AppliedCommands['disabled'];
  const info = new Map<string, { lastCommand?: { path: string; span: Span }; addedIn?: string; commandFiles: string[]; first?: { path: string; span: Span } }>();

  const stateOf = (m: Map<string, ZoneState>, name: string, c: FirewallCommand, path: string): ZoneState => {
    let z = m.get(name);
    if (!z) {
      const shipped = SHIPPED.get(name);
      const i = info.get(name);
      const at = i?.first ?? { path, span: c.span };
      z = {
        name, target: shipped?.target ?? 'default', sources: [],
        entries: (shipped?.services ?? []).map((s): ZoneEntry => ({ kind: 'service', name: s, span: at.span, path: at.path, origin: `service "${s}" (firewalld's shipped zone "${name}")` })),
      };
      m.set(name, z);
    }
    return z;
  };

  for (const file of files) {
    for (const c of file.commands) {
      const op = c.op;
      if (op.kind === 'reload') { runtime = clone(permanent); enabled.runtime = enabled.permanent; continue; }
      if (op.kind === 'runtime-to-permanent') { permanent = clone(runtime); continue; }
      if (op.kind === 'firewalld-enabled') {
        if (c.permanent) {
          enabled.permanent = op.enabled;
          disabled = op.enabled ? undefined : { path: file.path, span: c.span, origin: c.origin };
        }
        if (c.runtime) enabled.runtime = op.enabled;
        continue;
      }
      if (op.kind === 'set-default-zone') {
        defaultZone = op.zone;
        defaultSet = { value: op.zone, path: file.path, span: c.span };
        touched.add(op.zone);
        stateOf(permanent, op.zone, c, file.path);
        stateOf(runtime, op.zone, c, file.path);
        continue;
      }
      const name = c.zone ?? defaultZone;
      touched.add(name);
      const i = info.get(name) ?? { commandFiles: [] };
      i.first ??= { path: file.path, span: c.span };
      i.lastCommand = { path: file.path, span: c.span };
      if (!i.commandFiles.includes(file.path)) i.commandFiles.push(file.path);
      if (op.kind === 'add-port' || op.kind === 'add-service' || op.kind === 'add-rich-rule') i.addedIn = file.path;
      info.set(name, i);
      // the zone exists in both configurations from now on (firewalld's shipped zone, if it has no file)
      const p = stateOf(permanent, name, c, file.path);
      const r = stateOf(runtime, name, c, file.path);
      if (c.permanent) apply(p, c, file.path);
      if (c.runtime) apply(r, c, file.path);
    }
  }

  const out: AppliedZone[] = [];
  const seen = new Set<string>();
  for (const z of zones) {
    const i = info.get(z.name);
    const st = permanent.get(z.name);
    if (!i || !st || z !== byName.get(z.name)) { out.push({ zone: z, fromFile: true, commandFiles: [] }); continue; }
    seen.add(z.name);
    out.push({ zone: { ...z, target: st.target, entries: st.entries, sourceBindings: st.sources }, fromFile: true, lastCommand: i.lastCommand, addedIn: i.addedIn, commandFiles: i.commandFiles });
  }
  for (const [name, st] of permanent) {
    if (seen.has(name) || byName.has(name)) continue;
    const i = info.get(name);
    const at = i?.first ?? { path: files[0].path, span: { start: 0, end: 0 } };
    out.push({
      zone: {
        kind: 'firewalld-zone', path: at.path, name, span: i?.lastCommand?.span ?? at.span, target: st.target, entries: st.entries,
        sourceBindings: st.sources, insert: { offset: 0, indent: '', newline: '\n', selfClosing: false },
      },
      fromFile: false, lastCommand: i?.lastCommand, addedIn: i?.addedIn, commandFiles: i?.commandFiles ?? [],
    });
  }
  const result: AppliedCommands = { zones: out, touched };
  if (defaultSet) result.defaultZone = defaultSet;
  if (!enabled.permanent && disabled) result.disabled = disabled;
  return result;
}

function apply(z: ZoneState, c: FirewallCommand, path: string): void {
  const op = c.op;
  const written = { path, origin: `${c.origin} (${path})` };
  if (c.zoneUnknown && op.kind !== 'unknown') {
    // a known change to a zone that cannot be evaluated: it may or may not concern this zone
    const e: ZoneEntry = { kind: 'unknown', reasons: [`the zone: ${c.zoneUnknown}`], at: c.at, span: c.span, ...written };
    if (op.kind === 'add-port' || op.kind === 'remove-port') e.protocol = op.protocol;
    z.entries.push(e);
    return;
  }
  switch (op.kind) {
    case 'add-port':
      if (!z.entries.some((e) => e.kind === 'port' && e.protocol === op.protocol && e.range?.min === op.range.min && e.range.max === op.range.max)) {
        z.entries.push({ kind: 'port', protocol: op.protocol, range: op.range, span: c.span, ...written });
      }
      break;
    case 'remove-port': {
      // firewalld (0.9 and later) splits a range the removed ports lie in, and keeps the rest of it
      const out: ZoneEntry[] = [];
      for (const e of z.entries) {
        if (e.kind !== 'port' || e.protocol !== op.protocol || !e.range || e.range.max < op.range.min || op.range.max < e.range.min) { out.push(e); continue; }
        if (e.range.min < op.range.min) out.push({ ...e, range: { min: e.range.min, max: op.range.min - 1 } });
        if (op.range.max < e.range.max) out.push({ ...e, range: { min: op.range.max + 1, max: e.range.max } });
      }
      z.entries = out;
      break;
    }
    case 'add-service':
      if (!z.entries.some((e) => e.kind === 'service' && e.name === op.name)) z.entries.push({ kind: 'service', name: op.name, span: c.span, ...written });
      break;
    case 'remove-service':
      z.entries = z.entries.filter((e) => !(e.kind === 'service' && e.name === op.name));
      break;
    case 'add-rich-rule':
      if (!z.entries.some((e) => e.kind === 'rich' && sameRichRule(e, op.rule))) z.entries.push({ ...op.rule, span: c.span, ...written } as ZoneRichRuleEntry);
      break;
    case 'remove-rich-rule':
      z.entries = z.entries.filter((e) => !(e.kind === 'rich' && sameRichRule(e, op.rule)));
      break;
    case 'add-source':
      if (!z.sources.some((s) => s.address === op.address)) z.sources.push({ address: op.address, span: c.span });
      break;
    case 'remove-source':
      z.sources = z.sources.filter((s) => s.address !== op.address);
      break;
    case 'set-target':
      z.target = op.target;
      break;
    case 'unknown': {
      // added or removed, the rule cannot be evaluated: it is reported, and never counted as closed
      const reasons = c.zoneUnknown ? [...op.reasons, `the zone: ${c.zoneUnknown}`] : op.reasons;
      const e: ZoneEntry = { kind: 'unknown', reasons, at: c.at, span: c.span, ...written };
      if (op.protocol !== undefined) e.protocol = op.protocol;
      z.entries.push(e);
      break;
    }
    default:
      break;
  }
}
