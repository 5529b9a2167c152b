/**
 * What the OCI cloud controller refuses: `oci-udp-unsupported`, `oci-session-affinity-unsupported`,
 * `oci-invalid-annotation` (what it refuses is decided by `ociProblems`, exposure/oci-settings.ts), and what it
 * builds that cannot work: `oci-no-node-ports`. Detected by `checkOci` (checks/oci.ts). None has a fix.
 */
import { finding, type Finding } from '../findings/finding';
import type { Code, Severity } from '../findings/codes';
import type { FixHintKind } from '../findings/fix-hint';
import type { Span } from '../text/span';
import type { OciProblem } from '../exposure/oci-settings';

/** No code of this family has a fix. */
export const fixes = {} as const satisfies Partial<Record<Code, FixHintKind>>;

/** `nlbMode`: the security-list management mode of a network load balancer; undefined for a load balancer (lb). */
export function ociUdpUnsupported(path: string, span: Span, nlbMode: string | undefined): Finding {
  return finding('oci-udp-unsupported', path, span, nlbMode === undefined
    ? 'OCI load balancers (lb) do not support UDP; the cloud controller refuses the Service. Use a network load balancer (oci.oraclecloud.com/load-balancer-type: nlb) with security-list management mode None.'
    : `An OCI network load balancer supports UDP only when its security-list management mode (oci-network-load-balancer.oraclecloud.com/security-list-management-mode) is None; it is ${nlbMode} here, so the cloud controller refuses the Service.`);
}

export function ociSessionAffinityUnsupported(path: string, span: Span): Finding {
  return finding('oci-session-affinity-unsupported', path, span,
    'The OCI cloud controller only supports sessionAffinity None, and refuses the Service.');
}

/** The NLB's preserve-source annotation with externalTrafficPolicy Cluster. */
export function ociPreserveSourceNeedsLocal(path: string, span: Span, key: string): Finding {
  return finding('oci-invalid-annotation', path, span,
    `${key} can only be set when externalTrafficPolicy is Local; the cloud controller refuses the Service with Cluster.`);
}

/**
 * `oci-invalid-annotation` is an error (codes.ts), except for an annotation whose invalid value the controller
 * replaces by a default (`fallsBack`: the security-list management mode, which falls back to All): a warning.
 */
export function ociInvalidAnnotationSeverity(fallsBack: boolean): Severity {
  return fallsBack ? 'warning' : 'error';
}

/** `problem`: what is wrong with the value (`is not one of …`); `fallsBack`: see the severity. */
export function ociInvalidAnnotation(path: string, span: Span, key: string, value: string, problem: string, fallsBack: boolean): Finding {
  const outcome = fallsBack ? '; the cloud controller falls back to All' : '; the cloud controller refuses the Service';
  return finding('oci-invalid-annotation', path, span, `"${value}" is not a valid value for ${key}: it ${problem}${outcome}.`,
    { severity: ociInvalidAnnotationSeverity(fallsBack) });
}

/** The finding of one thing the controller refuses (or reads otherwise than written). */
export function ociProblemFinding(path: string, p: OciProblem): Finding {
  switch (p.kind) {
    case 'udp-on-lb': return ociUdpUnsupported(path, p.span, undefined);
    case 'udp-on-nlb': return ociUdpUnsupported(path, p.span, p.listMode);
    case 'session-affinity': return ociSessionAffinityUnsupported(path, p.span);
    case 'preserve-source-with-cluster': return ociPreserveSourceNeedsLocal(path, p.span, p.key);
    case 'annotation-value': return ociInvalidAnnotation(path, p.span, p.key, p.value, p.problem, p.fallsBack);
  }
}

/** `port`: `Port "http"` or `Port 80`; `span`: the first line of its `ports[]` item. */
export function ociNoNodePorts(path: string, span: Span, port: string): Finding {
  return finding('oci-no-node-ports', path, span,
    `${port} has no nodePort and allocateLoadBalancerNodePorts is false: the OCI cloud controller registers the load balancer's backends on port 0, so it cannot reach the pods. Pin a nodePort for this port, or remove allocateLoadBalancerNodePorts: false.`);
}
