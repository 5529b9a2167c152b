/**
 * The node firewall as commands: what one `firewall-cmd` (or `firewall-offline-cmd`, or `systemctl … firewalld`)
 * invocation does to firewalld's zones, from its words — whatever wrote them (a shell script, a cloud-init
 * `runcmd` entry as a string or an argv list). The commands of a file, in order, are a `FirewallCommandFile`;
 * `firewalld-apply.ts` applies them onto the zones.
 *
 * A value the shell would only know when it runs (`--add-port=$PORT/tcp`, `--zone=$(…)`) is never guessed: the
 * command becomes an `unknown` operation that says what could not be evaluated, and where.
 */
import type { FirewalldZoneFile, PortRange, ZoneRichRuleEntry } from './model';
import type { ParseProblem } from '../parse/problem';
import type { Span } from '../text/span';
import type { ShellWord } from './shell-words';
import { readRichRule } from './rich-rule';
import { parsePortRange } from './source-common';

export type FirewallOp =
  | { kind: 'add-port' | 'remove-port'; protocol: string; range: PortRange }
  | { kind: 'add-service' | 'remove-service'; name: string }
  | { kind: 'add-rich-rule' | 'remove-rich-rule'; rule: ZoneRichRuleEntry }
  | { kind: 'add-source' | 'remove-source'; address: string }
  | { kind: 'set-target'; target: FirewalldZoneFile['target'] }
  | { kind: 'set-default-zone'; zone: string }
  | { kind: 'reload' }
  | { kind: 'runtime-to-permanent' }
  /** `systemctl disable|mask firewalld` (permanent) or `stop` (runtime); `enable|unmask|start` turn it on */
  | { kind: 'firewalld-enabled'; enabled: boolean }
  /** a change whose value could not be evaluated: `protocol` when it is written literally */
  | { kind: 'unknown'; adds: boolean; protocol?: string; reasons: string[] };

export interface FirewallCommand {
  op: FirewallOp;
  /** the zone as written (`--zone=Z`, Ansible `zone:`); absent: the default zone when it runs */
  zone?: string;
  /** the zone could not be evaluated (`--zone=$ZONE`): why */
  zoneUnknown?: string;
  /** changes the permanent configuration (`--permanent`, `firewall-offline-cmd`, Ansible `permanent: true`) */
  permanent: boolean;
  /** changes the running firewall (no `--permanent`; Ansible `immediate: true` or not permanent) */
  runtime: boolean;
  /** the whole command (or task): where the rules it makes point */
  span: Span;
  /** the value of this operation as written (`--add-port=30080/tcp`) */
  at: Span;
  /** how a person names it: `firewall-cmd --add-port=30080/tcp` */
  origin: string;
  /** where a fix may add a command after this one, in the same style (absent: not here, e.g. inside `sh -c`) */
  site?: CommandSite;
}

/**
 * Where and how a new firewall command goes after an existing one: after its line (a shell script), its list item
 * (cloud-init `runcmd`) or its task (Ansible), indented the same way.
 */
export interface CommandSite {
  /** the offset a new line goes at: the start of the line after the command's (or the end of the text) */
  after: number;
  /** the indentation of the line (shell), of the item's `-` (cloud-init, Ansible) */
  indent: string;
  /** shell: the words before the program as written (`sudo `), copied into the new line */
  prefix?: string;
  /** cloud-init: the item's style; Ansible: the task's layout */
  item?: { style: 'plain' | 'single' | 'double' | 'argv'; flowSpaces: boolean };
  task?: AnsibleTaskLayout;
}

/** An Ansible task as a fix copies it: its module, its keys in order, where they are written. */
export interface AnsibleTaskLayout {
  module: string;
  /** the column of the task's keys (`- name:` → the column of `name`) */
  keyIndent: string;
  /** the column of the module's arguments */
  argIndent: string;
  taskKeys: string[];
  argKeys: string[];
  /** the neighbour's argument values as written, by key (`permanent: yes`) */
  written: Record<string, string>;
}

/** The firewall commands of one file, in order. */
export interface FirewallCommandFile {
  kind: 'firewall-commands';
  path: string;
  format: 'shell' | 'cloud-init' | 'ansible';
  commands: FirewallCommand[];
}

/** Reserved words that may open a command (`do firewall-cmd …` in a loop, `if firewall-cmd --state; then`). */
const RESERVED = new Set(['do', 'then', 'else', 'elif', 'if', 'while', 'until', '{', '!']);

