/**
 * Analysis → diagram model: the boxes and hops of one Service by its type, and the findings placed on them.
 * Pure: it reads an `Analysis` (its findings, requirement statuses from `features/status.ts`, workloads) and
 * returns the plain data of `model.ts`. What a hop's verdict is comes from the statuses and the findings the
 * checks made; nothing here decides a finding of its own.
 */
import type { Analysis, ServiceAnalysis } from '../../workspace';
import type { Code } from '../../findings/codes';
import type { Finding } from '../../findings/finding';
import { getValue, scalarString } from '../../parse/yaml';
import { valueSpan } from '../../k8s/spans';
import { DiagramBuilder, portSpec } from './builder';
import { buildExposed } from './exposed';
import {
  DIAGRAM_MODEL_VERSION, findingKey, serviceDisplayName, type DiagramModel, type DiagramNodeKind,
} from './model';

/** Codes that mark a box rather than a hop. */
const NODE_CODES: Partial<Record<Code, DiagramNodeKind>> = {
  'source-ranges-bypassed': 'clients',
  'invalid-cidr': 'clients',
  'oci-udp-unsupported': 'load-balancer',
  'oci-session-affinity-unsupported': 'load-balancer',
  'oci-invalid-annotation': 'load-balancer',
  'nodeport-conflict': 'nodes',
  'nodeport-out-of-range': 'nodes',
  'selector-matches-nothing': 'pods',
};

/** `own`: the Service's findings, when they are not those of the analysis inside its object (overlay.ts). */
export function diagramOf(analysis: Analysis, sa: ServiceAnalysis, own?: readonly Finding[]): DiagramModel {
  const b = new DiagramBuilder(analysis, sa, own);
  const svc = sa.service;
  const type = svc.type;

  if (type === 'ExternalName') buildExternalName(b);
  else if (type === 'NodePort' || type === 'LoadBalancer') buildExposed(b, sa.exposure!, type === 'LoadBalancer');
  else buildInCluster(b);

  // findings on the boxes
  const onEdges = new Set(b.edges.flatMap((e) => e.findings));
  for (const f of b.own) {
    const kind = NODE_CODES[f.code];
    if (!kind) continue;
    const key = findingKey(f);
    if (onEdges.has(key) && kind !== 'pods') continue; // already on a hop (a node port in conflict, …)
    const node = b.nodes.find((n) => n.kind === kind);
    if (node && !node.findings.includes(key)) node.findings.push(key);
  }
  for (const n of b.nodes) n.codes = b.codesOf(n.findings);

  const display = serviceDisplayName(svc);
  return {
    version: DIAGRAM_MODEL_VERSION,
    service: {
      name: svc.name ?? null, namespace: svc.namespace ?? null, display, type, path: svc.path,
      span: { start: svc.object.span.start, end: svc.object.span.end }, objectId: svc.object.id,
    },
    title: `Service ${display} (${type ?? 'type unknown'})`,
    provider: analysis.provider,
    nodes: b.nodes,
    edges: b.edges,
    findings: b.findings,
    notes: b.notes,
  };
}

/** In-cluster clients → the external name: a DNS answer, nothing proxied. */
function buildExternalName(b: DiagramBuilder): void {
  const svc = b.svc;
  const externalName = scalarString(getValue(svc.spec, 'externalName')) ?? null;
  b.addClients({ kind: 'clients', sources: ['in-cluster'], origin: 'in-cluster' }, ['pods and nodes of the cluster'], null, 'In-cluster clients');
  const namePair = svc.spec?.pairs.find((p) => p.name === 'externalName');
  b.addNode({
    id: 'external-name', kind: 'external-name', title: 'External name',
    lines: [externalName ? `DNS CNAME → ${externalName}` : 'externalName is missing'],
    facts: { kind: 'external-name', externalName },
    ref: namePair ? { path: svc.path, span: valueSpan(namePair) } : null,
  });
  b.addEdge({
    id: 'clients-to-external-name', from: 'clients', to: 'external-name', hop: 'clients-to-external-name',
    label: 'DNS lookup', detail: null, protocol: null, port: null, portKind: null, servicePortIndex: null,
    status: 'not-applicable', reason: 'no proxying: the cluster DNS answers with a CNAME', guards: [], findings: [],
  });
}

/** ClusterIP (or a type we cannot read): reachable inside the cluster only. */
function buildInCluster(b: DiagramBuilder): void {
  const svc = b.svc;
  const type = svc.type;
  if (type === null) b.notes.push(svc.typeUnknown ? 'The Service type is a template expression: only the in-cluster path is shown.' : 'The Service type is not valid: only the in-cluster path is shown.');
  b.addClients({ kind: 'clients', sources: ['in-cluster'], origin: 'in-cluster' },
    svc.hasExternalIPs ? ['pods and nodes of the cluster', 'and traffic to the externalIPs'] : ['pods and nodes of the cluster'], null, 'In-cluster clients');
  if (svc.headless && type === 'ClusterIP') {
    b.addPods();
    b.addPodHops('clients', 'clients-to-pods');
    return;
  }
  b.addClusterIp();
  b.addPods();
  for (const p of svc.ports) {
    b.addEdge({
      id: `clients-to-cluster-ip:${p.index}`, from: 'clients', to: 'cluster-ip', hop: 'clients-to-cluster-ip',
      label: `port ${portSpec(p.port, p.protocol)}`, detail: null, protocol: p.protocol, port: p.port, portKind: null,
      servicePortIndex: p.index, status: 'not-applicable', reason: 'inside the cluster; no rule source applies', guards: [], findings: [],
    });
  }
  if (svc.ports.length === 0) {
    b.addEdge({
      id: 'clients-to-cluster-ip:none', from: 'clients', to: 'cluster-ip', hop: 'clients-to-cluster-ip', label: 'no ports',
      detail: null, protocol: null, port: null, portKind: null, servicePortIndex: null, status: 'not-applicable', reason: null, guards: [], findings: [],
    });
  }
  b.addPodHops('cluster-ip', 'cluster-ip-to-pods');
}
