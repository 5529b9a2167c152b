/**
 * Ansible read for its firewall changes: `ansible.posix.firewalld` / `firewalld` tasks (`port`, `service`,
 * `rich_rule`, `source`, `zone`, `target`, `permanent`, `immediate`, `offline`, `state`) and `shell` / `command`
 * tasks that run `firewall-cmd`, in a playbook (plays' `pre_tasks`, `tasks`, `post_tasks`, `handlers`, with
 * `block` / `rescue` / `always`) or a role's task file. A `loop` / `with_items` over a literal list (or a list
 * variable) runs the task once per item; `{{ item }}` and `{{ var }}` are resolved (`ansible-vars.ts`); what is
 * built otherwise is unknown. A `when:` condition is taken to hold. Included task files are not followed: each
 * file is read on its own, in workspace order.
 */
import { asMap, asScalar, asSeq, get, parseYaml, type YMap, type YNode, type YScalar } from '../parse/yaml';
import type { ParseProblem } from '../parse/problem';
import type { Span } from '../text/span';
import type { ReadResult } from './model';
import type { CommandSite, FirewallCommand, FirewallCommandFile, FirewallOp } from './firewall-cmd';
import { scriptCommands } from './firewall-script';
import { readRichRule } from './rich-rule';
import { lineIndent, nextLineStart, parsePortRange } from './source-common';
import { loopItems, resolveJinja, varsOf, type VarValue, type Vars } from './ansible-vars';
import { readShell } from './shell-words';

export const FIREWALLD_MODULES = ['ansible.posix.firewalld', 'firewalld', 'community.general.firewalld'];
const SHELL_MODULES = ['ansible.builtin.shell', 'ansible.builtin.command', 'shell', 'command', 'ansible.legacy.shell', 'ansible.legacy.command'];
const TASK_LISTS = ['pre_tasks', 'tasks', 'post_tasks', 'handlers'];
const SERVICE_MODULES = ['ansible.builtin.service', 'ansible.builtin.systemd', 'ansible.builtin.systemd_service', 'service', 'systemd', 'systemd_service'];

export interface AnsibleReading {
  /** what the file is: a playbook, a task list, or neither (not claimed) */
  shape: 'playbook' | 'tasks' | null;
  /** the root of the first document */
  root: YNode | null;
  problems: ParseProblem[];
  /** it holds a firewalld task or a firewall-cmd shell task */
  firewall: boolean;
}

function isTask(n: YNode | null): n is YMap {
  const m = asMap(n);
  return !!m && !get(m, 'apiVersion') && !get(m, 'kind') && !get(m, 'hosts');
}

function taskModule(t: YMap, modules: readonly string[]): string | undefined {
  return t.pairs.find((p) => modules.includes(p.name))?.name;
}

/** Every task of a task list, depth first through blocks. */
function* tasksOf(list: YNode | null | undefined): Generator<YMap> {
  for (const item of asSeq(list)?.items ?? []) {
    if (!isTask(item)) continue;
    if (get(item, 'block')) {
      for (const k of ['block', 'rescue', 'always']) yield* tasksOf(get(item, k)?.value);
    } else yield item;
  }
}

function firewallTask(t: YMap): boolean {
  if (taskModule(t, FIREWALLD_MODULES)) return true;
  const svc = taskModule(t, SERVICE_MODULES);
  if (svc && /^firewalld(\.service)?$/.test(String(asScalar(get(asMap(get(t, svc)?.value), 'name')?.value)?.value ?? ''))) return true;
  const sh = taskModule(t, SHELL_MODULES);
  if (!sh) return false;
  const v = get(t, sh)?.value ?? null;
  const text = asScalar(v)?.value ?? asScalar(get(asMap(v), 'cmd')?.value)?.value;
  return typeof text === 'string' && /firewall-(offline-)?cmd|firewalld/.test(text);
}

