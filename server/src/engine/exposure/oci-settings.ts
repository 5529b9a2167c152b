/**
 * How the OCI cloud controller reads a LoadBalancer Service (README, "How reachability is decided"): which load
 * balancer it builds, which security-rule management mode applies and where that came from, whether the client
 * source is preserved — and what it refuses. Each rule follows the controller's own code (`load_balancer_spec.go`:
 * getLoadBalancerType, getSecurityListManagementMode, getRuleManagementMode, getPreserveSource, validateService,
 * and the NSG list readers); `ociProblems` is the one place that says what it refuses, so the OCI check and the
 * exposure model cannot disagree on it.
 */
import type { ServiceModel } from '../k8s/service';
import type { Span } from '../text/span';
import {
  annotationValueProblem, BACKEND_NSG, LB_LIST_MODE, LB_TYPE, NLB_LIST_MODE, NLB_PRESERVE_SOURCE, nsgIdsOf, ociAnnotation,
  RULE_MODE, ruleModeOf, type Flavour,
} from '../oci/annotations';
import { parseGoBool } from '../util/strconv';
import type { YPair } from '../parse/yaml';

/** The value of a pair, or its key when the value is missing. */
function valueSpan(pair: YPair): Span {
  return pair.value?.span ?? pair.key.span;
}

export type ManagementMode = 'All' | 'Frontend' | 'None' | 'NSG';

export interface OciSettings {
  flavour: Flavour;
  mode: ManagementMode;
  /** the annotation the mode came from, or `default` */
  modeOrigin: string;
  /** NSG mode with backend NSGs named: the controller writes the worker rules */
  backendNsg: boolean;
  preserveSource: boolean;
  /**
   * The controller refuses the Service (an `oci-invalid-annotation` or `oci-*-unsupported` error): it builds no
   * load balancer, so nothing is required of any layer.
   */
  refused: boolean;
}

// a Map: the annotation values are the user's text (`constructor` is no mode)
const LIST_MODES: ReadonlyMap<string, ManagementMode> = new Map([['All', 'All'], ['Frontend', 'Frontend'], ['None', 'None']]);

function annotationOf(svc: ServiceModel, key: string): string | undefined {
  return svc.annotations.get(key)?.value;
}

/** `getLoadBalancerType`: the annotation lower-cased, not trimmed; anything but `nlb` is an `lb`. */
export function flavourOf(svc: ServiceModel): Flavour {
  return annotationOf(svc, LB_TYPE)?.toLowerCase() === 'nlb' ? 'nlb' : 'lb';
}

/**
 * `getSecurityListManagementMode`: the flavour's list-mode annotation, exact values only; an `nlb` defaults to
 * None and refuses an invalid value (undefined here), an `lb` defaults to All and falls back to it.
 */
export function listModeOf(svc: ServiceModel, flavour: Flavour): ManagementMode | undefined {
  const value = annotationOf(svc, flavour === 'nlb' ? NLB_LIST_MODE : LB_LIST_MODE);
  if (value === undefined) return flavour === 'nlb' ? 'None' : 'All';
  return LIST_MODES.get(value) ?? (flavour === 'nlb' ? undefined : 'All');
}

export function ociSettingsOf(svc: ServiceModel): OciSettings {
  const flavour = flavourOf(svc);
  let mode: ManagementMode;
  let modeOrigin = 'default';
  const ruleMode = annotationOf(svc, RULE_MODE);
  if (ruleMode !== undefined) {
    // an unknown value refuses the Service; the controller's answer is then None
    mode = ruleModeOf(ruleMode) ?? 'None';
    modeOrigin = RULE_MODE;
  } else {
    const listKey = flavour === 'nlb' ? NLB_LIST_MODE : LB_LIST_MODE;
    mode = listModeOf(svc, flavour) ?? 'None';
    if (annotationOf(svc, listKey) !== undefined) modeOrigin = listKey;
  }
  const backend = annotationOf(svc, BACKEND_NSG);
  const backendIds = backend === undefined ? undefined : nsgIdsOf(backend, Infinity);
  const backendNsg = !!backendIds && 'ids' in backendIds && backendIds.ids.length > 0;
  return { flavour, mode, modeOrigin, backendNsg, preserveSource: preserveSourceOf(svc), refused: ociProblems(svc).some(refuses) };
}

