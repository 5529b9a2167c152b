/**
 * The closed-port family: `firewalld-port-closed`, `security-list-port-closed`, `lb-listener-closed`. A layer
 * the user manages does not allow a port the Service needs from a source that must reach it. Detected by
 * `checkReachability` (checks/reachability.ts); fixed by the `open-port` hint (fixes/firewalld.ts for a zone,
 * fixes/oci.ts for security lists and NSGs).
 */
import { finding, type Finding } from '../findings/finding';
import type { Code, Severity } from '../findings/codes';
import type { FixHintKind } from '../findings/fix-hint';
import type { FirewalldLayer } from '../exposure/matcher';
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

export function firewalldPortClosed(f: ReachFacts, fw: FirewalldLayer): Finding {
  const health = f.first.portKind === 'health';
  const why = health
    ? 'kube-proxy serves the health check on the host itself, so the load balancer will mark every node unhealthy'
    : fw.strictForwardPorts
      ? `StrictForwardPorts is on${fw.strictOrigin ? ` (${fw.strictOrigin})` : ''}, so firewalld blocks it`
      : "kube-proxy's DNAT usually gets node-port traffic past firewalld, but not with StrictForwardPorts=yes or IPVS";
  return finding('firewalld-port-closed', f.svc.path, f.anchor,
    `${portText(f.first, f.config)} (${f.owner} of Service ${f.svcName}) is not allowed from ${f.fromList} by ${sourcesText(f.checked)}; ${why}.`,
    { severity: firewalldPortClosedSeverity(health, fw.strictForwardPorts), related: f.related, fix: reachHint(fixes['firewalld-port-closed'], f) });
}

export function securityListPortClosed(f: ReachFacts): Finding {
  const mode = f.exposure.oci ? ` (OCI mode ${f.exposure.oci.mode}: these rules are yours to write)` : '';
  return finding('security-list-port-closed', f.svc.path, f.anchor,
    `${portText(f.first, f.config)} (${f.owner} of Service ${f.svcName}) is not allowed from ${f.fromList} by any worker security list or NSG rule: ${sourcesText(f.checked)}${mode}.`,
    { related: f.related, fix: reachHint(fixes['security-list-port-closed'], f) });
}

export function lbListenerClosed(f: ReachFacts): Finding {
  return finding('lb-listener-closed', f.svc.path, f.anchor,
    `${portText(f.first, f.config)} (${f.owner} of Service ${f.svcName}) is not allowed from ${f.fromList} by the load-balancer subnet lists: ${sourcesText(f.checked)}.`,
    { related: f.related, fix: reachHint(fixes['lb-listener-closed'], f) });
}