/**
 * The program a command runs, past reserved words, `sudo`, `env`, `command`, `exec`, `nohup` and variable
 * assignments.
 */
export function programIndex(words: readonly ShellWord[]): number {
  let k = 0;
  while (k < words.length) {
    const w = words[k].value;
    if (RESERVED.has(w) && words[k].expansions.length === 0) { k++; continue; }
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w)) { k++; continue; }
    if (w === 'sudo' || w === 'doas') {
      k++;
      // sudo's options; those that take a value (-u user, -g group, -C n, -D dir, -h host, -p prompt, -r, -t)
      while (k < words.length && words[k].value.startsWith('-')) {
        const o = words[k].value;
        k++;
        if (o === '--') break;
        if (/^-[ugCDhprtT]$/.test(o)) k++;
      }
      continue;
    }
    if (w === 'env') {
      k++;
      while (k < words.length && (words[k].value.startsWith('-') || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[k].value))) k++;
      continue;
    }
    if (w === 'command' || w === 'exec' || w === 'nohup' || w === 'time') { k++; continue; }
    return k;
  }
  return k;
}

function programName(word: string): string {
  return word.slice(word.lastIndexOf('/') + 1);
}

/** Is this the kind of command this module reads (so that a script that has one is a rule source)? */
export function isFirewallCommand(words: readonly ShellWord[]): boolean {
  const k = programIndex(words);
  if (k >= words.length) return false;
  const p = programName(words[k].value);
  return p === 'firewall-cmd' || p === 'firewall-offline-cmd' || (p === 'systemctl' && words.slice(k + 1).some((w) => /^firewalld(\.service)?$/.test(w.value)));
}

const TARGETS: ReadonlyMap<string, FirewalldZoneFile['target']> = new Map([
  ['ACCEPT', 'ACCEPT'], ['DROP', 'DROP'], ['%%REJECT%%', 'REJECT'], ['REJECT', 'REJECT'], ['default', 'default'],
]);

function dynamicReason(w: ShellWord): string {
  const x = w.expansions.find((e) => e.length > 1) ?? w.expansions[0];
  if (x.startsWith('$(') || x.startsWith('`')) return `\`${x}\` is the output of a command, known only when the script runs`;
  if (x.startsWith('${') || x.startsWith('$')) return `\`${x}\` is a shell variable, known only when the script runs`;
  if (x.startsWith('{{')) return `\`${x}\` is a template value, known only when it is rendered`;
  if (x.startsWith('{')) return `\`${x}\` is a brace expansion: the shell runs the command with each value`;
  return `"${w.value}" holds a shell pattern, expanded only when the script runs`;
}

/**
 * The operations of one command (empty when it is no firewall command, or one that changes nothing we model:
 * `--list-all`, `--query-port`, `--get-default-zone`). Problems: values firewall-cmd would refuse.
 */
