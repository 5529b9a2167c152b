/**
 * Workspaces for the benchmark (scripts/bench/bench.mjs), generated, deterministic:
 *
 *  - `singleFile(dir, n)`: one manifest of n Deployments and n Services (each pair about 36 lines: 1,000 pairs
 *    ≈ 36,000 lines), beside the rule sources of a small OKE cluster (a firewalld zone, firewalld.conf, OCI
 *    security lists in Terraform) and a `.service-reach.yaml` naming them;
 *  - `repository(dir, files)`: the same kind of pairs spread over `files` manifest files (one Deployment and
 *    one Service each) in a monorepo layout (`apps/team-NN/app-NNNNN/deploy.yaml`), with the same rule sources.
 *
 * The Services mix ClusterIP (half), NodePort and LoadBalancer (a quarter each, OCI annotations on the load
 * balancers), in 20 namespaces, node ports pinned and distinct. A few carry a real problem, so that the
 * analysis has findings to publish: every 97th Service names a targetPort its pods do not declare, every
 * 251st exposed one uses a node port the firewalld zone keeps closed.
 *
 * `node scripts/bench/generate.mjs DIR [--services N | --files N]` writes one workspace (for looking at it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const NAMESPACES = 20;
/** node ports the zone and the worker lists open; 32700-32767 stay closed */
const OPEN_NODE_PORTS = { min: 30000, max: 32699 };

const pad = (i) => String(i).padStart(5, '0');

function kindOf(i) {
  return i % 4 === 1 ? 'NodePort' : i % 4 === 3 ? 'LoadBalancer' : 'ClusterIP';
}

/** a distinct pinned node port per exposed Service (in order), a closed one every 251st */
function nodePortOf(i) {
  const exposed = Math.floor(i / 2); // i odd: the exposed Services are 1, 3, 5, …
  if (exposed % 251 === 250) return 32700 + (exposed % 60);
  return OPEN_NODE_PORTS.min + (exposed % (OPEN_NODE_PORTS.max - OPEN_NODE_PORTS.min + 1));
}

export function deployment(i) {
  const name = `app-${pad(i)}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ns-${i % NAMESPACES}
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: main
          image: registry.example.com/team-${i % 40}/${name}:1.${i % 17}.0
          ports:
            - name: http
              containerPort: 8080
`;
}

export function service(i) {
  const name = `app-${pad(i)}`;
  const type = kindOf(i);
  const annotations = type === 'LoadBalancer'
    ? `  annotations:
    service.beta.kubernetes.io/oci-load-balancer-shape: flexible
    service.beta.kubernetes.io/oci-load-balancer-shape-flex-min: "10"
    service.beta.kubernetes.io/oci-load-balancer-shape-flex-max: "100"
`
    : '';
  const targetPort = i % 97 === 96 ? 'htttp' : 'http';
  const nodePort = type === 'ClusterIP' ? '' : `      nodePort: ${nodePortOf(i)}\n`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ns-${i % NAMESPACES}
${annotations}spec:
  type: ${type}
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - name: http
      port: ${type === 'LoadBalancer' ? 443 : 80}
      targetPort: ${targetPort}
${nodePort}`;
}

function pair(i) {
  return `${deployment(i)}---\n${service(i)}`;
}

const ZONE = `<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <service name="ssh"/>
  <service name="kubelet"/>
  <port port="${OPEN_NODE_PORTS.min}-${OPEN_NODE_PORTS.max}" protocol="tcp"/>
  <port port="10256" protocol="tcp"/>
</zone>
`;

const FIREWALLD_CONF = `DefaultZone=public
FirewallBackend=nftables
StrictForwardPorts=no
`;

const TERRAFORM = `locals {
  lb_subnet_cidr = "10.0.20.0/24"
}

resource "oci_core_security_list" "workers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "workers"

  ingress_security_rules {
    protocol = "6"
    source   = local.lb_subnet_cidr
    tcp_options {
      min = ${OPEN_NODE_PORTS.min}
      max = ${OPEN_NODE_PORTS.max}
    }
  }

  ingress_security_rules {
    protocol = "6"
    source   = local.lb_subnet_cidr
    tcp_options {
      min = 10256
      max = 10256
    }
  }
}

resource "oci_core_security_list" "load_balancers" {
  compartment_id = var.compartment_id
  vcn_id         = var.vcn_id
  display_name   = "load-balancers"

  ingress_security_rules {
    protocol = "6"
    source   = "0.0.0.0/0"
    tcp_options {
      min = 443
      max = 443
    }
  }
}
`;

const CONFIG = `nodePortRange: 30000-32767
nodes:
  firewalld:
    zones: [infra/etc/firewalld/zones/public.xml]
  securityLists:
    - infra/terraform/network.tf#oci_core_security_list.workers
loadBalancers:
  subnetCidrs: [10.0.20.0/24]
  securityLists:
    - infra/terraform/network.tf#oci_core_security_list.load_balancers
