/**
 * Per requirement: is its layer known, is it the user's job there, and is it allowed — with the rule sources
 * that were checked. Hover, the inline chain and the exposure diagram read this; the reachability check
 * makes findings from the same answers.
 */
import type { Analysis, ServiceAnalysis } from '../workspace';
import { applies, isAllowed, layerKnown } from '../checks/reachability';
import type { Requirement } from '../exposure/requirements';
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
}

export function requirementStatuses(analysis: Analysis, sa: ServiceAnalysis): RequirementStatus[] {
  if (!sa.exposure) return [];
  return sa.exposure.requirements.map((requirement) => {
    const known = layerKnown(analysis.layers, requirement.layer);
    const answer = known ? isAllowed(analysis.layers, requirement, analysis.config) : undefined;
    return {
      requirement,
      known,
      applies: applies(analysis.layers, requirement),
      allowed: answer?.allowed,
      checked: (answer?.checked ?? []).map((s) => ({ kind: s.kind, label: s.label, path: s.path, span: s.span })),
    };
  });
}
