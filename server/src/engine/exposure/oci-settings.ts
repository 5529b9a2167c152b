/**
 * How the OCI cloud controller reads a LoadBalancer Service: which load balancer it builds, which
 * security-rule management mode applies and where that came from, and whether the client source is preserved.
 */
import type { ServiceModel } from '../k8s/service';
import { BACKEND_NSG, LB_LIST_MODE, LB_TYPE, NLB_LIST_MODE, NLB_PRESERVE_SOURCE, RULE_MODE, type Flavour } from '../oci/annotations';
import { parseGoBool } from '../util/strconv';

export type ManagementMode = 'All' | 'Frontend' | 'None' | 'NSG';

export interface OciSettings {
  flavour: Flavour;
  mode: ManagementMode;
  /** the annotation the mode came from, or `default` */
  modeOrigin: string;
  /** NSG mode with backend NSGs named: the controller writes the worker rules */
  backendNsg: boolean;
  preserveSource: boolean;
}

// Maps: the annotation values are the user's text (`constructor` is no mode)
const LIST_MODES: ReadonlyMap<string, ManagementMode> = new Map([['All', 'All'], ['Frontend', 'Frontend'], ['None', 'None']]);
const RULE_MODES: ReadonlyMap<string, ManagementMode> = new Map([['sl-all', 'All'], ['sl-frontend', 'Frontend'], ['nsg', 'NSG'], ['none', 'None']]);

export function ociSettingsOf(svc: ServiceModel): OciSettings {
  const ann = (k: string) => svc.annotations.get(k)?.value;
  const flavour: Flavour = ann(LB_TYPE)?.trim().toLowerCase() === 'nlb' ? 'nlb' : 'lb';

  let mode: ManagementMode;
  let modeOrigin = 'default';
  const ruleMode = ann(RULE_MODE);
  const listKey = flavour === 'nlb' ? NLB_LIST_MODE : LB_LIST_MODE;
  const listMode = ann(listKey);
  const ruleModeValue = ruleMode === undefined ? undefined : RULE_MODES.get(ruleMode.toLowerCase());
  if (ruleModeValue !== undefined) {
    mode = ruleModeValue;
    modeOrigin = RULE_MODE;
  } else if (ruleMode !== undefined) {
    // an unknown value is an error the controller refuses; analysis goes on with the flavour's default
    mode = flavour === 'nlb' ? 'None' : 'All';
    modeOrigin = RULE_MODE;
  } else if (listMode !== undefined) {
    mode = LIST_MODES.get(listMode) ?? (flavour === 'nlb' ? 'None' : 'All');
    modeOrigin = listKey;
  } else {
    mode = flavour === 'nlb' ? 'None' : 'All';
  }

  const backendNsg = (ann(BACKEND_NSG) ?? '').trim() !== '';
  let preserveSource = false;
  if (flavour === 'nlb') {
    const written = ann(NLB_PRESERVE_SOURCE);
    const parsed = written === undefined ? undefined : parseGoBool(written);
    preserveSource = parsed ?? svc.externalTrafficPolicy === 'Local';
    if (svc.externalTrafficPolicy !== 'Local') preserveSource = false; // refused with Cluster
  }
  return { flavour, mode, modeOrigin, backendNsg, preserveSource };
}

/** Whether worker-node rules (node ports, health check) are the user's job under this mode (the README's table). */
export function workerRulesAreUsers(s: OciSettings): boolean {
  return s.mode === 'Frontend' || s.mode === 'None' || (s.mode === 'NSG' && !s.backendNsg);
}
