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
import { reachHint, type ReachFacts } from './reach-facts';
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

export function nodeportUnpinned(f: ReachFacts): Finding {
  const range = f.config.nodePortRange;
  const layersOf = [...new Set(f.reqs.map((r) => r.layer))];
  const layerNames = layersOf.map((l) => (l === 'firewalld' ? 'the node firewalld zone' : l === 'worker-lists' ? 'the worker security lists' : 'the load-balancer lists')).join(' and ');
  return finding('nodeport-unpinned', f.svc.path, f.anchor,
    `${portText(f.first, f.config)} (${f.owner} of Service ${f.svcName}) is picked at random from ${range.min}-${range.max}, but ${layerNames} (${sourcesText(f.checked)}) do not allow that whole range over ${f.first.protocol} from ${f.fromList}; pin the nodePort or open the range.`,
    { related: f.related, fix: reachHint(fixes['nodeport-unpinned'], f) });
}

/** `span`: the written nodePort value. */
export function nodeportOutOfRange(path: string, span: Span, nodePort: number, range: { min: number; max: number }): Finding {
  return finding('nodeport-out-of-range', path, span,
    `nodePort ${nodePort} is outside the node-port range ${range.min}-${range.max}.`,
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
