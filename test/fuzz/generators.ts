/**
 * Fuzz support: fast-check arbitraries for realistic workspace files (Services and workloads, firewalld zones,
 * OCI security lists in JSON and Terraform, the config) and for the text mutations applied to them, plus the
 * seed files (the conformance cases of test/conformance and examples/). Everything here is deterministic given
 * fast-check's seed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { conformanceCases } from '../conformance/cases';

// ------------------------------------------------------------------------------------------ seed files

export type Files = Record<string, string>;

const REPO = path.resolve(__dirname, '../../..');

function readTree(dir: string): Files {
  const out: Files = {};
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}${e.name}/`);
      else if (e.isFile()) out[`${rel}${e.name}`] = fs.readFileSync(path.join(abs, e.name), 'utf8');
    }
  };
  walk(dir, '');
  return out;
}

/** The examples/ repository and the conformance cases (test/conformance), as workspaces, in that order. */
export function seedWorkspaces(): { name: string; files: Files }[] {
  const out: { name: string; files: Files }[] = [];
  const examples = path.join(REPO, 'examples');
  if (fs.existsSync(examples)) out.push({ name: 'examples', files: readTree(examples) });
  for (const c of conformanceCases()) {
    // a case's README.md and .gitattributes are not part of the repository it stands for
    const files = Object.fromEntries(Object.entries(readTree(c.dir)).filter(([p]) => !/(^|\/)(README\.md|\.gitattributes)$/.test(p)));
    out.push({ name: c.name, files });
  }
  return out;
}

// -------------------------------------------------------------------------------------------- mutations

/** Snippets that stress the parsers: YAML, XML, JSON and HCL syntax, templates, encodings, control characters. */
export const NASTY = [
  ':', ': ', '- ', '-', ' ', '  ', '\t', '\n', '\r\n', '\r', '\0', '\uFEFF', '\uFFFD', '\uD800', '\uDC00', '😀', 'é',
  '{{ .Values.port }}', '{{', '}}', '{{- if .Values.x }}\n', '{{ end }}', '&a ', '*a', '<<: *a\n', '<<: [*a, *a]\n',
  '---\n', '...\n', '[', ']', '{', '}', '[]', '{}', '"', "'", '#', '|', '>', '|-\n', '!!str ', '!!int ', '!!binary ',
  '? ', '%YAML 1.2\n', '%TAG ! tag:x,2000:\n', '~', 'null', 'true', '0x1F', '1e400', '-0', '.inf', '.nan', '65536',
  '30000', '0', '-1', '<', '>', '/>', '</', '&', '&amp;', '&e;', '&#0;', '&#x110000;', '<![CDATA[', ']]>', '<!--',
  '-->', '<?xml version="1.0"?>', '<!DOCTYPE z [<!ENTITY e "x">]>', '${', '${var.x}', '%{', '<<EOF\n', '\nEOF\n',
  '/*', '*/', '//', ',', '=', '\\', '\\u', '\\"', 'apiVersion: v1\n', 'kind: Service\n', 'nodePort: 30080',
  'type: LoadBalancer', 'protocol: udp', 'targetPort: http', '0.0.0.0/0', '10.0.0.0/33', '::/0', 'oci_core_',
];

export interface Mutation {
  op: 'insert' | 'delete' | 'replace' | 'duplicate' | 'swap-lines' | 'duplicate-line' | 'truncate' | 'indent'
    | 'dedent' | 'anchor-alias' | 'digit' | 'tabs' | 'crlf' | 'lone-cr' | 'bom';
  /** positions as fractions of the text's length (so that a mutation fits any text) */
  at: number;
  at2: number;
  len: number;
  snippet: string;
}

const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

export const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<Mutation['op']>('insert', 'insert', 'insert', 'delete', 'replace', 'duplicate', 'swap-lines',
    'duplicate-line', 'truncate', 'indent', 'dedent', 'anchor-alias', 'digit', 'tabs', 'crlf', 'lone-cr', 'bom'),
  at: fraction,
  at2: fraction,
  len: fc.integer({ min: 0, max: 24 }),
  snippet: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...NASTY) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 12 }) },
  ),
});

