/**
 * iptables and nftables fixes: an accept rule for exactly the required port and source, inserted just before the
 * catch-all rule (or at the end of the chain whose policy) blocks it — in an iptables-save file in the file's own
 * style (`-m state --state NEW` or `-m conntrack --ctstate NEW`, `-m tcp` or not, as its accept rules are
 * written), in an nftables text ruleset at the blocking rule's indentation — plus the commands to copy
 * (`iptables -I INPUT …` / `nft insert rule …`) and the one that persists them. Where a rule the user wrote for
 * this port drops or rejects it, fixes only add: the one action offered removes that rule, never preferred and
 * never taken by `check --fix` or "fix all" (`manual`).
 */
import { nodeFirewallAllows, type NodeFirewallBlock } from '../exposure/node-firewall';
import { denyText } from '../exposure/netfilter';
import type { From, Requirement } from '../exposure/requirements';
import { rangesText, type Finding } from '../findings/finding';
import type { Missing, ReachHint } from '../findings/fix-hint';
import type { NfChain } from '../sources/netfilter-model';
import type { PortRange } from '../sources/model';
import type { FixContext } from './context';
import { fromPhrase, portProto, rangeOf } from './describe';
import { mergeableEdit, type PlannedEdit } from './edits';
import type { PlannedFix } from './plan';
import { commandLine, shellQuote } from './shell';

/** How the file's own accept rules are written (from the first `--dport … -j ACCEPT` rule of the chain). */
export interface IptablesStyle {
  state: 'state' | 'conntrack' | 'none';
  module: boolean;
}

export function iptablesStyle(chain: NfChain): IptablesStyle {
  const model = chain.rules.find((r) => r.verdict.kind === 'accept' && r.conditions.some((c) => c.kind === 'dport'));
  if (!model) return { state: 'state', module: true };
  const t = ` ${model.text} `;
  const state = / -m state /.test(t) ? 'state' : / -m conntrack /.test(t) ? 'conntrack' : 'none';
  return { state, module: / -m (tcp|udp|sctp) /.test(t) };
}

function isWhole(from: From): boolean {
  return from.kind === 'any' || from.cidr.endsWith('/0');
}

/** The words of an iptables accept rule after `-A CHAIN` / `-I CHAIN`. */
export function iptablesAcceptWords(style: IptablesStyle, protocol: string, range: PortRange, from: From): string[] {
  const p = protocol.toLowerCase();
  const words: string[] = [];
  if (!isWhole(from)) words.push('-s', (from as { cidr: string }).cidr);
  words.push('-p', p);
  if (style.state === 'state') words.push('-m', 'state', '--state', 'NEW');
  if (style.state === 'conntrack') words.push('-m', 'conntrack', '--ctstate', 'NEW');
  if (style.module) words.push('-m', p);
  words.push('--dport', range.min === range.max ? String(range.min) : `${range.min}:${range.max}`, '-j', 'ACCEPT');
  return words;
}

/** An nftables accept rule: `ip saddr 10.0.20.0/24 tcp dport 30080 accept`. */
export function nftAcceptRule(protocol: string, range: PortRange, from: From): string {
  const src = isWhole(from) ? '' : `${(from as { cidr: string }).cidr.includes(':') ? 'ip6' : 'ip'} saddr ${(from as { cidr: string }).cidr} `;
  return `${src}${protocol.toLowerCase()} dport ${range.min === range.max ? range.min : `${range.min}-${range.max}`} accept`;
}

/** Where the accept goes: the start of the blocking rule's line (it must be alone there), else the chain's end. */
function insertPoint(text: string, b: NodeFirewallBlock): { offset: number; indent: string } | undefined {
  const rule = b.deny.rule;
  if (rule) {
    const lineStart = text.lastIndexOf('\n', rule.span.start - 1) + 1;
    const before = text.slice(lineStart, rule.span.start);
    return /^[ \t]*$/.test(before) ? { offset: lineStart, indent: before } : undefined;
  }
  const at = b.deny.chain.appendAt;
  if (at < 0) return undefined;
  if (b.ruleset.format === 'iptables') return { offset: at, indent: '' };
  const lineEnd = text.indexOf('\n', at);
  const line = text.slice(at, lineEnd < 0 ? text.length : lineEnd);
  return /^[ \t]*\}/.test(line) ? { offset: at, indent: b.deny.chain.indent } : undefined;
}

/** The span of a rule's whole line (with its line break), when the rule is alone on it. */
function wholeLine(text: string, span: { start: number; end: number }): { start: number; end: number } | undefined {
  const start = text.lastIndexOf('\n', span.start - 1) + 1;
  let end = text.indexOf('\n', span.end);
  end = end < 0 ? text.length : end + 1;
  const line = text.slice(start, end);
  return line.trim() === text.slice(span.start, span.end).trim() ? { start, end } : undefined;
}