export function firewallCmdOps(words: readonly ShellWord[], problems: ParseProblem[]): FirewallCommand[] {
  const k = programIndex(words);
  if (k >= words.length) return [];
  const prog = programName(words[k].value);
  const span: Span = { start: words[0].span.start, end: words[words.length - 1].span.end };
  const args = words.slice(k + 1);
  if (prog === 'systemctl') return systemctlOps(args, span);
  if (prog !== 'firewall-cmd' && prog !== 'firewall-offline-cmd') return [];
  const offline = prog === 'firewall-offline-cmd';
  let permanent = offline;
  let zone: string | undefined;
  let zoneUnknown: string | undefined;
  const pending: { name: string; value: string; word: ShellWord; at: Span }[] = [];
  for (let a = 0; a < args.length; a++) {
    const w = args[a];
    if (!w.value.startsWith('--')) continue;
    const eq = w.value.indexOf('=');
    let name = eq < 0 ? w.value : w.value.slice(0, eq);
    let value = eq < 0 ? '' : w.value.slice(eq + 1);
    let valueWord = w;
    const takesValue = name.startsWith('--add-') || name.startsWith('--remove-') || name === '--zone' || name === '--set-default-zone' || name === '--set-target';
    if (eq < 0 && takesValue && a + 1 < args.length) {
      // `--zone public`: the value is the next word
      valueWord = args[++a];
      value = valueWord.value;
    }
    if (name === '--permanent') { permanent = true; continue; }
    if (name === '--zone') {
      if (valueWord.expansions.length) zoneUnknown = dynamicReason(valueWord);
      else zone = value;
      continue;
    }
    if (name === '--add-ports') name = '--add-port';
    pending.push({ name, value, word: valueWord, at: valueWord === w ? w.span : { start: w.span.start, end: valueWord.span.end } });
  }
  const out: FirewallCommand[] = [];
  const base = { permanent, runtime: !permanent, span };
  for (const p of pending) {
    const origin = `${prog}${permanent && !offline ? ' --permanent' : ''}${zone !== undefined ? ` --zone=${zone}` : ''} ${p.name}${p.value ? `=${p.value}` : ''}`;
    const push = (op: FirewallOp) => {
      const c: FirewallCommand = { op, ...base, at: p.at, origin };
      if (zone !== undefined) c.zone = zone;
      if (zoneUnknown !== undefined) c.zoneUnknown = zoneUnknown;
      out.push(c);
    };
    if (p.name === '--reload' || p.name === '--complete-reload') { push({ kind: 'reload' }); continue; }
    if (p.name === '--runtime-to-permanent') { push({ kind: 'runtime-to-permanent' }); continue; }
    const adds = p.name.startsWith('--add-');
    const what = p.name.replace(/^--(add|remove)-/, '');
    const modelled = (adds || p.name.startsWith('--remove-')) && ['port', 'service', 'rich-rule', 'source'].includes(what);
    if (!modelled && p.name !== '--set-default-zone' && p.name !== '--set-target') continue;
    if (p.word.expansions.length) {
      const slash = what === 'port' ? p.value.lastIndexOf('/') : -1;
      const proto = slash >= 0 ? p.value.slice(slash + 1) : undefined;
      const op: FirewallOp = { kind: 'unknown', adds: adds || p.name !== '--set-default-zone', reasons: [dynamicReason(p.word)] };
      if (proto !== undefined && /^[a-z]+$/.test(proto)) op.protocol = proto;
      if (p.name === '--set-default-zone') {
        problems.push({ message: `the default zone "${p.value}" cannot be evaluated (${dynamicReason(p.word)}); the zone set before it is kept`, span: p.at });
        continue;
      }
      push(op);
      continue;
    }
    switch (what === p.name ? p.name : what) {
      case '--set-default-zone':
        push({ kind: 'set-default-zone', zone: p.value });
        break;
      case '--set-target': {
        const t = TARGETS.get(p.value);
        if (t) push({ kind: 'set-target', target: t });
        else problems.push({ message: `"${p.value}" is not a zone target (default, ACCEPT, DROP, %%REJECT%%)`, span: p.at });
        break;
      }
      case 'port': {
        const slash = p.value.lastIndexOf('/');
        const range = slash > 0 ? parsePortRange(p.value.slice(0, slash)) : null;
        if (!range) {
          problems.push({ message: `"${p.value}" is not a port and protocol (N/tcp or N-M/udp)`, span: p.at });
          break;
        }
        push({ kind: adds ? 'add-port' : 'remove-port', protocol: p.value.slice(slash + 1).toLowerCase(), range });
        break;
      }
      case 'service':
        push({ kind: adds ? 'add-service' : 'remove-service', name: p.value });
        break;
      case 'source':
        push({ kind: adds ? 'add-source' : 'remove-source', address: p.value });
        break;
      case 'rich-rule': {
        const r = readRichRule(p.value, p.at);
        if ('error' in r) problems.push({ message: `firewall-cmd refuses this rich rule: ${r.error}`, span: p.at });
        else push({ kind: adds ? 'add-rich-rule' : 'remove-rich-rule', rule: r.entry });
        break;
      }
    }
  }
  return out;
}

/** `systemctl disable --now firewalld`, `systemctl stop firewalld`, `systemctl enable firewalld`. */
function systemctlOps(args: readonly ShellWord[], span: Span): FirewallCommand[] {
  const words = args.map((w) => w.value);
  const verb = words.find((w) => !w.startsWith('-'));
  const now = words.includes('--now');
  const unit = args.find((w) => /^firewalld(\.service)?$/.test(w.value));
  if (!verb || !unit) return [];
  const at = unit.span;
  const origin = `systemctl ${words.join(' ')}`;
  const op = (enabled: boolean, permanent: boolean, runtime: boolean): FirewallCommand[] =>
    [{ op: { kind: 'firewalld-enabled', enabled }, permanent, runtime, span, at, origin }];
  switch (verb) {
    case 'disable': case 'mask': return op(false, true, now);
    case 'enable': case 'unmask': return op(true, true, now);
    case 'stop': return op(false, false, true);
    case 'start': case 'restart': return op(true, false, true);
    default: return [];
  }
}