/** Reads a YAML text as Ansible (once per text; the variables are applied later). */
export function readAnsibleYaml(text: string): AnsibleReading {
  // an Ansible file is plain YAML whose strings hold Jinja: read as YAML (not as a Go template, whose reading would
  // blank the `{{ … }}` this reader resolves); scalars holding `{{` are still marked `template`
  const parsed = parseYaml(text, { template: false });
  const root = parsed.documents[0]?.contents ?? null;
  const seq = asSeq(root);
  if (!seq || seq.items.length === 0) return { shape: null, root, problems: parsed.problems, firewall: false };
  const plays = seq.items.filter((i) => !!get(i, 'hosts') || !!get(i, 'import_playbook'));
  if (plays.length) {
    const firewall = plays.some((p) => TASK_LISTS.some((k) => [...tasksOf(get(p, k)?.value)].some(firewallTask)));
    return { shape: 'playbook', root, problems: parsed.problems, firewall };
  }
  if (!seq.items.every(isTask)) return { shape: null, root, problems: parsed.problems, firewall: false };
  const firewall = [...tasksOf(seq)].some(firewallTask);
  return { shape: firewall ? 'tasks' : null, root, problems: parsed.problems, firewall };
}

function truthy(n: YNode | null | undefined, vars: Vars): boolean | undefined {
  const s = asScalar(n);
  if (!s) return undefined;
  let v: unknown = s.value;
  if (s.template) {
    const r = resolveJinja(String(s.value), vars);
    if ('reasons' in r) return undefined;
    v = r.value;
  }
  if (typeof v === 'boolean') return v;
  const t = String(v).toLowerCase();
  if (['yes', 'true', 'on', '1'].includes(t)) return true;
  if (['no', 'false', 'off', '0'].includes(t)) return false;
  return undefined;
}

/** A value of the task's arguments resolved (with `item` when it loops): a string, or why it is unknown. */
function argValue(s: YScalar, vars: Vars): { value: string } | { reasons: string[] } {
  if (!s.template) return { value: s.value === null ? '' : String(s.value) };
  return resolveJinja(String(s.value), vars);
}

/** A task's arguments: the module's map, or its free form `port=80/tcp permanent=yes state=enabled`. */
function argsOf(t: YMap, module: string): Map<string, YScalar> {
  const out = new Map<string, YScalar>();
  const v = get(t, module)?.value ?? null;
  const m = asMap(v);
  if (m) {
    for (const p of m.pairs) { const s = asScalar(p.value); if (s) out.set(p.name, s); }
    return out;
  }
  const s = asScalar(v);
  if (s && typeof s.value === 'string') {
    for (const c of readShell(s.value).commands) {
      for (const w of c.words) {
        const eq = w.value.indexOf('=');
        if (eq > 0) out.set(w.value.slice(0, eq), { ...s, value: w.value.slice(eq + 1), template: w.value.includes('{{') });
      }
    }
  }
  // a task may give its arguments under `args:`
  for (const p of asMap(get(t, 'args')?.value)?.pairs ?? []) { const a = asScalar(p.value); if (a && !out.has(p.name)) out.set(p.name, a); }
  return out;
}

function taskName(t: YMap): string {
  const n = asScalar(get(t, 'name')?.value)?.value;
  return typeof n === 'string' ? ` (task "${n}")` : '';
}