export const mutationsArb = fc.array(mutationArb, { minLength: 0, maxLength: 5 });

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

export function applyMutation(text: string, m: Mutation): string {
  const at = Math.floor(m.at * (text.length + 1));
  const at2 = Math.floor(m.at2 * (text.length + 1));
  const lines = () => text.split('\n');
  const lineAt = (f: number, n: number) => Math.min(n - 1, Math.floor(f * n));
  switch (m.op) {
    case 'insert':
      return text.slice(0, at) + m.snippet + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.len);
    case 'replace':
      return text.slice(0, at) + m.snippet + text.slice(at + m.len);
    case 'duplicate':
      return text.slice(0, at) + text.slice(at, at + m.len * 4) + text.slice(at);
    case 'swap-lines': {
      const ls = lines();
      const i = lineAt(m.at, ls.length);
      const j = lineAt(m.at2, ls.length);
      [ls[i], ls[j]] = [ls[j], ls[i]];
      return ls.join('\n');
    }
    case 'duplicate-line': {
      const ls = lines();
      const i = lineAt(m.at, ls.length);
      ls.splice(i, 0, ls[i]);
      return ls.join('\n');
    }
    case 'truncate':
      return text.slice(0, at);
    case 'indent':
    case 'dedent': {
      const starts = lineStarts(text);
      const s = starts[lineAt(m.at, starts.length)];
      if (m.op === 'indent') return text.slice(0, s) + ' '.repeat(1 + (m.len % 4)) + text.slice(s);
      let e = s;
      while (e < text.length && e < s + 1 + (m.len % 4) && text[e] === ' ') e++;
      return text.slice(0, s) + text.slice(e);
    }
    case 'anchor-alias': {
      // an anchor after some `: ` and an alias (or merge) later: shares nodes, may make cycles
      const colon = text.indexOf(': ', at);
      if (colon < 0) return text;
      const withAnchor = text.slice(0, colon + 2) + '&a ' + text.slice(colon + 2);
      const later = Math.max(colon + 5, at2 < colon ? colon + 5 : at2 + 3);
      const alias = m.len % 3 === 0 ? '<<: *a\n' : m.len % 3 === 1 ? '*a' : '[*a, *a, *a]';
      return withAnchor.slice(0, later) + alias + withAnchor.slice(later);
    }
    case 'digit': {
      for (let i = at; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 48 && c <= 57) return text.slice(0, i) + String((c - 48 + 1 + m.len) % 10) + text.slice(i + 1);
      }
      return text;
    }
    case 'tabs':
      return text.replace(/ {2}/g, (x, i: number) => (i >= at && i < at + 200 ? '\t' : x));
    case 'crlf':
      return text.replace(/\r?\n/g, '\r\n');
    case 'lone-cr':
      return text.replace(/\r?\n/g, '\r');
    case 'bom':
      return '\uFEFF' + text;
  }
}

export function mutate(text: string, mutations: readonly Mutation[]): string {
  let t = text;
  for (const m of mutations) t = applyMutation(t, m);
  return t;
}

// ------------------------------------------------------------------------------------------ Services

const dnsName = fc.stringMatching(/^[a-z]([a-z0-9-]{0,10}[a-z0-9])?$/);
const labelValue = fc.oneof(dnsName, fc.constantFrom('web', 'api', 'db', '', '{{ .Values.app }}'));
const portNumber = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 65535 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 65536, 80, 443, 8080, 10256) },
);
const nodePortNumber = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 30000, max: 32767 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 80, 29999, 32768, 70000) },
);
const serviceType = fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName', 'nodeport', 'Loadbalancer', undefined);
const protocolArb = fc.constantFrom('TCP', 'UDP', 'SCTP', 'tcp', undefined);
const cidrArb = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 32 })).map(([a, b, p]) => `${a}.${b}.0.0/${p}`),
  fc.constantFrom('0.0.0.0/0', '10.0.20.0/24', '2001:db8::/32', '10.0.0.0/33', 'not-a-cidr', '203.0.113.7'),
);

