/**
 * The state one diagram is built in: the Service, its findings, the boxes and hops made so far, and the boxes
 * and hops every Service type shares (clients, ClusterIP, pods, the hops into the pods). `build.ts` makes one
 * per Service; `exposed.ts` adds what NodePort and LoadBalancer Services have on top.
 */
import type { Analysis, ServiceAnalysis } from '../../workspace';
import type { Finding } from '../../findings/finding';
import { CODES, type Code } from '../../findings/codes';
import type { Span } from '../../text/span';
import type { Protocol } from '../../sources/model';
import type { ServiceModel } from '../../k8s/service';
import type { Workload } from '../../k8s/manifests';
import { matchedWorkloads } from '../../checks/references';
import {
  findingKey, type ClientsFacts, type DiagramEdge, type DiagramFinding, type DiagramNode, type HopKind, type SourceRef,
} from './model';

function within(span: Span, outer: Span): boolean {
  return outer.start <= span.start && span.start <= outer.end;
}

/** `30080/TCP`; an unpinned port with the range it is picked from. */
export function portSpec(port: number | null, protocol: Protocol | null, range?: { min: number; max: number }): string {
  const p = port === null ? (range ? `unpinned (${range.min}-${range.max})` : '?') : String(port);
  return `${p}/${protocol ?? '?'}`;
}

export class DiagramBuilder {
  readonly svc: ServiceModel;
  /** the findings of the analysis inside the Service's object, in analysis order */
  readonly own: readonly Finding[];
  readonly findings: DiagramFinding[];
  readonly nodes: DiagramNode[] = [];
  readonly edges: DiagramEdge[] = [];
  readonly notes: string[] = [];
  /** the workloads whose pod template the Service selects */
  readonly matched: Workload[];
  /** `app=web, tier=backend`; null when the Service has no selector */
  readonly selectorText: string | null;
  /** the Service's `selector-matches-nothing` finding, if it has one */
  readonly selectorFinding: Finding | undefined;
  private readonly edgeIds = new Set<string>();

  /** `own`: the Service's findings when they are not all inside its object (a Service an overlay builds: values from patches) */
  constructor(readonly analysis: Analysis, readonly sa: ServiceAnalysis, own?: readonly Finding[]) {
    const svc = (this.svc = sa.service);
    this.own = own ? [...own] : analysis.findings.filter((f) => f.path === svc.path && within(f.span, svc.object.span));
    this.findings = this.own.map((f) => ({
      key: findingKey(f),
      code: f.code,
      severity: f.severity,
      title: CODES[f.code].title,
      message: f.message,
      path: f.path,
      span: { start: f.span.start, end: f.span.end },
      fixable: CODES[f.code].fixes.length > 0,
    }));
    this.matched = matchedWorkloads(svc, analysis.workloads);
    this.selectorText = svc.selector && svc.selector.size > 0
      ? [...svc.selector].map(([k, v]) => `${k}=${v ?? '…'}`).join(', ')
      : null;
    this.selectorFinding = this.own.find((f) => f.code === 'selector-matches-nothing');
  }

  get range(): { min: number; max: number } {
    return { min: this.analysis.config.nodePortRange.min, max: this.analysis.config.nodePortRange.max };
  }

  addNode(n: Omit<DiagramNode, 'findings' | 'codes'>): void {
    this.nodes.push({ ...n, findings: [], codes: [] });
  }

  /** Adds a hop; an id already taken gets `#2`, `#3`, … */
  addEdge(e: Omit<DiagramEdge, 'id' | 'codes'> & { id: string }): void {
    let id = e.id;
    for (let i = 2; this.edgeIds.has(id); i++) id = `${e.id}#${i}`;
    this.edgeIds.add(id);
    this.edges.push({ ...e, id, codes: this.codesOf(e.findings) });
  }

  /** The codes of these finding keys, each once, in order. */
  codesOf(keys: readonly string[]): Code[] {
    const out: Code[] = [];
    for (const k of keys) {
      const f = this.findings.find((x) => x.key === k);
      if (f && !out.includes(f.code)) out.push(f.code);
    }
    return out;
  }

  portOf(index: number | null) {
    return index === null ? undefined : this.svc.ports.find((p) => p.index === index);
  }

  /** `80 (http)` */
  portName(index: number | null): string {
    const p = this.portOf(index);
    return p ? `${p.port ?? '?'}${p.name ? ` (${p.name})` : ''}` : '?';
  }

  // ------------------------------------------------------------------------------------- shared boxes

  addClients(facts: ClientsFacts, lines: string[], ref: SourceRef | null, title = 'Clients'): void {
    this.addNode({ id: 'clients', kind: 'clients', title, lines, facts, ref });
  }

