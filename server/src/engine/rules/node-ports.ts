/**
 * The node-port family: `nodeport-unpinned` (checks/reachability.ts), `nodeport-out-of-range` and
 * `nodeport-not-allowed` (checks/service-api.ts), `nodeport-conflict` (checks/references.ts). The pinning fixes
 * are in fixes/manifest.ts: `pinUnpinnedFix` (hint `pin-node-port`, then the range opened as a second choice)
 * and `pinValueFix` (hint `pin-node-port-value`).
 */
import { finding, listText, type Finding, type RelatedInfo } from '../findings/finding';
import type { Code } from '../findings/codes';
import type { FixHintKind, PinValueHint } from '../findings/fix-hint';
import type { Span } from '../text/span';
import type { Requirement } from '../exposure/requirements';
import { fromText } from '../exposure/requirements';
import { isEgress, reachHint, type ReachFacts } from './reach-facts';
import { portText, sourcesText } from './reach-text';

/** The hint kind each code's findings carry (fixes/planned.ts hands it to its fix). */
export const fixes = {
  'nodeport-unpinned': 'pin-node-port',
  'nodeport-out-of-range': 'pin-node-port-value',
  'nodeport-conflict': 'pin-node-port-value',
} as const satisfies Partial<Record<Code, FixHintKind>>;

function pinValue(span: Span): PinValueHint {
  return { kind: 'pin-node-port-value', span };
}

/**
 * `nodeport-unpinned` is a warning (codes.ts) when the layers allow part of the range (pinning to an allowed port
 * helps); an error when, for `certain` requirements, their layer allows no port of the range at all and a closed
 * port there is an error (lists, the health-check port, StrictForwardPorts): whichever port is picked is blocked.
 */
export function nodeportUnpinned(f: ReachFacts, certain: readonly Requirement[] = []): Finding {
  const range = `${f.config.nodePortRange.min}-${f.config.nodePortRange.max}`;
  const head = portText(f.first, f.config);
  const owner = `${f.owner} of Service ${f.svcName}`;
  const fix = reachHint(fixes['nodeport-unpinned'], f);
  if (certain.length > 0) {
    const towards = certain.every(isEgress) ? 'towards the worker nodes' : `from ${fromText(certain.find((r) => !isEgress(r))!.from)}`;
    return finding('nodeport-unpinned', f.svc.path, f.anchor,
      `${head}: no port of ${range} is open${certain.every(isEgress) ? ' for egress' : ''} in ${sourcesText(f.checked)} ${towards} (${owner}): whichever port is picked at random is blocked. Pinning alone cannot help: pin the nodePort and open that port (or open the range).`,
      { severity: 'error', related: f.related, ...(fix ? { fix } : {}) });
  }
  return finding('nodeport-unpinned', f.svc.path, f.anchor,
    `${head}: the whole range is not open in ${sourcesText(f.checked)} from ${f.fromList} (${owner}); the port is picked at random: pin the nodePort to a port they allow, or open the range.`,
    { related: f.related, ...(fix ? { fix } : {}) });
}

/** `span`: the written value of `field` (a port's `nodePort`, or the Service's `healthCheckNodePort`). */
export function nodeportOutOfRange(path: string, span: Span, nodePort: number, range: { min: number; max: number },
  field: 'nodePort' | 'healthCheckNodePort' = 'nodePort'): Finding {
  return finding('nodeport-out-of-range', path, span,
    `${field} ${nodePort} is outside the node-port range ${range.min}-${range.max}${field === 'nodePort' ? '' : '; the allocator refuses it'}.`,
    { fix: pinValue(span) });
}

/** `typeWritten`: the Service spells its type (else ClusterIP is the default). */
export function nodeportNotAllowedMessage(nodePort: number, typeWritten: boolean): string {
  return `nodePort ${nodePort} may not be used when the type is ClusterIP${typeWritten ? '' : ' (the default)'}; use type NodePort or LoadBalancer, or remove it.`;
}

/**
 * `others`: the other Services' names (`Service ns/name`), `total` how many other Services there are; `related`
 * points at their uses of the number.
 */
export function nodeportConflict(path: string, span: Span, nodePort: number, others: readonly string[], total: number, related: RelatedInfo[]): Finding {
  return finding('nodeport-conflict', path, span,
    `Node port ${nodePort} is also used by ${listText(others, total)}; node ports are one cluster-wide pool whatever the protocol.`,
    { related, fix: pinValue(span) });
}
