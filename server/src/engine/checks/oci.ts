/**
 * The OCI findings (docs/rules.md): what the OCI cloud controller refuses when it builds the load balancer (UDP, ClientIP
 * affinity, annotation values: `ociProblems` decides), and a load balancer that cannot reach the pods because a
 * port has no node port. Made only when the provider is OCI and the Service is a LoadBalancer.
 */
import { finding } from '../findings/finding';
import type { ServiceModel } from '../k8s/service';
import { ociProblems } from '../exposure/oci-settings';
import { portItemHead } from './spans';
import type { CheckContext } from './context';

export function checkOci(svc: ServiceModel, ctx: CheckContext): void {
  if (svc.type !== 'LoadBalancer') return;
  const problems = ociProblems(svc);
  for (const p of problems) ctx.report(finding(p.code, svc.path, p.span, p.message, { severity: p.severity }));
  if (problems.some((p) => p.severity === 'error')) return; // refused: no load balancer, no backends

  // `allocateLoadBalancerNodePorts: false`: a port without a nodePort gets none, and the controller registers its
  // backends on port 0 (`getBackends` with the port's NodePort)
  if (svc.allocateLoadBalancerNodePorts) return;
  for (const p of svc.ports) {
    if (p.nodePort !== null || p.nodePortUnknown || p.templated) continue;
    ctx.report(finding('oci-no-node-ports', svc.path, portItemHead(p),
      `${p.name ? `Port "${p.name}"` : `Port ${p.port ?? '?'}`} has no nodePort and allocateLoadBalancerNodePorts is false: the OCI cloud controller registers the load balancer's backends on port 0, so it cannot reach the pods. Pin a nodePort for this port, or remove allocateLoadBalancerNodePorts: false.`));
  }
}