  addPods(): void {
    const { svc, matched, selectorText, analysis } = this;
    const lines: string[] = [];
    if (selectorText) lines.push(`selector ${selectorText}`);
    else lines.push('no selector (endpoints are managed by hand)');
    for (const w of matched) lines.push(workloadText(w));
    if (selectorText && matched.length === 0) {
      lines.push(analysis.workloads.length ? 'no pod template matches' : 'no workload in the workspace');
    }
    this.addNode({
      id: 'pods', kind: 'pods', title: 'Pods', lines,
      facts: {
        kind: 'pods', selector: selectorText,
        workloads: matched.map((w) => ({ kind: w.kind, name: w.name ?? null, namespace: w.namespace ?? null, ref: { path: w.object.path, span: w.labelsSpan } })),
        workspaceHasWorkloads: analysis.workloads.length > 0,
      },
      ref: svc.selectorPair ? { path: svc.path, span: svc.selectorPair.key.span } : null,
    });
  }

  addClusterIp(): void {
    const svc = this.svc;
    this.addNode({
      id: 'cluster-ip', kind: 'cluster-ip', title: 'ClusterIP',
      lines: svc.ports.length ? svc.ports.map((p) => `port ${portSpec(p.port, p.protocol)}${p.name ? ` (${p.name})` : ''}`) : ['no ports'],
      facts: {
        kind: 'cluster-ip', headless: false,
        ports: svc.ports.map((p) => ({ port: p.port, protocol: p.protocol, name: p.name ?? null, servicePortIndex: p.index })),
      },
      ref: svc.portsPair ? { path: svc.path, span: svc.portsPair.key.span } : null,
    });
  }

  /**
   * Cluster IP (or clients, for headless) → pods, one hop per service port. The hop is blocked when the check
   * found that the selector matches no pod template, or that no selected container declares the targetPort name.
   */
  addPodHops(from: string, hop: HopKind): void {
    const { svc, own, matched, selectorFinding } = this;
    for (const p of svc.ports) {
      const target = targetText(p.targetPort, p.protocol, matched);
      const keys = own.filter((f) => (f.code === 'target-port-name-unknown' || f.code === 'target-port-not-declared') && within(f.span, p.span)).map(findingKey);
      if (selectorFinding) keys.unshift(findingKey(selectorFinding));
      const blockedBy = selectorFinding ? 'the selector matches no pod template'
        : own.some((f) => f.code === 'target-port-name-unknown' && within(f.span, p.span)) ? 'no selected container declares this targetPort name'
        : null;
      this.addEdge({
        id: `${hop}:${p.index}`, from, to: 'pods', hop,
        label: `${portSpec(p.port, p.protocol)} → ${target}`,
        detail: null, protocol: p.protocol, port: p.port, portKind: null, servicePortIndex: p.index,
        status: blockedBy ? 'blocked' : 'not-applicable',
        reason: blockedBy ?? (hop === 'clients-to-pods' ? 'headless: DNS returns the pod addresses' : 'inside the cluster (kube-proxy); no rule source applies'),
        guards: [], findings: keys,
      });
    }
    if (svc.ports.length === 0) {
      this.addEdge({
        id: `${hop}:none`, from, to: 'pods', hop, label: 'no ports', detail: null, protocol: null, port: null, portKind: null,
        servicePortIndex: null, status: selectorFinding ? 'blocked' : 'not-applicable',
        reason: selectorFinding ? 'the selector matches no pod template' : hop === 'clients-to-pods' ? 'headless: DNS returns the pod addresses' : null,
        guards: [], findings: selectorFinding ? [findingKey(selectorFinding)] : [],
      });
    }
  }
}

function workloadText(w: Workload): string {
  return `${w.kind} ${w.namespace ?? '?'}/${w.name ?? '(unnamed)'} (${w.object.path})`;
}

/** `8080`, `http (8080)`, `http (not declared)` */
export function targetText(target: number | string | null, protocol: Protocol | null, matched: readonly Workload[]): string {
  if (target === null) return 'targetPort ?';
  if (typeof target === 'number') return `targetPort ${target}`;
  const numbers: number[] = [];
  for (const w of matched) {
    for (const c of w.ports) {
      if (c.name === target && c.protocol === (protocol ?? 'TCP') && c.containerPort !== undefined && !numbers.includes(c.containerPort)) numbers.push(c.containerPort);
    }
  }
  return `targetPort ${target}${numbers.length ? ` (${numbers.join(', ')})` : matched.length ? ' (not declared)' : ''}`;
}
