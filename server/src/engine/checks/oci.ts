/**
 * The OCI findings (docs/rules.md): what the OCI cloud controller refuses when it builds the load balancer (UDP,
 * ClientIP affinity, annotation values: `ociProblems` decides, rules/oci-controller.ts words), and a load balancer
 * that cannot reach the pods because a port has no node port. Made only when the provider is OCI and the Service
 * is a LoadBalancer.
 */
import type { ServiceModel } from '../k8s/service';
import { ociProblems, refuses } from '../exposure/oci-settings';
import { ociNoNodePorts, ociProblemFinding } from '../rules/oci-controller';
import { portItemHead } from '../k8s/spans';
import type { CheckContext } from './context';

export function checkOci(svc: ServiceModel, ctx: CheckContext): void {
  if (svc.type !== 'LoadBalancer') return;
  const problems = ociProblems(svc);
  for (const p of problems) ctx.report(ociProblemFinding(svc.path, p));
  if (problems.some(refuses)) return; // refused: no load balancer, no backends

  // `allocateLoadBalancerNodePorts: false`: a port without a nodePort gets none, and the controller registers its
  // backends on port 0 (`getBackends` with the port's NodePort)
  if (svc.allocateLoadBalancerNodePorts) return;
  for (const p of svc.ports) {
    if (p.nodePort !== null || p.nodePortUnknown || p.templated) continue;
    ctx.report(ociNoNodePorts(svc.path, portItemHead(p), p.name ? `Port "${p.name}"` : `Port ${p.port ?? '?'}`));
  }
}
