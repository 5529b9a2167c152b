/**
 * Per requirement: is its layer known, is it the user's job there, and is it allowed — with the rule sources
 * that were checked. Hover, the inline chain and the exposure diagram read this; the reachability check
 * makes findings from the same answers.
 */
import type { Analysis, ServiceAnalysis } from '../workspace';
import { applies, isAllowed, layerKnown, type Layers } from '../checks/reachability';
import { serviceLayers } from '../checks/lb-nsgs';
import type { Requirement } from '../exposure/requirements';
import { decidingZones, requirementRange, rulesAllow, rulesAllowSome, rulesFor, type GuardSource } from '../exposure/matcher';
import { isEvaluated, unevaluatedOf } from '../rules/not-evaluated';
import type { PortRange, Rule } from '../sources/model';
import type { Span } from '../text/span';

export interface CheckedSource {
  kind: 'firewalld-zone' | 'oci-security-list' | 'oci-nsg' | 'iptables' | 'nftables';
  label: string;
  path: string;
  span: Span;
}

export interface RequirementStatus {
  requirement: Requirement;
  /** a rule source for this layer exists in the workspace (or is configured) */
  known: boolean;
  /** known, and the user's job (not the cloud controller's) */
  applies: boolean;
  /** undefined when the layer is not known */
  allowed: boolean | undefined;
  checked: CheckedSource[];
  /**
   * The rules that could not be evaluated on which `allowed` rests: without them the layer would not allow the
   * requirement. Empty when the verdict is certain (allowed by rules that were evaluated, or not allowed at all).
   * A verdict that rests on them is unknown, never allowed, wherever it is shown.
   */
  unevaluated: UnevaluatedNote[];
}

/** A rule that could not be evaluated, as a hover or the diagram names it. */
export interface UnevaluatedNote {
  source: CheckedSource;
  /** the rule, as its reader names it */
  origin: string;
  /** what was unknown, in words */
  reasons: string[];
}

export function requirementStatuses(analysis: Analysis, sa: ServiceAnalysis): RequirementStatus[] {
  if (!sa.exposure) return [];
  // the layers as they guard this Service (its load balancer's NSGs)
  const layers = serviceLayers(analysis.layers, sa.service, sa.exposure);
  return sa.exposure.requirements.map((requirement) => {
    const known = layerKnown(layers, requirement.layer);
    const answer = known ? isAllowed(layers, requirement, analysis.config) : undefined;
    return {
      requirement,
      known,
      applies: applies(layers, requirement),
      allowed: answer?.allowed,
      checked: (answer?.checked ?? []).map(checkedSource),
      unevaluated: answer?.allowed ? reliedOn(layers, requirement, analysis.config.nodePortRange) : [],
    };
  });
}

function checkedSource(s: GuardSource): CheckedSource {
  return { kind: s.kind, label: s.label, path: s.path, span: s.span };
}

/** The rules of a list that were evaluated: the list itself when all of them were (kept per list, so the matcher's own caches hold). */
const evaluatedOnly = new WeakMap<readonly Rule[], readonly Rule[]>();

export function evaluatedRules(rules: readonly Rule[]): readonly Rule[] {
  let out = evaluatedOnly.get(rules);
  if (!out) {
    const known = rules.filter(isEvaluated);
    evaluatedOnly.set(rules, (out = known.length === rules.length ? rules : known));
  }
  return out;
}

/** The rules of a list layer for a traffic, gathered once per layer and direction. */
const unionRules = new WeakMap<GuardSource[], Map<boolean, Rule[]>>();

function layerRules(sources: GuardSource[], egress: boolean): Rule[] {
  let byDirection = unionRules.get(sources);
  if (!byDirection) unionRules.set(sources, (byDirection = new Map()));
  let rules = byDirection.get(egress);
  if (!rules) byDirection.set(egress, (rules = sources.flatMap((s) => rulesFor(s, egress ? 'lb-egress-to-nodes' : 'lb-to-nodes'))));
  return rules;
}

/**
 * The rules that could not be evaluated on which an allowed requirement rests, or none when the rules that were
 * evaluated allow it on their own (lists and NSGs: their union; firewalld: any deciding zone).
 */
function reliedOn(layers: Layers, req: Requirement, nodePortRange: PortRange): UnevaluatedNote[] {
  const range = requirementRange(req, nodePortRange);
  const egress = req.traffic === 'lb-egress-to-nodes';
  const allows = (rules: readonly Rule[]) => rulesAllow(rules, req.protocol, range, req.from, req.traffic);
  let groups: GuardSource[][];
  if (req.layer === 'firewalld') {
    if (!layers.firewalld) return [];
    groups = decidingZones(layers.firewalld, req.from).map((z) => [z]);
  } else {
    const layer = req.layer === 'worker-lists' ? layers.workerLists : layers.lbLists;
    if (!layer) return [];
    groups = [layer.sources];
  }
  const candidates: GuardSource[][] = [];
  for (const group of groups) {
    const rules = group.length === 1 ? rulesFor(group[0], req.traffic) : layerRules(group, egress);
    const known = evaluatedRules(rules);
    if (known === rules) {
      // every rule evaluated: the one group that allowed it (a list layer), or a zone that does, makes it certain
      if (groups.length === 1 || allows(rules)) return [];
      continue;
    }
    if (allows(known)) return []; // certain: the rules that were evaluated allow it
    if (known !== rules && allows(rules)) candidates.push(group);
  }
  const out: UnevaluatedNote[] = [];
  for (const group of candidates) {
    for (const source of group) {
      for (const rule of rulesFor(source, req.traffic)) {
        if (isEvaluated(rule) || !rulesAllowSome([rule], req.protocol, range, req.from, req.traffic)) continue;
        const note = unevaluatedOf(rule, egress);
        if (note) out.push({ source: checkedSource(source), origin: rule.origin, reasons: note.reasons });
      }
    }
  }
  return out;
}
