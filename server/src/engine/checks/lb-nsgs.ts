/**
 * The NSGs a Service's annotations attach to its load balancer (`oci.oraclecloud.com/oci-network-security-groups`
 * for an `lb`, `oci-network-load-balancer.oraclecloud.com/oci-network-security-groups` for an `nlb`), matched by
 * OCID to the NSG resources (`Layers.nsgsByOcid`: a state's OCIDs, the config's `oci.nsgs`). The listener (and
 * the load balancer's egress) of *that* Service is guarded by the load-balancer subnet's lists and these NSGs —
 * never another Service's —, and an NSG attached to a load balancer guards no worker. An OCID that matches no
 * resource is an NSG whose rules are unknown: the hop is unknown, never allowed, and one `rules-not-evaluated`
 * per Service names it (where the hop is checked: the load-balancer subnet's lists are known and some of its
 * rules are the user's).
 */
import { finding } from '../findings/finding';
import type { ServiceModel } from '../k8s/service';
import type { Exposure } from '../exposure/requirements';
import type { GuardSource } from '../exposure/matcher';
import { nsgIdsOf, MAX_LB_NSGS } from '../oci/annotations';
import type { Rule } from '../sources/model';
import type { Span } from '../text/span';
import type { CheckContext } from './context';
import type { Layers } from './reachability';

export const LB_NSGS = 'oci.oraclecloud.com/oci-network-security-groups';
export const NLB_NSGS = 'oci-network-load-balancer.oraclecloud.com/oci-network-security-groups';

export interface AttachedNsg {
  ocid: string;
  source: GuardSource;
  /** how the OCID was matched: a state's OCID, the config's `oci.nsgs`, or not at all (its rules are unknown) */
  via: 'state' | 'config' | 'unmatched';
}

export interface ServiceNsgs {
  attached: AttachedNsg[];
  /** the annotation's key and value, where it is written */
  key?: string;
  anchor?: Span;
}

const NONE: ServiceNsgs = { attached: [] };
const cache = new WeakMap<Layers, WeakMap<ServiceModel, { nsgs: ServiceNsgs; layers: Layers }>>();

/** The NSGs the Service's annotation attaches to its load balancer (none outside OCI, or for what it refuses). */
export function serviceNsgs(layers: Layers, svc: ServiceModel, exposure: Exposure | undefined): ServiceNsgs {
  return forService(layers, svc, exposure).nsgs;
}

/** The layers as they guard this Service: its load balancer's NSGs beside the subnet's lists, not among the workers'. */
export function serviceLayers(layers: Layers, svc: ServiceModel, exposure: Exposure | undefined): Layers {
  return forService(layers, svc, exposure).layers;
}

function forService(layers: Layers, svc: ServiceModel, exposure: Exposure | undefined): { nsgs: ServiceNsgs; layers: Layers } {
  let perLayers = cache.get(layers);
  if (!perLayers) cache.set(layers, (perLayers = new WeakMap()));
  let hit = perLayers.get(svc);
  if (!hit) perLayers.set(svc, (hit = compute(layers, svc, exposure)));
  return hit;
}

function compute(layers: Layers, svc: ServiceModel, exposure: Exposure | undefined): { nsgs: ServiceNsgs; layers: Layers } {
  const oci = exposure?.oci;
  if (!oci || oci.refused || exposure.type !== 'LoadBalancer') return { nsgs: NONE, layers };
  const key = oci.flavour === 'nlb' ? NLB_NSGS : LB_NSGS;
  const a = svc.annotations.get(key);
  if (a?.value === undefined) return { nsgs: NONE, layers };
  const parsed = nsgIdsOf(a.value, MAX_LB_NSGS);
  if (!('ids' in parsed) || parsed.ids.length === 0) return { nsgs: NONE, layers };
  const anchor = a.pair.value?.span ?? a.pair.key.span;
  const at = { start: anchor.start, end: anchor.end };
  const attached: AttachedNsg[] = parsed.ids.map((ocid) => {
    const m = layers.nsgsByOcid?.get(ocid);
    return m ? { ocid, source: m.source, via: m.via } : { ocid, source: unmatchedNsg(ocid, svc.path, at), via: 'unmatched' };
  });
  const sources = attached.map((x) => x.source);
  const workers = layers.workerLists?.sources.filter((s) => !sources.includes(s));
  const own: Layers = {
    ...layers,
    workerLists: workers?.length ? { sources: workers } : null,
    // (only where the load-balancer subnet's lists are known: its NSGs alone do not say what the subnet lets in)
    lbLists: layers.lbLists ? { sources: [...layers.lbLists.sources, ...sources.filter((s) => !layers.lbLists!.sources.includes(s))] } : null,
  };
  return { nsgs: { attached, key, anchor: at }, layers: own };
}

/** An NSG known only by its OCID: one rule of which nothing is known, in and out. */
function unmatchedNsg(ocid: string, path: string, span: Span): GuardSource {
  const why = `the NSG \`${ocid}\` matches no NSG resource (no plan or state holds its OCID, and the config's \`oci.nsgs\` does not name it)`;
  const rule: Rule = {
    action: 'allow', protocol: { kind: 'unknown', text: ocid }, ports: { kind: 'unknown', text: ocid }, source: { kind: 'unknown', text: ocid },
    span, origin: `the rules of NSG ${ocid}`, unevaluated: { reasons: [why], at: span }, path,
  };
  return { kind: 'oci-nsg', label: `NSG ${ocid} (not matched)`, path, span, rules: [rule], egress: [rule], key: ocid };
}

/** One `rules-not-evaluated` per Service whose annotation names an NSG that matches no resource. */
export function checkLbNsgs(svc: ServiceModel, exposure: Exposure | undefined, layers: Layers, ctx: CheckContext): void {
  const nsgs = serviceNsgs(layers, svc, exposure);
  const unmatched = nsgs.attached.filter((x) => x.via === 'unmatched');
  if (unmatched.length === 0 || !nsgs.anchor) return;
  // said where it matters: the load-balancer subnet's lists are known, and some of its rules are the user's to write
  if (!layers.lbLists || !exposure?.requirements.some((r) => r.layer === 'lb-lists' && r.managedBy === 'user')) return;
  const ids = unmatched.map((x) => `"${x.ocid}"`).join(', ');
  ctx.report(finding('rules-not-evaluated', svc.path, nsgs.anchor,
    `The rules of ${unmatched.length === 1 ? 'NSG' : 'NSGs'} ${ids}, attached to this load balancer, could not be evaluated: no Terraform plan or state holds ${unmatched.length === 1 ? 'its OCID' : 'their OCIDs'} and the config's "oci.nsgs" does not name ${unmatched.length === 1 ? 'it' : 'them'}. Its listener is unknown, never taken as allowed.`));
}