const OCI_ANNOTATIONS: [string, fc.Arbitrary<string>][] = [
  ['oci.oraclecloud.com/load-balancer-type', fc.constantFrom('lb', 'nlb', 'LB', 'x')],
  ['oci.oraclecloud.com/security-rule-management-mode', fc.constantFrom('NSG', 'SL-All', 'SL-Frontend', 'None', 'bogus')],
  ['service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode', fc.constantFrom('All', 'Frontend', 'None', 'all')],
  ['oci.oraclecloud.com/oci-backend-network-security-group', fc.constantFrom('ocid1.networksecuritygroup.oc1..aaa', '', 'a,b')],
  ['oci-network-load-balancer.oraclecloud.com/is-preserve-source', fc.constantFrom('true', 'false', 'yes')],
  ['service.beta.kubernetes.io/oci-load-balancer-internal', fc.constantFrom('true', 'false', '1')],
  ['service.beta.kubernetes.io/oci-load-balancer-shape', fc.constantFrom('flexible', '100Mbps', '')],
];

export interface PortSpec {
  name?: string;
  port: number;
  nodePort?: number;
  targetPort?: number | string;
  protocol?: string;
}

export interface ServiceSpec {
  name: string;
  namespace?: string;
  type?: string;
  ports: PortSpec[];
  selector: Record<string, string>;
  annotations: Record<string, string>;
  externalTrafficPolicy?: string;
  healthCheckNodePort?: number;
  sourceRanges?: string[];
  sessionAffinity?: string;
  headless: boolean;
  extraField?: string;
  flow: boolean;
}

const portSpecArb: fc.Arbitrary<PortSpec> = fc.record({
  name: fc.option(fc.oneof(dnsName, fc.constantFrom('http', 'HTTP', 'a--b', '-x')), { nil: undefined }),
  port: portNumber,
  nodePort: fc.option(nodePortNumber, { nil: undefined }),
  targetPort: fc.option(fc.oneof(portNumber, fc.constantFrom('http', 'metrics', 'web', 'way-too-long-port-name')), { nil: undefined }),
  protocol: protocolArb,
});

export const serviceArb: fc.Arbitrary<ServiceSpec> = fc.record({
  name: dnsName,
  namespace: fc.option(fc.constantFrom('default', 'shop', 'kube-system'), { nil: undefined }),
  type: serviceType,
  ports: fc.array(portSpecArb, { minLength: 0, maxLength: 4 }),
  selector: fc.dictionary(fc.constantFrom('app', 'app.kubernetes.io/name', 'tier'), labelValue, { maxKeys: 2 }),
  annotations: fc.subarray(OCI_ANNOTATIONS, { maxLength: 3 }).chain((picked) =>
    picked.length === 0 ? fc.constant({}) : fc.tuple(...picked.map(([, v]) => v)).map((vals) =>
      Object.fromEntries(picked.map(([k], i) => [k, vals[i]])))),
  externalTrafficPolicy: fc.constantFrom('Local', 'Cluster', 'local', undefined),
  healthCheckNodePort: fc.option(nodePortNumber, { nil: undefined }),
  sourceRanges: fc.option(fc.array(cidrArb, { maxLength: 3 }), { nil: undefined }),
  sessionAffinity: fc.constantFrom('None', 'ClientIP', undefined),
  headless: fc.boolean(),
  extraField: fc.option(fc.constantFrom('slector', 'poarts', 'externalTraficPolicy', 'clusterIp'), { nil: undefined }),
  flow: fc.boolean(),
});

export interface WorkloadSpec {
  kind: string;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  ports: { name?: string; containerPort: number; protocol?: string }[];
}

