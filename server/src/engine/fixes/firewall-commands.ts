/**
 * firewalld fixes where the zone is set by firewall commands (docs/rule-sources.md): the command that opens the
 * port goes into the file whose commands last added to that zone, after its last command for the zone, in the
 * file's own style —
 *  - a shell script: a `firewall-cmd --permanent --zone=Z --add-port=N/tcp` line, with the neighbour's
 *    indentation, `sudo` prefix, program, zone spelling and option order;
 *  - cloud-init: a `runcmd` entry in the list's own style (a string, quoted as the neighbour is, or an argv list);
 *  - Ansible: a task with the neighbour's module name and key order, `permanent: true`, `state: enabled`.
 * The new text is read back by the same reader before it is offered (`readings.ts`).
 */
import { decidingZones } from '../exposure/matcher';
import type { GuardSource } from '../exposure/matcher';
import type { Finding } from '../findings/finding';
import type { Missing, ReachHint } from '../findings/fix-hint';
import type { CommandSite, FirewallCommand, FirewallCommandFile } from '../sources/firewall-cmd';
import type { FixContext } from './context';
import { portProto } from './describe';
import { mergeableEdit, type PlannedEdit } from './edits';
import { firewallCmdOption, zoneElement, type ZoneElement } from './firewalld';
import type { PlannedFix } from './plan';
import { commandFileOf } from './readings';
import { commandLine, shellOption, shellQuote } from './shell';

/** The zone that decides for a requirement, when firewall commands set it: the zone and the file a fix goes to. */
export function commandZone(ctx: FixContext, m: Missing): GuardSource | undefined {
  const layer = ctx.analysis.layers.firewalld;
  const z = layer ? decidingZones(layer, m.from)[0] : undefined;
  return z?.commandFile ? z : undefined;
}

function matchesZone(c: FirewallCommand, zone: string, defaultZone: string): boolean {
  return c.zone === zone || (c.zone === undefined && !c.zoneUnknown && zone === defaultZone);
}

/** The command a new one goes after: the file's last command for the zone that has a site. */
function neighbour(file: FirewallCommandFile, zone: string, defaultZone: string): FirewallCommand | undefined {
  let found: FirewallCommand | undefined;
  for (const c of file.commands) {
    if (!c.site || c.op.kind === 'reload' || c.op.kind === 'runtime-to-permanent' || c.op.kind === 'firewalld-enabled' || c.op.kind === 'set-default-zone') continue;
    if (matchesZone(c, zone, defaultZone)) found = c;
  }
  return found;
}