/** The commands of one firewalld task, for one loop item (or none). */
function firewalldTask(t: YMap, module: string, vars: Vars, problems: ParseProblem[], out: FirewallCommand[]): void {
  const args = argsOf(t, module);
  const unknown: string[] = [];
  const val = (k: string): string | undefined => {
    const s = args.get(k);
    if (!s) return undefined;
    const r = argValue(s, vars);
    if ('reasons' in r) { unknown.push(...r.reasons); return undefined; }
    return r.value;
  };
  const state = val('state');
  const permanent = truthy(args.get('permanent'), vars) === true || truthy(args.get('offline'), vars) === true;
  const immediate = truthy(args.get('immediate'), vars) === true;
  const zoneArg = args.get('zone');
  const zone = val('zone');
  const zoneUnknown = zoneArg && zone === undefined ? unknown[unknown.length - 1] : undefined;
  const base = { permanent, runtime: !permanent || immediate, span: t.span };
  const push = (op: FirewallOp, at: Span, origin: string) => {
    const c: FirewallCommand = { op, ...base, at, origin: `${module} ${origin}${taskName(t)}` };
    if (zone !== undefined) c.zone = zone;
    if (zoneUnknown !== undefined) c.zoneUnknown = zoneUnknown;
    out.push(c);
  };
  const stateKnown = state === 'enabled' || state === 'disabled' || state === 'present' || state === 'absent';
  const adds = state !== 'disabled' && state !== 'absent';
  for (const key of ['port', 'service', 'rich_rule', 'source']) {
    const s = args.get(key);
    if (!s) continue;
    const before = unknown.length;
    const v = val(key);
    const shown = `${key}=${String(s.value)}`;
    if (v === undefined || !stateKnown) {
      const reasons = v === undefined ? unknown.slice(before) : [`the state \`${String(args.get('state')?.value ?? '')}\` is not known`];
      const op: FirewallOp = { kind: 'unknown', adds, reasons };
      const slash = String(s.value).lastIndexOf('/');
      if (key === 'port' && slash >= 0 && /^[a-z]+$/.test(String(s.value).slice(slash + 1))) op.protocol = String(s.value).slice(slash + 1);
      push(op, s.span, shown);
      continue;
    }
    if (state === 'present' || state === 'absent') continue; // zone creation and removal: not a port change
    switch (key) {
      case 'port': {
        const slash = v.lastIndexOf('/');
        const range = slash > 0 ? parsePortRange(v.slice(0, slash)) : null;
        if (!range) { problems.push({ message: `"${v}" is not a port and protocol (N/tcp or N-M/udp)`, span: s.span }); break; }
        push({ kind: adds ? 'add-port' : 'remove-port', protocol: v.slice(slash + 1).toLowerCase(), range }, s.span, `port=${v}`);
        break;
      }
      case 'service':
        push({ kind: adds ? 'add-service' : 'remove-service', name: v }, s.span, `service=${v}`);
        break;
      case 'source':
        push({ kind: adds ? 'add-source' : 'remove-source', address: v }, s.span, `source=${v}`);
        break;
      case 'rich_rule': {
        const r = readRichRule(v, s.span);
        if ('error' in r) problems.push({ message: `firewalld refuses this rich rule: ${r.error}`, span: s.span });
        else push({ kind: adds ? 'add-rich-rule' : 'remove-rich-rule', rule: r.entry }, s.span, `rich_rule=${v}`);
        break;
      }
    }
  }
  const target = args.get('target');
  if (target && (state === 'present' || state === 'enabled')) {
    const v = val('target');
    const t2 = v === 'ACCEPT' ? 'ACCEPT' : v === 'DROP' ? 'DROP' : v === '%%REJECT%%' || v === 'REJECT' ? 'REJECT' : v === 'default' ? 'default' : undefined;
    if (t2) push({ kind: 'set-target', target: t2 }, target.span, `target=${v}`);
  }
}

/** `service` / `systemd` with `name: firewalld`: enabled or disabled for good (`enabled`, `masked`), started or stopped. */
function serviceTask(t: YMap, module: string, vars: Vars, out: FirewallCommand[]): void {
  const args = asMap(get(t, module)?.value);
  if (!args) return;
  const name = asScalar(get(args, 'name')?.value);
  if (!name || !/^firewalld(\.service)?$/.test(String(name.value))) return;
  const origin = `${module} name=${String(name.value)}${taskName(t)}`;
  const push = (enabled: boolean, permanent: boolean) => out.push({ op: { kind: 'firewalld-enabled', enabled }, permanent, runtime: !permanent, span: t.span, at: name.span, origin });
  const enabled = truthy(get(args, 'enabled')?.value, vars);
  const masked = truthy(get(args, 'masked')?.value, vars);
  if (masked === true) push(false, true);
  else if (enabled !== undefined) push(enabled, true);
  const state = asScalar(get(args, 'state')?.value)?.value;
  if (state === 'stopped') push(false, false);
  else if (state === 'started' || state === 'restarted' || state === 'reloaded') push(true, false);
}