export const workloadArb: fc.Arbitrary<WorkloadSpec> = fc.record({
  kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'Pod', 'CronJob'),
  name: dnsName,
  namespace: fc.option(fc.constantFrom('default', 'shop'), { nil: undefined }),
  labels: fc.dictionary(fc.constantFrom('app', 'app.kubernetes.io/name', 'tier'), labelValue, { maxKeys: 2 }),
  ports: fc.array(fc.record({
    name: fc.option(fc.constantFrom('http', 'metrics', 'web', 'grpc'), { nil: undefined }),
    containerPort: portNumber,
    protocol: protocolArb,
  }), { maxLength: 3 }),
});

/** A YAML string as a plain scalar when safe, else double-quoted. */
function y(s: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9._\/-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) && !/^[0-9.e+-]+$/.test(s)
    ? s : JSON.stringify(s);
}

export function serviceYaml(s: ServiceSpec): string {
  if (s.flow) {
    // the same Service as one JSON-like flow document
    const obj: Record<string, unknown> = {
      apiVersion: 'v1', kind: 'Service',
      metadata: { name: s.name, ...(s.namespace ? { namespace: s.namespace } : {}), ...(Object.keys(s.annotations).length ? { annotations: s.annotations } : {}) },
      spec: {
        ...(s.type ? { type: s.type } : {}), selector: s.selector,
        ports: s.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, ...(p.nodePort !== undefined ? { nodePort: p.nodePort } : {}), ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}), ...(p.protocol ? { protocol: p.protocol } : {}) })),
        ...(s.externalTrafficPolicy ? { externalTrafficPolicy: s.externalTrafficPolicy } : {}),
        ...(s.healthCheckNodePort !== undefined ? { healthCheckNodePort: s.healthCheckNodePort } : {}),
        ...(s.sourceRanges ? { loadBalancerSourceRanges: s.sourceRanges } : {}),
        ...(s.headless ? { clusterIP: 'None' } : {}),
      },
    };
    return JSON.stringify(obj, null, 1) + '\n';
  }
  const out: string[] = ['apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${y(s.name)}`];
  if (s.namespace) out.push(`  namespace: ${y(s.namespace)}`);
  const ann = Object.entries(s.annotations);
  if (ann.length) {
    out.push('  annotations:');
    for (const [k, v] of ann) out.push(`    ${k}: ${JSON.stringify(v)}`);
  }
  out.push('spec:');
  if (s.type) out.push(`  type: ${s.type}`);
  if (s.headless) out.push('  clusterIP: None');
  const sel = Object.entries(s.selector);
  if (sel.length) {
    out.push('  selector:');
    for (const [k, v] of sel) out.push(`    ${k}: ${y(v)}`);
  }
  if (s.ports.length) {
    out.push('  ports:');
    for (const p of s.ports) {
      const fields: string[] = [];
      if (p.name) fields.push(`name: ${y(p.name)}`);
      fields.push(`port: ${p.port}`);
      if (p.nodePort !== undefined) fields.push(`nodePort: ${p.nodePort}`);
      if (p.targetPort !== undefined) fields.push(`targetPort: ${typeof p.targetPort === 'number' ? p.targetPort : y(p.targetPort)}`);
      if (p.protocol) fields.push(`protocol: ${p.protocol}`);
      out.push(`  - ${fields[0]}`, ...fields.slice(1).map((f) => `    ${f}`));
    }
  }
  if (s.externalTrafficPolicy) out.push(`  externalTrafficPolicy: ${s.externalTrafficPolicy}`);
  if (s.healthCheckNodePort !== undefined) out.push(`  healthCheckNodePort: ${s.healthCheckNodePort}`);
  if (s.sourceRanges) out.push('  loadBalancerSourceRanges:', ...s.sourceRanges.map((c) => `  - ${JSON.stringify(c)}`));
  if (s.sessionAffinity) out.push(`  sessionAffinity: ${s.sessionAffinity}`);
  if (s.extraField) out.push(`  ${s.extraField}: x`);
  return out.join('\n') + '\n';
}

