/**
 * `node-firewall-port-closed`: the nodes' iptables-save rules or nftables ruleset drop or reject a node port or
 * health-check port the Service needs. Detected by `checkReachability` (checks/reachability.ts) with
 * `exposure/node-firewall.ts`; fixed by the `open-port` hint (fixes/netfilter.ts).
 */
import { finding, listText, type Finding } from '../findings/finding';
import type { Code, Severity } from '../findings/codes';
import type { FixHintKind } from '../findings/fix-hint';
import type { NodeFirewallBlock } from '../exposure/node-firewall';
import { denyText } from '../exposure/netfilter';
import { reachHint, type ReachFacts } from './reach-facts';
import { portText, sourcesText } from './reach-text';

export const fixes = {
  'node-firewall-port-closed': 'open-port',
} as const satisfies Partial<Record<Code, FixHintKind>>;

/**
 * A warning for a node port (kube-proxy DNATs node-port traffic in prerouting, so it usually takes the FORWARD path,
 * which is not modelled, rather than INPUT); an error for the health-check port, which kube-proxy serves on the host.
 */
export function nodeFirewallPortClosedSeverity(health: boolean): Severity {
  return health ? 'error' : 'warning';
}

/** `rules.v4:14 -A INPUT -j REJECT --reject-with icmp-host-prohibited` for each rule that blocks. */
export function blockText(b: NodeFirewallBlock): string {
  return denyText(b.ruleset, b.deny);
}

export function nodeFirewallPortClosed(f: ReachFacts, blocks: readonly NodeFirewallBlock[]): Finding {
  const health = f.first.portKind === 'health';
  const why = health
    ? 'kube-proxy serves the health check on the host itself, so the load balancer will mark every node unhealthy'
    : "kube-proxy's DNAT usually sends node-port traffic through FORWARD rather than INPUT, but not for a port served on the host or with IPVS";
  const what = `${f.first.port ?? 'the whole node-port range'}/${f.first.protocol.toLowerCase()}`;
  const own = blocks.filter((b) => b.ownDeny);
  // the rule that blocks is the source the message names (`rules.v4:15 -A INPUT -j REJECT`); its file is in the related information
  const head = blocks.length
    ? `${portText(f.first, f.config)} is blocked by ${listText(blocks.map(blockText))} from ${f.fromList}`
    : `${portText(f.first, f.config)} is not open in ${sourcesText(f.checked)} from ${f.fromList}`;
  const ownText = own.length
    ? ` ${own.length === 1 ? 'That rule was' : 'Those rules were'} written for this port: no fix removes a rule you wrote for you; remove it yourself if the port is meant to be open.`
    : '';
  const related = blocks.map((b) => ({ path: b.ruleset.path, span: b.deny.rule?.span ?? b.deny.chain.policySpan, message: `${blockText(b)}: blocks ${what}` }));
  return finding('node-firewall-port-closed', f.svc.path, f.anchor,
    `${head} (${f.owner} of Service ${f.svcName}); ${why}.${ownText}`,
    { severity: nodeFirewallPortClosedSeverity(health), related: [...related, ...f.related], fix: reachHint(fixes['node-firewall-port-closed'], f) });
}
