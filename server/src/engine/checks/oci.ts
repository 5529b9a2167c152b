/**
 * OCI findings: what the OCI cloud controller refuses when it builds the load balancer (UDP,
 * ClientIP affinity, annotation values). Made only when the provider is OCI and the Service is a LoadBalancer.
 */
import { finding } from '../findings/finding';
import type { ServiceModel } from '../k8s/service';
import { annotationValueProblem, NLB_PRESERVE_SOURCE, ociAnnotation } from '../oci/annotations';
import { ociSettingsOf } from '../exposure/oci-settings';
import { valueSpan } from './spans';
import type { CheckContext } from './context';

export function checkOci(svc: ServiceModel, ctx: CheckContext): void {
  if (svc.type !== 'LoadBalancer') return;
  const settings = ociSettingsOf(svc);
  const { flavour, mode } = settings;

  for (const p of svc.ports) {
    if (p.protocol !== 'UDP' || !p.protocolPair) continue;
    if (flavour === 'lb') {
      ctx.report(finding('oci-udp-unsupported', svc.path, valueSpan(p.protocolPair),
        'OCI load balancers (lb) do not support UDP; use a network load balancer (oci.oraclecloud.com/load-balancer-type: nlb) with security-list management mode None.'));
    } else if (mode !== 'None') {
      ctx.report(finding('oci-udp-unsupported', svc.path, valueSpan(p.protocolPair),
        `An OCI network load balancer supports UDP only with security-list management mode None (this Service is in mode ${mode}).`));
    }
  }

  if (svc.sessionAffinity === 'ClientIP' && svc.sessionAffinityPair) {
    ctx.report(finding('oci-session-affinity-unsupported', svc.path, valueSpan(svc.sessionAffinityPair),
      'The OCI cloud controller only supports sessionAffinity None for LoadBalancer Services.'));
  }

  for (const [key, ann] of svc.annotations) {
    const spec = ociAnnotation(key);
    if (!spec || ann.value === undefined) continue;
    if (spec.flavour !== 'both' && spec.flavour !== flavour) continue; // the other flavour's annotation is ignored
    const span = valueSpan(ann.pair);
    if (key === NLB_PRESERVE_SOURCE && svc.externalTrafficPolicy !== 'Local') {
      ctx.report(finding('oci-invalid-annotation', svc.path, span,
        `${key} can only be set when externalTrafficPolicy is Local; the cloud controller refuses it with Cluster.`));
      continue;
    }
    const problem = annotationValueProblem(spec, ann.value);
    if (!problem) continue;
    const fallback = spec.invalidSeverity === 'warning' ? '; the cloud controller falls back to All' : '';
    ctx.report(finding('oci-invalid-annotation', svc.path, span, `"${ann.value}" is not a valid value for ${key}: it ${problem}${fallback}.`,
      { severity: spec.invalidSeverity ?? 'error' }));
  }
}
