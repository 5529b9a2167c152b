/**
 * Phrases the reachability units share: how a message names a port and the rule sources it checked, and the
 * related locations that point at those sources.
 */
import { listText, relatedList, type RelatedInfo } from '../findings/finding';
import type { ServiceReachConfig } from '../config/config';
import type { Requirement } from '../exposure/requirements';
import type { GuardSource } from '../exposure/matcher';

/** `Node port 30080/TCP`, `Health-check port (unpinned, 30000-32767)/TCP`, `Listener port 443/TCP`. */
export function portText(req: Requirement, config: ServiceReachConfig): string {
  const kind = req.portKind === 'health' ? 'Health-check port' : req.portKind === 'listener' ? 'Listener port' : 'Node port';
  if (req.port === null) return `${kind} (unpinned, ${config.nodePortRange.min}-${config.nodePortRange.max})/${req.protocol}`;
  return `${kind} ${req.port}/${req.protocol}`;
}

/** `firewalld zone "public" (infra/public.xml), …` (the first few, and how many more). */
export function sourcesText(sources: readonly GuardSource[]): string {
  return listText(sources.slice(0, 20).map((s) => `${s.label} (${s.path})`), sources.length);
}

/** One related location per source checked: `<label>: <what>`. */
export function relatedOf(sources: readonly GuardSource[], what: string): RelatedInfo[] {
  return relatedList(sources, (s) => ({ path: s.path, span: s.span, message: `${s.label}: ${what}` }));
}