`;

function write(root, rel, text) {
  const abs = path.join(root, ...rel.split('/'));
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
}

function ruleSources(root) {
  write(root, 'infra/etc/firewalld/zones/public.xml', ZONE);
  write(root, 'infra/etc/firewalld/firewalld.conf', FIREWALLD_CONF);
  write(root, 'infra/terraform/network.tf', TERRAFORM);
  write(root, '.service-reach.yaml', CONFIG);
}

/** The text of one file of n Deployment/Service pairs. */
export function manifestText(n) {
  const parts = [];
  for (let i = 0; i < n; i++) parts.push(pair(i));
  return parts.join('---\n');
}

/**
 * One manifest of n pairs plus rule sources. Returns the workspace-relative path of the manifest and its text.
 */
export function singleFile(root, n) {
  fs.mkdirSync(root, { recursive: true });
  ruleSources(root);
  const rel = 'k8s/all-services.yaml';
  const text = manifestText(n);
  write(root, rel, text);
  return { root, rel, text, lines: text.split('\n').length - 1, bytes: Buffer.byteLength(text) };
}

export function repoPathOf(i) {
  return `apps/team-${String(i % 40).padStart(2, '0')}/app-${pad(i)}/deploy.yaml`;
}

/** `files` manifest files of one pair each, plus rule sources. */
export function repository(root, files) {
  fs.mkdirSync(root, { recursive: true });
  ruleSources(root);
  let lines = 0;
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const text = pair(i);
    lines += text.split('\n').length - 1;
    bytes += Buffer.byteLength(text);
    write(root, repoPathOf(i), text);
  }
  return { root, files: files + 4, manifests: files, lines, bytes };
}

/** A Helm chart's helpers, as real charts write them (a `define` per name, labels through `include`). */
const CHART_HELPERS = `{{- define "bench.fullname" -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "bench.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
`;

function chartService(i) {
  return `{{- $app := index .Values.apps ${i} }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "bench.fullname" . }}-{{ $app.name }}
  labels:
    {{- include "bench.labels" . | nindent 4 }}
spec:
  type: {{ $app.service.type }}
  selector:
    {{- include "bench.labels" . | nindent 4 }}
    app: {{ $app.name }}
  ports:
    - name: http
      port: {{ $app.service.port }}
      targetPort: http
      {{- if eq $app.service.type "NodePort" }}
      nodePort: {{ $app.service.nodePort }}
      {{- end }}
`;
}

function chartDeployment(i) {
  return `{{- $app := index .Values.apps ${i} }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "bench.fullname" . }}-{{ $app.name }}
spec:
  replicas: {{ $app.replicas | default 1 }}
  selector:
    matchLabels:
      {{- include "bench.labels" . | nindent 6 }}
      app: {{ $app.name }}
  template:
    metadata:
      labels:
        {{- include "bench.labels" . | nindent 8 }}
        app: {{ $app.name }}
    spec:
      containers:
        - name: {{ $app.name }}
          image: "{{ $app.image }}:{{ $app.tag | default .Chart.AppVersion }}"
          ports:
            - name: http
              containerPort: 8080
`;
}

/**
 * A Helm chart of `templates` templates (a Service and a Deployment per app, half of the Services NodePorts) and
 * `_helpers.tpl`, beside the rule sources. Returns the template a keystroke edits.
 */
export function chartRepo(root, templates) {
  fs.mkdirSync(root, { recursive: true });
  ruleSources(root);
  const apps = Math.ceil(templates / 2);
  const values = ['apps:'];
  for (let i = 0; i < apps; i++) {
    const nodePort = i % 2 === 0;
    values.push(`  - name: app-${pad(i)}`, `    image: registry.example.com/app-${pad(i)}`, '    tag: "1.0"', '    service:',
      `      type: ${nodePort ? 'NodePort' : 'ClusterIP'}`, '      port: 80', ...(nodePort ? [`      nodePort: ${30000 + i}`] : []));
  }
  write(root, 'charts/bench/Chart.yaml', 'apiVersion: v2\nname: bench\nversion: 1.0.0\nappVersion: "1.0"\n');
  write(root, 'charts/bench/values.yaml', values.join('\n') + '\n');
  write(root, 'charts/bench/templates/_helpers.tpl', CHART_HELPERS);
  let n = 0;
  for (let i = 0; i < apps && n < templates; i++) {
    write(root, `charts/bench/templates/app-${pad(i)}-service.yaml`, chartService(i));
    n++;
    if (n < templates) { write(root, `charts/bench/templates/app-${pad(i)}-deployment.yaml`, chartDeployment(i)); n++; }
  }
  const rel = `charts/bench/templates/app-${pad(0)}-service.yaml`;
  return { root, rel, text: chartService(0), templates: n };
}

/** All files of a workspace on disk, as {rel: text} (for in-process engine runs). */
export function readTree(root) {
  const out = new Map();
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else if (e.isFile()) out.set(path.relative(root, abs).split(path.sep).join('/'), fs.readFileSync(abs, 'utf8'));
    }
  };
  walk(root);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dir, flag, value] = process.argv.slice(2);
  if (!dir) {
    process.stderr.write('usage: node scripts/bench/generate.mjs DIR [--services N | --files N]\n');
    process.exit(2);
  }
  const n = Number(value ?? 1000);
  const r = flag === '--files' ? repository(dir, n) : singleFile(dir, n);
  process.stdout.write(JSON.stringify({ ...r, text: undefined }) + '\n');
}