/** A shell / command task's firewall-cmd lines (Jinja in them resolved, else unknown). */
function shellTask(t: YMap, module: string, vars: Vars, problems: ParseProblem[], out: FirewallCommand[]): void {
  const v = get(t, module)?.value ?? null;
  const s = asScalar(v) ?? asScalar(get(asMap(v), 'cmd')?.value);
  if (!s || typeof s.value !== 'string') return;
  let text = s.value;
  if (s.template) {
    const r = resolveJinja(text, vars);
    if ('value' in r) text = r.value;
  }
  const inner: ParseProblem[] = [];
  const cmds = scriptCommands(text, inner);
  for (const p of inner) problems.push({ ...p, span: s.span });
  for (const c of cmds) out.push({ ...c, span: t.span, at: s.span, origin: `${module}: ${c.origin}${taskName(t)}` });
}

/** Where a new task goes after `t`, laid out as `t` is. */
function taskSite(text: string, t: YMap, module: string): CommandSite {
  const lineStart = text.lastIndexOf('\n', t.span.start - 1) + 1;
  const keyIndent = text.slice(lineStart, t.span.start).replace(/[^\t]/g, ' ');
  const args = asMap(get(t, module)?.value);
  const first = args && !args.flow ? args.pairs[0] : undefined;
  const argIndent = first ? lineIndent(text, first.key.span.start) : keyIndent + '  ';
  const written: Record<string, string> = {};
  for (const p of args?.pairs ?? []) if (p.value) written[p.name] = text.slice(p.value.span.start, p.value.span.end);
  return {
    after: nextLineStart(text, Math.max(t.span.start, t.span.end - 1)),
    indent: lineIndent(text, t.span.start),
    task: { module, keyIndent, argIndent, taskKeys: t.pairs.map((p) => p.name), argKeys: args?.pairs.map((p) => p.name) ?? [], written },
  };
}

/** The file's firewall commands with `vars` (the role's and the play's); each firewalld task's site for a fix. */
export function ansibleCommands(path: string, text: string, reading: AnsibleReading, fileVars: Vars): ReadResult<FirewallCommandFile> {
  const problems: ParseProblem[] = [];
  const commands: FirewallCommand[] = [];
  const runTask = (t: YMap, vars: Vars) => {
    const svc = taskModule(t, SERVICE_MODULES);
    if (svc) { serviceTask(t, svc, vars, commands); return; }
    const fw = taskModule(t, FIREWALLD_MODULES);
    const sh = fw ? undefined : taskModule(t, SHELL_MODULES);
    if (!fw && !(sh && firewallTask(t))) return;
    const loopPair = get(t, 'loop') ?? get(t, 'with_items');
    const items = loopPair ? loopItems(loopPair.value, vars) : null;
    const once = (v: Vars) => {
      const from = commands.length;
      if (fw) firewalldTask(t, fw, v, problems, commands);
      else shellTask(t, sh!, v, problems, commands);
      if (fw) { const site = taskSite(text, t, fw); for (let i = from; i < commands.length; i++) commands[i].site = site; }
    };
    if (items === null) { once(vars); return; }
    if (!Array.isArray(items)) {
      // the loop cannot be evaluated: the task's changes are unknown
      const at = loopPair!.value?.span ?? loopPair!.span;
      commands.push({ op: { kind: 'unknown', adds: true, reasons: items.reasons }, permanent: true, runtime: true, span: t.span, at, origin: `${fw ?? sh} loop${taskName(t)}` });
      return;
    }
    for (const item of items.flat()) {
      const v = new Map(vars);
      v.set('item', item as VarValue);
      once(v);
    }
  };
  const root = reading.root;
  if (reading.shape === 'playbook') {
    for (const play of asSeq(root)?.items ?? []) {
      const vars = new Map(fileVars);
      for (const [k, v] of varsOf(get(play, 'vars')?.value)) vars.set(k, v);
      for (const key of TASK_LISTS) for (const t of tasksOf(get(play, key)?.value)) runTask(t, vars);
    }
  } else if (reading.shape === 'tasks') {
    for (const t of tasksOf(root)) runTask(t, fileVars);
  }
  return { value: { kind: 'firewall-commands', path, format: 'ansible', commands }, problems };
}
