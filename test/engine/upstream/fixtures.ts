/**
 * Our own fixtures for the tests derived from the Kubernetes and OCI cloud-controller suites: a valid Service in
 * YAML (the equivalent of their `makeValidService`), tweaked per case, and small rule sources. Nothing here is
 * copied from those suites; each test names the upstream case it follows.
 */
import { workspace } from '../../support/workspace';
import type { Finding } from '../../../server/src/engine';

/** The OCI cloud controller's annotation keys, spelt out as its code spells them (not taken from the engine). */
export const TYPE = 'oci.oraclecloud.com/load-balancer-type';
export const RULE_MODE = 'oci.oraclecloud.com/security-rule-management-mode';
export const LB_LIST_MODE = 'service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode';
export const NLB_LIST_MODE = 'oci-network-load-balancer.oraclecloud.com/security-list-management-mode';
export const PRESERVE = 'oci-network-load-balancer.oraclecloud.com/is-preserve-source';
export const LB_NSGS = 'oci.oraclecloud.com/oci-network-security-groups';
export const NLB_NSGS = 'oci-network-load-balancer.oraclecloud.com/oci-network-security-groups';
export const BACKEND_NSG = 'oci.oraclecloud.com/oci-backend-network-security-group';

export interface SvcOpts {
  type?: string;
  /** extra `spec` lines, two-space indented (`  externalTrafficPolicy: Local`) */
  spec?: string[];
  /** the `ports:` block; default one TCP port 8675 */
  ports?: string[];
  annotations?: Record<string, string>;
  name?: string;
}

/** A Service the API server accepts as it is (our `makeValidService`): ClusterIP, one named TCP port. */
export function svc(opts: SvcOpts = {}): string {
  const lines = ['apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${opts.name ?? 'valid'}`, '  namespace: default'];
  const ann = Object.entries(opts.annotations ?? {});
  if (ann.length) {
    lines.push('  annotations:');
    for (const [k, v] of ann) lines.push(`    ${k}: ${JSON.stringify(v)}`);
  }
  lines.push('spec:');
  if (opts.type) lines.push(`  type: ${opts.type}`);
  lines.push('  selector:', '    app: valid');
  for (const l of opts.spec ?? []) lines.push(l);
  lines.push(...(opts.ports ?? ['  ports:', '    - name: p', '      port: 8675', '      targetPort: 8675']));
  return lines.join('\n') + '\n';
}

/** The findings of a workspace, as `code@line` (1-based), sorted. */
export function found(files: Record<string, string>, filter?: (f: Finding) => boolean): string[] {
  const ws = workspace(files);
  return ws.analyze().findings.filter(filter ?? (() => true)).map((f) => {
    const text = ws.getText(f.path) ?? '';
    const line = text.slice(0, f.span.start).split('\n').length;
    return `${f.code}@${line}`;
  }).sort();
}

/** Only the codes of the findings about one Service file, sorted. */
export function codesOf(yaml: string, extra: Record<string, string> = {}): string[] {
  return workspace({ 'svc.yaml': yaml, ...extra }).analyze().findings.filter((f) => f.path === 'svc.yaml').map((f) => f.code).sort();
}

export function findingsOf(yaml: string, extra: Record<string, string> = {}): Finding[] {
  return workspace({ 'svc.yaml': yaml, ...extra }).analyze().findings.filter((f) => f.path === 'svc.yaml');
}

/** The 1-based line of `needle` in `text` (the first line that holds it). */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`no line holds ${needle}`);
  return i + 1;
}

// ---------------------------------------------------------------------------------------------- rule sources

export interface JsonRule {
  protocol: string;
  peer: string;
  min?: number;
  max?: number;
  peerType?: string;
}

function jsonRule(r: JsonRule, direction: 'ingress' | 'egress'): object {
  const peer = direction === 'ingress' ? 'source' : 'destination';
  const options = r.min === undefined ? null : { 'destination-port-range': { min: r.min, max: r.max ?? r.min }, 'source-port-range': null };
  return {
    description: null, 'icmp-options': null, 'is-stateless': false, protocol: r.protocol,
    [peer]: r.peer, [`${peer}-type`]: r.peerType ?? 'CIDR_BLOCK',
    'tcp-options': r.protocol === '6' ? options : null, 'udp-options': r.protocol === '17' ? options : null,
  };
}

/** A security list as `oci network security-list get` prints it. */
export function securityList(name: string, ingress: JsonRule[], egress: JsonRule[] = []): string {
  return JSON.stringify({
    data: {
      'display-name': name, id: `ocid1.securitylist.oc1..${name}`,
      'ingress-security-rules': ingress.map((r) => jsonRule(r, 'ingress')),
      'egress-security-rules': egress.map((r) => jsonRule(r, 'egress')),
    },
    etag: 'e1',
  }, null, 2);
}

/** A config that names the worker and load-balancer lists and the LB subnet. */
export function config(workers: string[], lbLists: string[], lbSubnet = '10.0.20.0/24'): string {
  return `nodes:\n  securityLists: [${workers.join(', ')}]\nloadBalancers:\n  subnetCidrs: [${lbSubnet}]\n  securityLists: [${lbLists.join(', ')}]\n`;
}
