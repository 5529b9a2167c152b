/**
 * Words for fixes: the description a new rule carries (it names the Service, the port and why the rule is
 * there, so a person reading the rule later knows where it came from) and the short texts of fix titles.
 */
import type { From, Traffic } from '../exposure/requirements';
import type { PortRange, Protocol } from '../sources/model';
import type { ReachHint } from '../findings/fix-hint';
import type { FixContext } from './context';
import type { Finding } from '../findings/finding';

/** OCI accepts descriptions of at most 255 characters. */
const MAX_DESCRIPTION = 255;

const WHO: Readonly<Record<Traffic, string>> = {
  'clients-to-nodes': 'clients',
  'lb-to-nodes': 'load balancer',
  'lb-health-check': 'load balancer',
  'clients-to-nodes-preserved': 'clients (source preserved by the network load balancer)',
  'clients-to-lb': 'clients',
  'lb-egress-to-nodes': 'load balancer',
};

/** What the port is, in the words of the manifest: `http nodePort 31300`, `healthCheckNodePort 32000`, … */
export function portPhrase(ctx: FixContext, finding: Finding, h: ReachHint, range: PortRange): string {
  const svc = ctx.serviceOf(finding);
  const p = h.servicePortIndex !== null ? svc?.ports.find((x) => x.index === h.servicePortIndex) : undefined;
  const label = p ? (p.name ? p.name : `port ${p.port ?? '?'}`) : undefined;
  const number = h.port !== null ? String(h.port) : `range ${range.min}-${range.max}`;
  switch (h.portKind) {
    case 'listener':
      return `${label ?? 'port'} listener port ${number}`;
    case 'health':
      return h.portOwner === 'healthCheckNodePort' || h.port === null ? `healthCheckNodePort ${number}` : `kube-proxy health check port ${number}`;
    default:
      return `${label ? `${label} ` : ''}nodePort ${number}`;
  }
}

export function ruleDescription(ctx: FixContext, finding: Finding, h: ReachHint, traffic: Traffic, range: PortRange): string {
  const ns = h.namespace ?? 'default';
  const text = `service-reach: ${ns}/${h.service} ${portPhrase(ctx, finding, h, range)} from ${Object.hasOwn(WHO, traffic) ? WHO[traffic] : 'clients'}`;
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/** `30080/tcp` or `30000-32767/udp` */
export function portProto(port: number | null, protocol: Protocol, range: PortRange): string {
  return `${port !== null ? port : `${range.min}-${range.max}`}/${protocol.toLowerCase()}`;
}

/** The source a rule must name: the required CIDR, `0.0.0.0/0` when the requirement's source is any. */
export function sourceCidr(from: From): string {
  return from.kind === 'any' ? '0.0.0.0/0' : from.cidr;
}

export function fromPhrase(from: From): string {
  return from.kind === 'any' ? 'any source' : from.cidr;
}

/** The port range a requirement covers: its port, or the whole node-port range when unpinned. */
export function rangeOf(port: number | null, nodePortRange: PortRange): PortRange {
  return port !== null ? { min: port, max: port } : { min: nodePortRange.min, max: nodePortRange.max };
}
