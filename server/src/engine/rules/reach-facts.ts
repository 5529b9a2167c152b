/**
 * What the reachability units word a finding from: one group of requirements that are not allowed at one
 * anchor (checks/reachability.ts groups them), with the phrases every such message shares, and the fix hint
 * they all carry.
 */
import { rangesText, type RelatedInfo } from '../findings/finding';
import type { ReachHint } from '../findings/fix-hint';
import type { ServiceReachConfig } from '../config/config';
import type { ServiceModel } from '../k8s/service';
import type { Span } from '../text/span';
import { fromText, type Exposure, type From, type Requirement } from '../exposure/requirements';
import type { GuardSource } from '../exposure/matcher';
import { relatedOf } from './reach-text';

export interface ReachFacts {
  svc: ServiceModel;
  exposure: Exposure;
  config: ServiceReachConfig;
  anchor: Span;
  /** the group's requirements, all not allowed (at least one) */
  reqs: Requirement[];
  /** the rule sources checked for them */
  checked: GuardSource[];
  first: Requirement;
  froms: From[];
  /** `0.0.0.0/0, 10.0.0.0/8` */
  fromList: string;
  /** `port "http"`, `port 80`, `healthCheckNodePort`, `kube-proxy health check` */
  owner: string;
  svcName: string;
  /** one related location per source checked */
  related: RelatedInfo[];
}

function uniqueFroms(reqs: readonly Requirement[]): From[] {
  const seen = new Set<string>();
  const out: From[] = [];
  for (const r of reqs) {
    const t = fromText(r.from);
    if (!seen.has(t)) { seen.add(t); out.push(r.from); }
  }
  return out;
}

function portOwner(svc: ServiceModel, req: Requirement): string {
  if (req.servicePortIndex === null) return req.port === null || svc.healthCheckNodePort !== null ? 'healthCheckNodePort' : 'kube-proxy health check';
  const p = svc.ports.find((x) => x.index === req.servicePortIndex);
  return p?.name ? `port "${p.name}"` : `port ${p?.port ?? '?'}`;
}

export function reachFacts(svc: ServiceModel, exposure: Exposure, config: ServiceReachConfig, anchor: Span, reqs: Requirement[], checked: GuardSource[]): ReachFacts {
  const first = reqs[0];
  const froms = uniqueFroms(reqs);
  const fromList = rangesText(froms.map(fromText));
  const what = `${first.port ?? 'the whole node-port range'}/${first.protocol.toLowerCase()}`;
  const related = relatedOf(checked, isEgress(first) ? `does not allow egress on ${what} to the worker nodes` : `does not allow ${what} from ${fromList}`);
  return { svc, exposure, config, anchor, reqs, checked, first, froms, fromList, owner: portOwner(svc, first), svcName: svc.name ?? '(unnamed)', related };
}

/** The load balancer's way out of its subnet (its egress rules), which no fix writes yet. */
export function isEgress(r: Requirement): boolean {
  return r.traffic === 'lb-egress-to-nodes';
}

/**
 * The hint of a reachability finding: `open-port` for a closed port, `pin-node-port` for an unpinned one. It names
 * the ingress requirements only (no fix writes an egress rule yet): undefined when there are none.
 */
export function reachHint(kind: ReachHint['kind'], f: ReachFacts): ReachHint | undefined {
  const ingress = f.reqs.filter((r) => !isEgress(r));
  if (ingress.length === 0) return undefined;
  const first = ingress[0];
  return {
    kind,
    layer: first.layer,
    protocol: first.protocol,
    port: first.port,
    portKind: first.portKind,
    traffic: first.traffic,
    froms: f.froms,
    service: f.svcName,
    namespace: f.svc.namespace,
    portOwner: f.owner,
    targets: f.checked.map((s) => ({ kind: s.kind, path: s.path, key: s.key })),
    servicePortIndex: first.servicePortIndex,
    anchor: f.anchor,
    missing: ingress.map((r) => ({ layer: r.layer, traffic: r.traffic, from: r.from })),
  };
}