/** The words of the new firewall-cmd command, in the neighbour's order and spelling. */
function commandWords(text: string, c: FirewallCommand, zone: string, el: ZoneElement): string[] {
  const written = text.slice(c.span.start, c.span.end);
  const prog = written.slice((c.site?.prefix ?? '').length).split(/[\s,\]]/)[0].replace(/^['"[]+/, '') || 'firewall-cmd';
  const offline = prog.endsWith('firewall-offline-cmd');
  const program = offline || prog.endsWith('firewall-cmd') ? prog : 'firewall-cmd';
  // `--zone=public`, or `--zone public` (two words: in an argv list, two items)
  const separate = /--zone[\s,]/.test(written);
  const zoneWords = separate ? ['--zone', shellQuote(zone)] : written.includes('--zone=') || c.zone !== undefined ? [shellOption('--zone', zone)] : [];
  const parts: { at: number; words: string[] }[] = [];
  const pos = (needle: string, fallback: number) => { const i = written.indexOf(needle); return i < 0 ? fallback : i; };
  if (!offline) parts.push({ at: pos('--permanent', 1), words: ['--permanent'] });
  if (zoneWords.length) parts.push({ at: pos('--zone', 2), words: zoneWords });
  parts.push({ at: pos('--add-', pos('--remove-', 3)), words: [firewallCmdOption(el)] });
  parts.sort((a, b) => a.at - b.at);
  return [program, ...parts.flatMap((p) => p.words)];
}

const YAML_SAFE = /^[A-Za-z0-9_./=-][A-Za-z0-9_./=:,-]*$/;

/** Text a YAML plain scalar can hold as it is (no indicator first, no `: ` or ` #` inside). */
function plainOk(v: string): boolean {
  return /^[A-Za-z0-9_./=(-][^\n]*$/.test(v) && !v.includes(': ') && !v.includes(' #') && !v.endsWith(':') && v.trim() === v;
}

/** One cloud-init `runcmd` item in the neighbour's style. */
function runcmdItem(words: string[], site: CommandSite): string {
  const style = site.item?.style ?? 'plain';
  if (style === 'argv') {
    // an argv list: the words unquoted by the shell (they go to the program as they are)
    const items = words.map((w) => unshell(w)).map((w) => (YAML_SAFE.test(w) ? w : JSON.stringify(w)));
    return site.item?.flowSpaces ? `[ ${items.join(', ')} ]` : `[${items.join(', ')}]`;
  }
  const line = commandLine(words);
  if (style === 'single') return `'${line.split("'").join("''")}'`;
  if (style === 'double') return JSON.stringify(line);
  return /^[^'"&*!|>%@`#{[]/.test(line) && !line.includes(': ') && !line.includes(' #') ? line : `'${line.split("'").join("''")}'`;
}

/** A word as `shellOption` wrote it, read back (its single quotes removed). */
function unshell(word: string): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    if (word[i] !== "'") { out += word[i]; continue; }
    const close = word.indexOf("'", i + 1);
    out += word.slice(i + 1, close);
    i = close;
  }
  return out.split("'\\'").join("'");
}

/** One Ansible task in the neighbour's layout. */
function ansibleTask(site: CommandSite, zone: string, withZone: boolean, el: ZoneElement, title: string): string {
  const t = site.task!;
  const quote = (key: string, v: string) => {
    const w = t.written[key];
    if (w?.startsWith('"')) return JSON.stringify(v);
    if (w?.startsWith("'") || !(key === 'name' ? plainOk(v) : YAML_SAFE.test(v))) return `'${v.split("'").join("''")}'`;
    return v;
  };
  const lit = (key: string, fallback: string) => (/^(true|yes|True|TRUE|Yes|YES)$/.test(t.written[key] ?? '') ? t.written[key] : fallback);
  const args: Record<string, string> = {};
  if (el.kind === 'port') args.port = quote('port', `${el.port}/${el.protocol}`);
  else if (el.kind === 'service') args.service = quote('service', el.name);
  else args.rich_rule = quote('rich_rule', `rule family="${el.family}" source address="${el.source}" port port="${el.port}" protocol="${el.protocol}" accept`);
  if (withZone) args.zone = quote('zone', zone);
  args.permanent = lit('permanent', 'true');
  if (t.argKeys.includes('immediate')) args.immediate = lit('immediate', 'true');
  args.state = quote('state', 'enabled');
  const what = Object.keys(args)[0];
  const order: string[] = [];
  for (const k of t.argKeys) {
    const key = k === 'port' || k === 'service' || k === 'rich_rule' || k === 'source' ? what : k;
    if (args[key] !== undefined && !order.includes(key)) order.push(key);
  }
  for (const k of Object.keys(args)) if (!order.includes(k)) order.push(k);
  const argLines = order.map((k) => `${t.argIndent}${k}: ${args[k]}`);
  const lines: string[] = [];
  const keys = t.taskKeys.filter((k) => k === 'name' || k === t.module);
  if (!keys.includes(t.module)) keys.push(t.module);
  keys.forEach((k, i) => {
    const lead = i === 0 ? `${site.indent}- ` : t.keyIndent;
    if (k === 'name') lines.push(`${lead}name: ${quote('name', title)}`);
    else { lines.push(`${lead}${t.module}:`); lines.push(...argLines); }
  });
  return lines.join('\n');
}

interface Target {
  file: FirewallCommandFile;
  text: string;
  after: FirewallCommand;
  zone: string;
  elements: ZoneElement[];
}

/** The text the fix inserts for `elements` after `t.after`, in the file's style. */
function render(t: Target, elements: ZoneElement[], title: string): string {
  const site = t.after.site!;
  const nl = t.text.includes('\r\n') ? '\r\n' : '\n';
  const lead = site.after === t.text.length && t.text.length > 0 && !t.text.endsWith('\n') ? nl : '';
  const lines = elements.map((el) => {
    const words = commandWords(t.text, t.after, t.zone, el);
    if (t.file.format === 'shell') return `${site.indent}${site.prefix ?? ''}${commandLine(words)}`;
    if (t.file.format === 'cloud-init') return `${site.indent}- ${runcmdItem(words, site)}`;
    const withZone = t.after.zone !== undefined || 'zone' in (site.task?.written ?? {});
    return ansibleTask(site, t.zone, withZone, el, title);
  });
  return lead + lines.map((l) => l.split('\n').join(nl) + nl).join('');
}

/**
 * The fixes for firewalld requirements whose deciding zone firewall commands set. `items`: each missing
 * requirement with that zone. Empty when no file has a command to add one after.
 */
export function commandFixes(ctx: FixContext, finding: Finding, h: ReachHint, items: { m: Missing; zone: GuardSource }[], opts: { preferred: boolean; copy: boolean }): PlannedFix[] {
  const defaultZone = ctx.analysis.layers.firewalld?.nodeZones[0]?.key ?? 'public';
  const targets = new Map<string, Target>();
  for (const { m, zone } of items) {
    const path = zone.commandFile!;
    const file = commandFileOf(ctx.ws, path);
    const text = ctx.ws.getText(path);
    if (!file || text === undefined) continue;
    const after = neighbour(file, zone.key, defaultZone);
    if (!after) continue;
    const key = `${path}\u0000${zone.key}`;
    const t = targets.get(key) ?? { file, text, after, zone: zone.key, elements: [] };
    const el = zoneElement(ctx, m.from, h.protocol, h.port);
    if (!t.elements.some((e) => JSON.stringify(e) === JSON.stringify(el))) t.elements.push(el);
    targets.set(key, t);
  }
  if (targets.size === 0) return [];
  const pp = portProto(h.port, h.protocol, ctx.analysis.config.nodePortRange);
  const title = `Open ${pp} for Service ${h.namespace ?? 'default'}/${h.service}`;
  const plans: PlannedEdit[] = [];
  for (const t of targets.values()) {
    const at = { start: t.after.site!.after, end: t.after.site!.after };
    plans.push(mergeableEdit(t.file.path, at, `firewall-command:${at.start}`, t.elements.map((value) => ({ id: JSON.stringify(value), value })), (values: ZoneElement[]) => render(t, values, title)));
  }
  const where = [...targets.values()].map((t) => `${t.file.path} (zone "${t.zone}")`).join(', ');
  const out: PlannedFix[] = [{ title: `Allow ${pp} with a firewall command in ${where}`, finding, isPreferred: opts.preferred || undefined, plans }];
  if (opts.copy) {
    const lines = [...targets.values()].flatMap((t) => t.elements.map((el) => commandLine(['firewall-cmd', '--permanent', shellOption('--zone', t.zone), firewallCmdOption(el)])));
    lines.push(commandLine(['firewall-cmd', '--reload']));
    out.push({ title: `Copy the firewall-cmd commands that allow ${pp} (shown, not run)`, finding, plans: [], copyText: lines.join('\n') });
  }
  return out;
}