export function workloadYaml(w: WorkloadSpec): string {
  const labels = Object.entries(w.labels);
  const podSpec = (indent: string) => [
    `${indent}containers:`,
    `${indent}- name: main`,
    `${indent}  image: example/app:1`,
    ...(w.ports.length ? [`${indent}  ports:`, ...w.ports.flatMap((p) => [
      `${indent}  - containerPort: ${p.containerPort}`,
      ...(p.name ? [`${indent}    name: ${p.name}`] : []),
      ...(p.protocol ? [`${indent}    protocol: ${p.protocol}`] : []),
    ])] : []),
  ];
  const labelLines = (indent: string) => (labels.length ? [`${indent}labels:`, ...labels.map(([k, v]) => `${indent}  ${k}: ${y(v)}`)] : []);
  const head = [`apiVersion: ${w.kind === 'Pod' ? 'v1' : w.kind === 'CronJob' ? 'batch/v1' : 'apps/v1'}`, `kind: ${w.kind}`, 'metadata:', `  name: ${y(w.name)}`, ...(w.namespace ? [`  namespace: ${w.namespace}`] : [])];
  if (w.kind === 'Pod') return [...head, ...labelLines('  '), 'spec:', ...podSpec('  ')].join('\n') + '\n';
  if (w.kind === 'CronJob') {
    return [...head, 'spec:', '  schedule: "* * * * *"', '  jobTemplate:', '    spec:', '      template:', '        metadata:', ...labelLines('          '), '        spec:', ...podSpec('          ')].join('\n') + '\n';
  }
  return [...head, 'spec:', '  template:', '    metadata:', ...labelLines('      '), '    spec:', ...podSpec('      ')].join('\n') + '\n';
}

export const manifestArb: fc.Arbitrary<string> = fc.tuple(
  fc.array(serviceArb, { minLength: 1, maxLength: 3 }),
  fc.array(workloadArb, { maxLength: 2 }),
  fc.boolean(),
).map(([svcs, wls, listForm]) => {
  const docs = [...svcs.map(serviceYaml), ...wls.map(workloadYaml)];
  if (!listForm) return docs.map((d) => `---\n${d}`).join('');
  // `kind: List`: the same objects as items
  return 'apiVersion: v1\nkind: List\nitems:\n' + docs.map((d) => d.trimEnd().split('\n').map((l, i) => (i === 0 ? `- ${l}` : `  ${l}`)).join('\n')).join('\n') + '\n';
});

/** One exposed Service (NodePort or LoadBalancer, OCI or not): the counterpart of the rule-source properties. */
export const smallManifestArb: fc.Arbitrary<string> = fc.constantFrom(
  'apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  ports: [{port: 80, nodePort: 30080}, {name: dns, port: 53, protocol: UDP, nodePort: 30053}]\n',
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: b\n  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode: None\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  loadBalancerSourceRanges: [203.0.113.0/24]\n  ports:\n  - port: 443\n',
  'apiVersion: v1\nkind: Service\nmetadata:\n  name: c\n  annotations:\n    oci.oraclecloud.com/load-balancer-type: nlb\n    oci-network-load-balancer.oraclecloud.com/security-list-management-mode: All\nspec:\n  type: LoadBalancer\n  ports:\n  - port: 8443\n    nodePort: 31443\n',
  'apiVersion: v1\nkind: Service\nmetadata: {name: d}\nspec: {type: NodePort, ports: [{port: 22}]}\n',
);

// --------------------------------------------------------------------------------------- rule sources

const portRangeArb = fc.oneof(
  fc.integer({ min: 1, max: 65535 }).map(String),
  fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
  fc.constantFrom('30000-32767', '10256', '0', '70000', 'x', '5-1'),
);

