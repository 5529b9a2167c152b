/**
 * The source-range family: `source-ranges-bypassed` (checks/reachability.ts: the nodes let addresses outside the
 * ranges reach the node ports) and `invalid-cidr` (checks/service-api.ts). Neither has a fix.
 */
import { finding, MAX_LISTED, rangesText, type Finding } from '../findings/finding';
import type { Code } from '../findings/codes';
import type { FixHintKind } from '../findings/fix-hint';
import type { Span } from '../text/span';
import type { GuardSource } from '../exposure/matcher';
import type { Protocol } from '../sources/model';
import { relatedOf, sourcesText } from './reach-text';

/** No code of this family has a fix. */
export const fixes = {} as const satisfies Partial<Record<Code, FixHintKind>>;

/**
 * `portName`: `node port 30080/TCP` or `the unpinned node port of port 80`; `sample`: an address outside the
 * ranges that gets through; `port` null for an unpinned port.
 */
export function sourceRangesBypassed(path: string, anchor: Span, ranges: readonly string[], checked: readonly GuardSource[],
  sample: string, portName: string, port: number | null, protocol: Protocol): Finding {
  return finding('source-ranges-bypassed', path, anchor,
    `${upperFirst(portName)} is open beyond the source ranges in ${sourcesText(checked)}: other addresses (such as ${sample}) reach it on every node directly; the ${ranges.length > MAX_LISTED ? rangesText(ranges, 'source ranges') : `source ranges ${ranges.join(', ')}`} restrict only the load balancer.`,
    { related: relatedOf(checked, `lets addresses outside the source ranges reach ${port ?? 'the node-port range'}/${protocol.toLowerCase()}`) });
}

function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * `texts`: the entries that are not CIDRs as written (one for the field's entry; every bad one of the legacy
 * annotation, which share its value as their place); `annotation`: the annotation's name, else the field.
 */
export function invalidCidr(path: string, span: Span, texts: readonly string[], annotation: string | undefined): Finding {
  const names = texts.map((t) => (t.trim() === '' ? (annotation ? 'an empty entry (a stray comma)' : 'an empty entry') : `"${t.trim()}"`));
  const what = `${names.join(', ')} ${texts.length === 1 ? 'is not a CIDR' : 'are not CIDRs'} (like 203.0.113.0/24)`;
  return finding('invalid-cidr', path, span, `${what.charAt(0).toUpperCase()}${what.slice(1)}${annotation ? ` in the annotation ${annotation}` : ''}.`);
}
