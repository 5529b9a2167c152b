/**
 * OCI findings: what the OCI cloud controller refuses when it builds the load balancer (UDP,
 * ClientIP affinity, annotation values). Made only when the provider is OCI and the Service is a LoadBalancer.
 */
import type { ServiceModel } from '../k8s/service';
import { annotationValueProblem, NLB_PRESERVE_SOURCE, ociAnnotation } from '../oci/annotations';
import { ociSettingsOf } from '../exposure/oci-settings';
import {
  ociInvalidAnnotation, ociPreserveSourceNeedsLocal, ociSessionAffinityUnsupported, ociUdpUnsupported,
} from '../rules/oci-controller';
import { valueSpan } from './spans';
import type { CheckContext } from './context';

export function checkOci(svc: ServiceModel, ctx: CheckContext): void {
  if (svc.type !== 'LoadBalancer') return;
  const settings = ociSettingsOf(svc);
  const { flavour, mode } = settings;

  for (const p of svc.ports) {
    if (p.protocol !== 'UDP' || !p.protocolPair) continue;
    if (flavour === 'lb') {
      ctx.report(ociUdpUnsupported(svc.path, valueSpan(p.protocolPair), undefined));
    } else if (mode !== 'None') {
      ctx.report(ociUdpUnsupported(svc.path, valueSpan(p.protocolPair), mode));
    }
  }

  if (svc.sessionAffinity === 'ClientIP' && svc.sessionAffinityPair) {
    ctx.report(ociSessionAffinityUnsupported(svc.path, valueSpan(svc.sessionAffinityPair)));
  }

  for (const [key, ann] of svc.annotations) {
    const spec = ociAnnotation(key);
    if (!spec || ann.value === undefined) continue;
    if (spec.flavour !== 'both' && spec.flavour !== flavour) continue; // the other flavour's annotation is ignored
    const span = valueSpan(ann.pair);
    if (key === NLB_PRESERVE_SOURCE && svc.externalTrafficPolicy !== 'Local') {
      ctx.report(ociPreserveSourceNeedsLocal(svc.path, span, key));
      continue;
    }
    const problem = annotationValueProblem(spec, ann.value);
    if (!problem) continue;
    ctx.report(ociInvalidAnnotation(svc.path, span, key, ann.value, problem, spec.invalidSeverity === 'warning'));
  }
}