export const zoneArb: fc.Arbitrary<string> = fc.record({
  target: fc.constantFrom('default', 'ACCEPT', 'DROP', '%%REJECT%%', undefined),
  ports: fc.array(fc.tuple(portRangeArb, fc.constantFrom('tcp', 'udp', 'sctp', 'TCP')), { maxLength: 4 }),
  services: fc.array(fc.constantFrom('ssh', 'kube-nodeport-services', 'kube-worker', 'http', 'no-such-service'), { maxLength: 3 }),
  sources: fc.array(cidrArb, { maxLength: 2 }),
  rich: fc.array(fc.tuple(cidrArb, portRangeArb, fc.boolean(), fc.constantFrom('accept', 'reject', 'drop')), { maxLength: 2 }),
  forwardPorts: fc.boolean(),
}).map((z) => [
  '<?xml version="1.0" encoding="utf-8"?>',
  `<zone${z.target ? ` target="${z.target}"` : ''}>`,
  '  <short>Fuzz</short>',
  ...z.services.map((s) => `  <service name="${s}"/>`),
  ...z.ports.map(([p, proto]) => `  <port port="${p}" protocol="${proto}"/>`),
  ...z.sources.map((c) => `  <source address="${c}"/>`),
  ...z.rich.map(([c, p, inv, action]) => `  <rule family="ipv4">\n    <source address="${c}"${inv ? ' invert="True"' : ''}/>\n    <port port="${p}" protocol="tcp"/>\n    <${action}/>\n  </rule>`),
  ...(z.forwardPorts ? ['  <forward-port port="80" protocol="tcp" to-port="8080"/>'] : []),
  '</zone>',
  '',
].join('\n'));

const ociProtocol = fc.constantFrom('6', '17', '1', 'all', '58', 'tcp', '');

export const securityListJsonArb: fc.Arbitrary<string> = fc.record({
  style: fc.constantFrom('kebab', 'camel'),
  wrapped: fc.boolean(),
  lists: fc.array(fc.record({
    name: dnsName,
    rules: fc.array(fc.record({
      protocol: ociProtocol,
      source: cidrArb,
      min: fc.integer({ min: 0, max: 70000 }),
      span: fc.integer({ min: 0, max: 3000 }),
      udp: fc.boolean(),
      nullOptions: fc.boolean(),
    }), { maxLength: 4 }),
  }), { minLength: 1, maxLength: 2 }),
}).map((s) => {
  const k = (kebab: string, camel: string) => (s.style === 'kebab' ? kebab : camel);
  const lists = s.lists.map((l) => ({
    [k('display-name', 'displayName')]: l.name,
    id: `ocid1.securitylist.oc1..${l.name}`,
    [k('ingress-security-rules', 'ingressSecurityRules')]: l.rules.map((r) => ({
      protocol: r.protocol,
      source: r.source,
      [k('source-type', 'sourceType')]: 'CIDR_BLOCK',
      [k(r.udp ? 'udp-options' : 'tcp-options', r.udp ? 'udpOptions' : 'tcpOptions')]: r.nullOptions ? null : {
        [k('destination-port-range', 'destinationPortRange')]: { min: r.min, max: r.min + r.span },
      },
    })),
  }));
  return JSON.stringify(s.wrapped ? { data: lists } : lists.length === 1 ? lists[0] : lists, null, 2) + '\n';
});