/** The manual action: remove the rules the user wrote that drop or reject this port (shown, never preferred). */
function removeDenies(ctx: FixContext, finding: Finding, h: ReachHint, own: NodeFirewallBlock[]): PlannedFix {
  const pp = portProto(h.port, h.protocol, ctx.analysis.config.nodePortRange);
  const plans: PlannedEdit[] = [];
  const copies: string[] = [];
  for (const b of own) {
    const rule = b.deny.rule!;
    const text = ctx.ws.getText(b.ruleset.path);
    const span = b.ruleset.format !== 'nft-json' && text !== undefined ? wholeLine(text, rule.span) : undefined;
    if (span && !plans.some((p) => p.path === b.ruleset.path && p.span.start === span.start)) plans.push({ path: b.ruleset.path, span, newText: '' });
    const handle = /handle (\d+)/.exec(rule.text);
    if (!span && handle) copies.push(commandLine(['nft', 'delete', 'rule', ...tableWords(b), 'handle', handle[1]]));
  }
  const verb = own.every((b) => b.deny.rule!.verdict.kind === 'reject') ? 'rejects' : 'drops';
  return {
    title: `Remove the rule that ${verb} ${pp}: ${own.map((b) => denyText(b.ruleset, b.deny)).join(', ')}`,
    finding, manual: true, plans, ...(copies.length ? { copyText: copies.join('\n') } : {}),
  };
}

function tableWords(b: NodeFirewallBlock): string[] {
  return [b.deny.table.family, b.deny.table.name, b.deny.chain.name].map(shellQuote);
}

export function netfilterFixes(ctx: FixContext, finding: Finding, h: ReachHint, missing: Missing[], opts: { preferred: boolean; copy: boolean }): PlannedFix[] {
  const layer = ctx.analysis.layers.nodeFirewall;
  if (!layer) return [];
  const nodePortRange = ctx.analysis.config.nodePortRange;
  const range = rangeOf(h.port, nodePortRange);
  const edits: PlannedEdit[] = [];
  const commands: string[] = [];
  const persist = new Set<string>();
  const froms: From[] = [];
  const names: string[] = [];
  const seenCommands = new Set<string>();
  for (const m of missing) {
    const req: Requirement = {
      traffic: m.traffic, layer: 'node-firewall', protocol: h.protocol, port: h.port, portKind: h.portKind, from: m.from,
      managedBy: 'user', servicePortIndex: h.servicePortIndex, anchor: h.anchor,
    };
    const answer = nodeFirewallAllows(layer, req, nodePortRange);
    if (answer.allowed) continue;
    const own = answer.blocks.filter((b) => b.ownDeny);
    if (own.length) return [removeDenies(ctx, finding, h, own)]; // a deny written for this port: fixes only add
    if (!froms.some((f) => fromPhrase(f) === fromPhrase(m.from))) froms.push(m.from);
    for (const b of answer.blocks) {
      const rs = b.ruleset;
      const text = ctx.ws.getText(rs.path);
      const where = rs.format !== 'nft-json' && text !== undefined ? insertPoint(text, b) : undefined;
      if (where) {
        const line = rs.format === 'iptables'
          ? commandLine(['-A', b.deny.chain.name, ...iptablesAcceptWords(iptablesStyle(b.deny.chain), h.protocol, range, m.from)])
          : nftAcceptRule(h.protocol, range, m.from);
        edits.push(mergeableEdit(rs.path, { start: where.offset, end: where.offset }, `netfilter-insert:${where.offset}`, [{ id: line, value: line }],
          (lines: string[]) => lines.map((l) => where.indent + l + rs.newline).join('')));
        if (!names.includes(rs.path)) names.push(rs.path);
      }
      let cmd: string;
      if (rs.format === 'iptables') {
        cmd = commandLine([b.deny.table.family === 'ip6' ? 'ip6tables' : 'iptables', '-I', 'INPUT', ...iptablesAcceptWords(iptablesStyle(b.deny.chain), h.protocol, range, m.from).map(shellQuote)]);
        persist.add('netfilter-persistent save');
      } else {
        cmd = commandLine(['nft', 'insert', 'rule', ...tableWords(b), ...nftAcceptRule(h.protocol, range, m.from).split(' ').map(shellQuote)]);
        persist.add('nft list ruleset > /etc/nftables.conf');
      }
      if (!seenCommands.has(cmd)) { seenCommands.add(cmd); commands.push(cmd); }
    }
  }
  if (commands.length === 0) return [];
  const pp = portProto(h.port, h.protocol, nodePortRange);
  const restricted = froms.filter((f) => !isWhole(f));
  const fromText = restricted.length ? ` from ${rangesText(restricted.map(fromPhrase))}` : '';
  const out: PlannedFix[] = [];
  if (edits.length) {
    out.push({ title: `Accept ${pp}${fromText} before the rule that blocks it (${names.join(', ')})`, finding, isPreferred: opts.preferred || undefined, plans: edits });
  }
  if (opts.copy) {
    out.push({
      title: `Copy the commands that accept ${pp}${fromText} on the nodes and keep the rules across reboots (shown, not run)`,
      finding, plans: [], copyText: [...commands, ...persist].join('\n'),
    });
  }
  return out;
}
