/**
 * The checks the incremental analysis runs per Service, in the three groups it re-runs separately: a Service's
 * own checks (they read the Service and the checking context only), its selector and target ports (they read the
 * workloads it may select), and node ports (they read the Services that share a number). Findings come out
 * detached from the YAML tree (`detach`), so that they can be kept and moved.
 */
import type { Finding } from '../findings/finding';
import type { Workload } from '../k8s/manifests';
import type { ServiceModel } from '../k8s/service';
import type { ServiceReachConfig } from '../config/config';
import { checkServiceApi } from '../checks/service-api';
import { checkUnknownFields } from '../checks/unknown-fields';
import { checkNodePortConflicts, checkSelectorAndTargetPorts } from '../checks/references';
import { checkOci } from '../checks/oci';
import { checkReachability } from '../checks/reachability';
import { checkLbNsgs, serviceLayers } from '../checks/lb-nsgs';
import type { CheckContext } from '../checks/context';
import { exposureOf, type Exposure, type Provider } from '../exposure/requirements';
import { isOciAnnotationKey } from '../oci/annotations';
import { detach } from './relocate';
import type { CheckingContext, OwnFindings, ServiceAnalysis, WorkspaceStats } from './types';

/** The checks of one Service that read nothing but the Service, the config and the rule sources. */
export function checkOwn(svc: ServiceModel, context: CheckingContext, counters: WorkspaceStats): { own: OwnFindings; exposure: Exposure | undefined } {
  counters.servicesChecked++;
  const own: OwnFindings = { api: [], unknown: [], oci: [], reach: [] };
  const into = (list: Finding[]): CheckContext => ({ config: context.config, report: (f) => list.push(detach(f)) });
  checkServiceApi(svc, into(own.api));
  checkUnknownFields(svc, into(own.unknown));
  if (context.provider === 'oci') checkOci(svc, into(own.oci));
  const exposure = exposureOf(svc, { config: context.config, provider: context.provider });
  if (exposure) {
    // (its load balancer's NSGs guard this Service alone)
    checkReachability(svc, exposure, serviceLayers(context.layers, svc, exposure), into(own.reach));
    checkLbNsgs(svc, exposure, context.layers, into(own.oci));
  }
  return { own, exposure };
}

/**
 * Selector and target ports, against the workloads the selector may concern (`candidates`, from the index; when
 * there is none the check still needs to know that there are workloads: it then says the selector matches nothing).
 */
export function checkSelector(svc: ServiceModel, candidates: readonly Workload[], all: () => readonly Workload[], config: ServiceReachConfig,
  counters: WorkspaceStats): Finding[] {
  counters.selectorsChecked++;
  const out: Finding[] = [];
  checkSelectorAndTargetPorts(svc, candidates.length > 0 ? candidates : all(), { config, report: (f) => out.push(detach(f)) });
  return out;
}

/** Node-port conflicts among the Services that share a number with another (in workspace order). */
export function checkNodePorts(sharing: readonly ServiceModel[], config: ServiceReachConfig, counters: WorkspaceStats): Finding[] {
  if (sharing.length === 0) return [];
  counters.nodePortServicesChecked += sharing.length;
  const out: Finding[] = [];
  checkNodePortConflicts(sharing, { config, report: (f) => out.push(detach(f)) });
  return out;
}

/** A Service that moved: its exposure (anchors are copies of spans) is worked out again when it is read. */
export function movedAnalysis(svc: ServiceModel, config: ServiceReachConfig, provider: Provider): ServiceAnalysis {
  let exposure: { value: Exposure | undefined } | undefined;
  return {
    service: svc,
    get exposure() {
      return (exposure ??= { value: exposureOf(svc, { config, provider }) }).value;
    },
  };
}

export function ociAnnotated(svc: ServiceModel): boolean {
  for (const k of svc.annotations.keys()) if (isOciAnnotationKey(k)) return true;
  return false;
}

/** At most one finding per file, offset and code; in file order, then offset order. */
export function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const k = `${f.path}|${f.span.start}|${f.code}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.span.start - b.span.start));
}