export const terraformArb: fc.Arbitrary<string> = fc.record({
  lists: fc.array(fc.record({
    name: dnsName.map((n) => n.replace(/-/g, '_')),
    rules: fc.array(fc.record({
      protocol: ociProtocol,
      source: fc.oneof(cidrArb.map((c) => JSON.stringify(c)), fc.constantFrom('local.lb_cidr', 'var.cidr', '"${var.cidr}"')),
      min: fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom('local.min', 'var.min')),
      max: fc.oneof(fc.integer({ min: 0, max: 70000 }).map(String), fc.constantFrom('local.max')),
      dynamic: fc.boolean(),
    }), { maxLength: 3 }),
  }), { maxLength: 2 }),
  nsgRules: fc.array(fc.record({
    name: dnsName.map((n) => n.replace(/-/g, '_')),
    source: cidrArb,
    port: fc.integer({ min: 1, max: 65535 }),
    direction: fc.constantFrom('INGRESS', 'EGRESS', 'ingress'),
  }), { maxLength: 2 }),
  locals: fc.boolean(),
}).map((t) => [
  ...(t.locals ? ['locals {', '  lb_cidr = "10.0.20.0/24"', '  min     = 30000', '  max     = 32767', '}', '', 'variable "cidr" {', '  default = "10.0.0.0/16"', '}', ''] : []),
  ...t.lists.flatMap((l) => [
    `resource "oci_core_security_list" "${l.name}" {`,
    `  display_name = "${l.name}"`,
    ...l.rules.flatMap((r) => (r.dynamic
      ? ['  dynamic "ingress_security_rules" {', '    for_each = var.rules', '    content {', `      protocol = "${r.protocol}"`, `      source   = ${r.source}`, '    }', '  }']
      : ['  ingress_security_rules {', `    protocol = "${r.protocol}"`, `    source   = ${r.source}`, '    tcp_options {', `      min = ${r.min}`, `      max = ${r.max}`, '    }', '  }'])),
    '}',
    '',
  ]),
  ...t.nsgRules.flatMap((r) => [
    `resource "oci_core_network_security_group_security_rule" "${r.name}" {`,
    '  network_security_group_id = oci_core_network_security_group.workers.id',
    `  direction = "${r.direction}"`,
    '  protocol  = "6"',
    `  source    = "${r.source}"`,
    '  tcp_options {',
    '    destination_port_range {',
    `      min = ${r.port}`,
    `      max = ${r.port}`,
    '    }',
    '  }',
    '}',
    '',
  ]),
  'resource "oci_core_network_security_group" "workers" {',
  '  display_name = "workers"',
  '}',
  '',
].join('\n'));

export const configArb: fc.Arbitrary<string> = fc.record({
  range: fc.constantFrom('30000-32767', '20000-22767', '1-65535', '5-1', 'x', undefined),
  provider: fc.constantFrom('oci', 'generic', 'aws', undefined),
  zones: fc.option(fc.array(fc.constantFrom('zones/public.xml', 'etc/firewalld/zones/public.xml', '../x.xml', '/etc/x.xml', 'missing.xml', 'a/./b/../zones/public.xml'), { maxLength: 2 }), { nil: undefined }),
  lists: fc.option(fc.array(fc.constantFrom('lists.json', 'network.tf#oci_core_security_list.workers', 'network.tf#nope', 'missing.json'), { maxLength: 2 }), { nil: undefined }),
  clientCidrs: fc.option(fc.array(cidrArb, { maxLength: 2 }), { nil: undefined }),
  strict: fc.constantFrom(true, false, 'yes', undefined),
}).map((c) => [
  ...(c.range ? [`nodePortRange: ${c.range}`] : []),
  ...(c.provider ? [`provider: ${c.provider}`] : []),
  'nodes:',
  ...(c.clientCidrs ? ['  clientCidrs:', ...c.clientCidrs.map((x) => `    - ${JSON.stringify(x)}`)] : []),
  '  firewalld:',
  ...(c.zones ? ['    zones:', ...c.zones.map((z) => `      - ${z}`)] : []),
  ...(c.strict !== undefined ? [`    strictForwardPorts: ${c.strict}`] : []),
  ...(c.lists ? ['  securityLists:', ...c.lists.map((l) => `    - ${l}`)] : []),
  '',
].join('\n'));

// --------------------------------------------------------------------------------------- type confusion

/** Values of every JSON type (and a few YAML-special strings) for a field that expects another. */
export const strangeValueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: fc.constantFrom(null, '', 0, -1, 1.5, 1e300, -0, true, false, [], {}, [[]], [{}], [null], { '': null }, '{{ .Values.x }}', 'None', '30000', '0x7530', ' 80 ', '80/TCP', '🙂') },
);

