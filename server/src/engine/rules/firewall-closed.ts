/**
 * The closed-port family: `firewalld-port-closed`, `security-list-port-closed`, `lb-listener-closed`,
 * `lb-egress-closed`. A layer the user manages does not allow a port the Service needs from a source that must
 * reach it (or, for the load balancer's egress, towards the nodes). Detected by `checkReachability`
 * (checks/reachability.ts); fixed by the `open-port` hint (fixes/firewalld.ts for a zone, fixes/oci.ts for
 * security lists and NSGs) — except the egress, which has no fix yet.
 */
import { finding, listText, type Finding } from '../findings/finding';
import type { Code, Severity } from '../findings/codes';
import type { FixHintKind } from '../findings/fix-hint';
import type { FirewalldLayer, GuardSource } from '../exposure/matcher';
import type { Rule } from '../sources/model';
import { reachHint, type ReachFacts } from './reach-facts';
import { portText, sourcesText } from './reach-text';

/** The hint kind each code's findings carry (fixes/planned.ts hands it to its fix). */
export const fixes = {
  'firewalld-port-closed': 'open-port',
  'security-list-port-closed': 'open-port',
  'lb-listener-closed': 'open-port',
} as const satisfies Partial<Record<Code, FixHintKind>>;

/**
 * `firewalld-port-closed` is a warning (codes.ts) because kube-proxy's DNAT usually gets node-port traffic past
 * firewalld's filter; it is an error when the port is the health-check port (kube-proxy serves it on the host
 * itself) or when StrictForwardPorts is on (firewalld then blocks the forwarded traffic).
 */
export function firewalldPortClosedSeverity(health: boolean, strictForwardPorts: boolean): Severity {
  return health || strictForwardPorts ? 'error' : 'warning';
}

/** A rule the user wrote that drops or rejects the port (a firewalld rich rule), in the zone that holds it. */
export interface BlockingDeny {
  rule: Rule;
  zone: GuardSource;
}

/** Fixes only add: what the message says when a rule the user wrote blocks the port (no fix removes it). */
function deniedText(denies: readonly BlockingDeny[]): string {
  if (denies.length === 0) return '';
  return ` It is blocked by ${listText(denies.map((d) => `${d.rule.origin} in ${d.zone.label}`))}, which ${denies.length === 1 ? 'drops or rejects' : 'drop or reject'} it whatever the zone allows: no fix removes a rule you wrote for you; remove it yourself if the port is meant to be open.`;
}

export function firewalldPortClosed(f: ReachFacts, fw: FirewalldLayer, denies: readonly BlockingDeny[] = []): Finding {
  const health = f.first.portKind === 'health';
  const why = health
    ? 'kube-proxy serves the health check on the host itself, so the load balancer will mark every node unhealthy'
    : fw.strictForwardPorts
      ? `StrictForwardPorts is on${fw.strictOrigin ? ` (${fw.strictOrigin})` : ''}, so firewalld blocks it`
      : "kube-proxy's DNAT usually gets node-port traffic past firewalld, but not with StrictForwardPorts=yes or IPVS";
  const what = `${f.first.port ?? 'the whole node-port range'}/${f.first.protocol.toLowerCase()}`;
  const denyRelated = denies.map((d) => ({ path: d.rule.path ?? d.zone.path, span: d.rule.span, message: `${d.rule.origin}: blocks ${what}` }));
  return finding('firewalld-port-closed', f.svc.path, f.anchor,
    `${portText(f.first, f.config)} is not open in ${sourcesText(f.checked)} from ${f.fromList} (${f.owner} of Service ${f.svcName}); ${why}.${deniedText(denies)}`,
    { severity: firewalldPortClosedSeverity(health, fw.strictForwardPorts), related: [...denyRelated, ...f.related], fix: reachHint(fixes['firewalld-port-closed'], f) });
}

export function securityListPortClosed(f: ReachFacts): Finding {
  const mode = f.exposure.oci ? `; OCI mode ${f.exposure.oci.mode}: these rules are yours to write` : '';
  return finding('security-list-port-closed', f.svc.path, f.anchor,
    `${portText(f.first, f.config)} is not open in ${sourcesText(f.checked)} from ${f.fromList} (${f.owner} of Service ${f.svcName}): no worker list or NSG rule allows it${mode}.`,
    { related: f.related, fix: reachHint(fixes['security-list-port-closed'], f) });
}

export function lbListenerClosed(f: ReachFacts): Finding {
  return finding('lb-listener-closed', f.svc.path, f.anchor,
    `${portText(f.first, f.config)} is not open in ${sourcesText(f.checked)} from ${f.fromList} (${f.owner} of Service ${f.svcName}): no load-balancer subnet list allows it.`,
    { related: f.related, fix: reachHint(fixes['lb-listener-closed'], f) });
}

export function lbEgressClosed(f: ReachFacts): Finding {
  const oci = f.exposure.oci;
  const mode = !oci ? '' : f.first.protocol === 'TCP' ? `; OCI mode ${oci.mode}: these rules are yours to write` : '; the cloud controller writes TCP rules only: UDP is yours to write';
  return finding('lb-egress-closed', f.svc.path, f.anchor,
    `${portText(f.first, f.config)} has no egress rule in ${sourcesText(f.checked)} towards the worker nodes (${f.owner} of Service ${f.svcName}): the load balancer cannot reach it${mode}.`,
    { related: f.related });
}
