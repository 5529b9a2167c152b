/**
 * What the OCI cloud controller refuses: `oci-udp-unsupported`, `oci-session-affinity-unsupported`,
 * `oci-invalid-annotation`, detected by `checkOci` (checks/oci.ts). None has a fix.
 */
import { finding, type Finding } from '../findings/finding';
import type { Code, Severity } from '../findings/codes';
import type { FixHintKind } from '../findings/fix-hint';
import type { Span } from '../text/span';

/** No code of this family has a fix. */
export const fixes = {} as const satisfies Partial<Record<Code, FixHintKind>>;

/** `nlbMode`: the security-list management mode of a network load balancer; undefined for a load balancer (lb). */
export function ociUdpUnsupported(path: string, span: Span, nlbMode: string | undefined): Finding {
  return finding('oci-udp-unsupported', path, span, nlbMode === undefined
    ? 'OCI load balancers (lb) do not support UDP; use a network load balancer (oci.oraclecloud.com/load-balancer-type: nlb) with security-list management mode None.'
    : `An OCI network load balancer supports UDP only with security-list management mode None (this Service is in mode ${nlbMode}).`);
}

export function ociSessionAffinityUnsupported(path: string, span: Span): Finding {
  return finding('oci-session-affinity-unsupported', path, span,
    'The OCI cloud controller only supports sessionAffinity None for LoadBalancer Services.');
}

/** The NLB's preserve-source annotation with externalTrafficPolicy Cluster. */
export function ociPreserveSourceNeedsLocal(path: string, span: Span, key: string): Finding {
  return finding('oci-invalid-annotation', path, span,
    `${key} can only be set when externalTrafficPolicy is Local; the cloud controller refuses it with Cluster.`);
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
  const fallback = fallsBack ? '; the cloud controller falls back to All' : '';
  return finding('oci-invalid-annotation', path, span, `"${value}" is not a valid value for ${key}: it ${problem}${fallback}.`,
    { severity: ociInvalidAnnotationSeverity(fallsBack) });
}