const SERVICE_PATHS = [
  ['apiVersion'], ['kind'], ['metadata'], ['metadata', 'name'], ['metadata', 'namespace'], ['metadata', 'annotations'],
  ['metadata', 'labels'], ['spec'], ['spec', 'type'], ['spec', 'ports'], ['spec', 'ports', 0], ['spec', 'ports', 0, 'port'],
  ['spec', 'ports', 0, 'nodePort'], ['spec', 'ports', 0, 'targetPort'], ['spec', 'ports', 0, 'protocol'], ['spec', 'ports', 0, 'name'],
  ['spec', 'ports', 1], ['spec', 'selector'], ['spec', 'selector', 'app'], ['spec', 'externalTrafficPolicy'], ['spec', 'healthCheckNodePort'],
  ['spec', 'loadBalancerSourceRanges'], ['spec', 'loadBalancerSourceRanges', 0], ['spec', 'clusterIP'], ['spec', 'clusterIPs'],
  ['spec', 'sessionAffinity'], ['spec', 'sessionAffinityConfig'], ['spec', 'externalIPs'], ['spec', 'allocateLoadBalancerNodePorts'],
  ['spec', 'loadBalancerClass'], ['spec', 'externalName'], ['spec', 'ipFamilies'], ['spec', 'internalTrafficPolicy'],
  ['metadata', 'annotations', 'oci.oraclecloud.com/load-balancer-type'],
  ['metadata', 'annotations', 'service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode'],
  ['metadata', 'annotations', 'oci.oraclecloud.com/security-rule-management-mode'],
  ['metadata', 'annotations', 'oci.oraclecloud.com/oci-backend-network-security-group'],
] as const;

const WORKLOAD_PATHS = [
  ['spec'], ['spec', 'template'], ['spec', 'template', 'metadata', 'labels'], ['spec', 'template', 'metadata', 'labels', 'app'],
  ['spec', 'template', 'spec', 'containers'], ['spec', 'template', 'spec', 'containers', 0],
  ['spec', 'template', 'spec', 'containers', 0, 'ports'], ['spec', 'template', 'spec', 'containers', 0, 'ports', 0],
  ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'containerPort'], ['spec', 'template', 'spec', 'containers', 0, 'ports', 0, 'name'],
  ['metadata', 'namespace'], ['kind'],
] as const;

function setPath(obj: Record<string, unknown>, p: readonly (string | number)[], value: unknown): void {
  let cur: unknown = obj;
  for (let i = 0; i < p.length - 1; i++) {
    const next = (cur as Record<string | number, unknown>)[p[i]];
    if (next === null || typeof next !== 'object') {
      (cur as Record<string | number, unknown>)[p[i]] = typeof p[i + 1] === 'number' ? [] : {};
    }
    cur = (cur as Record<string | number, unknown>)[p[i]];
  }
  (cur as Record<string | number, unknown>)[p[p.length - 1]] = value;
}

/** A Service and a Deployment that select each other, with a few fields replaced by values of the wrong type. */
export const confusedManifestArb: fc.Arbitrary<string> = fc.tuple(
  fc.array(fc.tuple(fc.constantFrom(...SERVICE_PATHS), strangeValueArb), { minLength: 1, maxLength: 3 }),
  fc.array(fc.tuple(fc.constantFrom(...WORKLOAD_PATHS), strangeValueArb), { maxLength: 2 }),
  fc.constantFrom('NodePort', 'LoadBalancer', 'ClusterIP'),
).map(([svcEdits, wlEdits, type]) => {
  const svc: Record<string, unknown> = {
    apiVersion: 'v1', kind: 'Service',
    metadata: { name: 'web', namespace: 'shop', annotations: { 'oci.oraclecloud.com/load-balancer-type': 'nlb' } },
    spec: { type, selector: { app: 'web' }, ports: [{ name: 'http', port: 80, nodePort: 30080, targetPort: 'http', protocol: 'TCP' }], externalTrafficPolicy: 'Local' },
  };
  const wl: Record<string, unknown> = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', ports: [{ name: 'http', containerPort: 8080 }] }] } } },
  };
  // copies: fast-check hands out the same constant objects again, and a path may lead into an earlier value
  for (const [p, v] of svcEdits) setPath(svc, p, structuredClone(v));
  for (const [p, v] of wlEdits) setPath(wl, p, structuredClone(v));
  // JSON is YAML: every value keeps its type
  return `${JSON.stringify(svc)}\n---\n${JSON.stringify(wl, null, 2)}\n`;
});