/**
 * `getPreserveSource`: only when the raw type annotation is exactly `nlb` (with `NLB` the load balancer is an nlb
 * whose annotation is ignored), with `externalTrafficPolicy: Local`; the annotation (Go's ParseBool) defaults to
 * true.
 */
function preserveSourceOf(svc: ServiceModel): boolean {
  if (annotationOf(svc, LB_TYPE) !== 'nlb' || svc.externalTrafficPolicy !== 'Local') return false;
  const written = annotationOf(svc, NLB_PRESERVE_SOURCE);
  return written === undefined ? true : parseGoBool(written) === true;
}

/** Whether worker-node rules (node ports, health check) and the load balancer's egress are the user's job under this mode. */
export function workerRulesAreUsers(s: OciSettings): boolean {
  return s.mode === 'Frontend' || s.mode === 'None' || (s.mode === 'NSG' && !s.backendNsg);
}

/**
 * One thing the cloud controller refuses (or, `fallsBack`, reads otherwise than written) in a Service: what and
 * where, as data; rules/oci-controller.ts words it.
 */
export type OciProblem =
  | { kind: 'udp-on-lb'; span: Span }
  | { kind: 'udp-on-nlb'; span: Span; listMode: ManagementMode }
  | { kind: 'session-affinity'; span: Span }
  | { kind: 'preserve-source-with-cluster'; span: Span; key: string }
  | { kind: 'annotation-value'; span: Span; key: string; value: string; problem: string; fallsBack: boolean };

/** Does the problem refuse the Service? (Only an lb list mode's invalid value falls back to All instead.) */
export function refuses(p: OciProblem): boolean {
  return p.kind !== 'annotation-value' || !p.fallsBack;
}

/**
 * What the cloud controller refuses (or reads otherwise than written) in a LoadBalancer Service: its
 * annotations' values, UDP ports, ClientIP affinity.
 */
export function ociProblems(svc: ServiceModel): OciProblem[] {
  if (svc.type !== 'LoadBalancer') return [];
  const out: OciProblem[] = [];
  const flavour = flavourOf(svc);
  const rawNlb = annotationOf(svc, LB_TYPE) === 'nlb';

  for (const [key, ann] of svc.annotations) {
    const spec = ociAnnotation(key);
    if (!spec || ann.value === undefined) continue;
    if (spec.flavour !== 'both' && spec.flavour !== flavour) continue; // the other flavour's annotation is ignored
    const span = valueSpan(ann.pair);
    if (key === NLB_PRESERVE_SOURCE) {
      if (!rawNlb) continue; // read only for the raw value `nlb`
      if (svc.externalTrafficPolicy === 'Cluster') {
        out.push({ kind: 'preserve-source-with-cluster', span, key });
        continue;
      }
    }
    const problem = annotationValueProblem(spec, ann.value);
    if (problem) out.push({ kind: 'annotation-value', span, key, value: ann.value, problem, fallsBack: spec.invalidSeverity === 'warning' });
  }

  // validateService: the list mode (every time, whatever the rule mode), then the protocols, then the affinity
  const listMode = listModeOf(svc, flavour);
  if (listMode !== undefined) {
    for (const p of svc.ports) {
      if (p.protocol !== 'UDP' || !p.protocolPair) continue;
      if (flavour === 'lb') out.push({ kind: 'udp-on-lb', span: valueSpan(p.protocolPair) });
      else if (listMode !== 'None') out.push({ kind: 'udp-on-nlb', span: valueSpan(p.protocolPair), listMode });
    }
  }
  if (svc.sessionAffinity === 'ClientIP' && svc.sessionAffinityPair) out.push({ kind: 'session-affinity', span: valueSpan(svc.sessionAffinityPair) });
  return out;
}
