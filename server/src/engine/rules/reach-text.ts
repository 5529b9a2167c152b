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

/** A path in a message's first words: as written up to 32 characters, else its last two segments. */
export function shortPath(path: string): string {
  if (path.length <= 32) return path;
  const parts = path.split('/');
  return parts.length > 2 ? `…/${parts.slice(-2).join('/')}` : path;
}

/**
 * How a message names a rule source, short, so that the port, the verdict and the source fit in its first ~100
 * characters: `firewalld zone "public" (infra/public.xml)`, `firewalld zone "public" (commands in node.sh)`,
 * `nftables ruleset (etc/nftables.conf)`. (The related information names each with its whole label: every file
 * of firewall commands applied to a zone, for one.)
 */
export function sourceName(s: GuardSource): string {
  switch (s.kind) {
    case 'firewalld-zone': {
      // a zone that firewall commands changed names the file of the last of them
      const cmd = s.commandFile;
      const where = !cmd ? shortPath(s.path) : cmd === s.path ? `commands in ${shortPath(cmd)}` : `${shortPath(s.path)}, then commands in ${shortPath(cmd)}`;
      return `firewalld zone "${s.key}" (${where})`;
    }
    case 'iptables': return `iptables rules (${shortPath(s.path)})`;
    case 'nftables': return `nftables ruleset (${shortPath(s.path)})`;
    default: return `${s.label} (${shortPath(s.path)})`;
  }
}

/** `firewalld zone "public" (infra/public.xml), …` (the first few, and how many more). */
export function sourcesText(sources: readonly GuardSource[]): string {
  return listText(sources.slice(0, 20).map(sourceName), sources.length);
}

/** `Node port 30080/TCP` → `node port 30080/TCP`, for the middle of a sentence. */
export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** One related location per source checked: `<label>: <what>`. */
export function relatedOf(sources: readonly GuardSource[], what: string): RelatedInfo[] {
  return relatedList(sources, (s) => ({ path: s.path, span: s.span, message: `${s.label}: ${what}` }));
}
