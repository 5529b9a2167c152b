/**
 * Node packet filters as their files hold them — `iptables-save` rules (`iptables-save.ts`), `nft list ruleset`
 * text (`nft-text.ts`) and `nft -j list ruleset` JSON (`nft-json.ts`) — in one shape: chains of rules, each a list
 * of conditions and a verdict. What a condition means for a packet (and what cannot be known about the node: its
 * interfaces, marks, rates) is worked out by `exposure/netfilter.ts`; readers only say what is written.
 */
import type { PortRange, Protocol } from './model';
import type { Span } from '../text/span';

/** One condition of a rule; `invert` for iptables `!` and nft `!=`. */
export type NfCondition =
  /** `-p tcp`, `tcp dport …`, `meta l4proto udp`; `other`: a protocol we do not model (icmp, esp…) */
  | { kind: 'protocol'; protocols: (Protocol | 'other')[]; invert: boolean }
  /** `--dport`, `--dports`, `tcp dport { 80, 443 }`; protocol-specific conditions come with a `protocol` one */
  | { kind: 'dport'; ranges: PortRange[]; invert: boolean }
  /** `--sport`, `tcp sport`: a client's source port is its own ephemeral choice, so no client connection matches */
  | { kind: 'sport'; invert: boolean }
  /** `-s`, `ip saddr`: canonical CIDRs (a single address is /32 or /128) */
  | { kind: 'saddr'; cidrs: string[]; invert: boolean }
  /** `-i`, `iifname`, `iif`: the interface the packet comes in on */
  | { kind: 'iface'; names: string[]; invert: boolean }
  /** `--state`, `--ctstate`, `ct state`: lower-case state names */
  | { kind: 'state'; states: string[]; invert: boolean }
  /** `meta nfproto ipv4`, `ip saddr` in an `inet` table: the rule only sees packets of that family */
  | { kind: 'family'; family: 'ipv4' | 'ipv6' }
  /** never true of a connection from outside to a node port (`-d 127.0.0.0/8`: the loopback is not reached from outside) */
  | { kind: 'never'; text: string }
  /** anything else (a mark, a rate limit, a destination address, a source port, `$variable`): not known for a node */
  | { kind: 'unknown'; text: string };

export type NfVerdict =
  | { kind: 'accept' | 'drop' | 'reject' | 'return' }
  /** a rule without a terminating verdict (LOG, counter, a comment only, MARK): evaluation goes on */
  | { kind: 'continue' }
  | { kind: 'jump' | 'goto'; chain: string }
  /** a target we do not model that may end evaluation (NFQUEUE, a chain the file does not declare) */
  | { kind: 'unknown'; text: string };

export interface NfRule {
  conditions: NfCondition[];
  verdict: NfVerdict;
  /** the rule's line (or JSON object) in its file */
  span: Span;
  /** the rule as a person reads it: `-A INPUT -j REJECT --reject-with icmp-host-prohibited`, `tcp dport 22 accept` */
  text: string;
  /** 1-based line of the rule in its file (for `rules.v4:14`) */
  line: number;
}

export interface NfChain {
  name: string;
  /** a base chain hooked on input (`INPUT` of iptables' filter table, nft `type filter hook input`) */
  input: boolean;
  /** nft base chain priority (lower runs first); 0 for iptables */
  priority: number;
  /** base chains only; iptables built-in chains and nft base chains default to accept */
  policy: 'accept' | 'drop';
  /** where the policy is written (`:INPUT DROP [0:0]`, `policy drop;`), else the chain's header */
  policySpan: Span;
  policyText: string;
  policyLine: number;
  rules: NfRule[];
  /** where a rule appended to the chain goes: the start of the line after its last rule (or of its closing line) */
  appendAt: number;
  /** the indentation of its rules (nft text), for fixes */
  indent: string;
}

/** One table's filter chains (iptables: the `filter` table; nftables: an `inet`, `ip` or `ip6` table). */
export interface NfTable {
  /** nft family (`inet`, `ip`, `ip6`); iptables: `ip` for rules.v4, `ip6` for rules.v6 */
  family: 'inet' | 'ip' | 'ip6';
  name: string;
  span: Span;
  /** chains by name, in file order */
  chains: Map<string, NfChain>;
}

export interface NfRuleset {
  format: 'iptables' | 'nft-text' | 'nft-json';
  path: string;
  /** the tables whose chains filter input (iptables: the filter table; nft: inet/ip/ip6 tables) */
  tables: NfTable[];
  /** the file's newline */
  newline: string;
  /** what the file holds that could not be followed (an nft `include`): the verdict is then unknown */
  unresolved: string[];
}
