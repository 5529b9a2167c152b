/**
 * Cross-references between objects of the workspace:: selector ↔ pod templates (namespaces
 * respected), named and numeric targetPort ↔ container ports, and `nodeport-conflict` across Services.
 */
import { finding, listText, MAX_RELATED, relatedList, type RelatedInfo } from '../findings/finding';
import { nodeportConflict } from '../rules/node-ports';
import { asScalar } from '../parse/yaml';
import { selectorMatches, type Workload } from '../k8s/manifests';
import type { ServiceModel } from '../k8s/service';
import { valueSpan } from '../k8s/spans';
import type { CheckContext } from './context';

/** Workloads whose pod template this Service selects (namespaces respected; unknown namespaces match). */
export function matchedWorkloads(svc: ServiceModel, workloads: readonly Workload[]): Workload[] {
  if (!svc.selector || svc.selector.size === 0) return [];
  return workloads.filter((w) =>
    w.labels !== null
    && (w.namespace === undefined || svc.namespace === undefined || w.namespace === svc.namespace)
    && selectorMatches(svc.selector!, w.labels));
}

function hasUnknownLabels(svc: ServiceModel, workloads: readonly Workload[]): boolean {
  return workloads.some((w) => w.labels === null && (w.namespace === undefined || svc.namespace === undefined || w.namespace === svc.namespace));
}

export function checkSelectorAndTargetPorts(svc: ServiceModel, workloads: readonly Workload[], ctx: CheckContext): void {
  if (workloads.length === 0 || svc.type === 'ExternalName' || svc.typeUnknown) return;
  if (!svc.selectorPair || !svc.selector || svc.selector.size === 0) return;
  const matched = matchedWorkloads(svc, workloads);
  if (matched.length === 0) {
    if (hasUnknownLabels(svc, workloads)) return;
    const wanted = [...svc.selector].map(([k, v]) => `${k}=${v ?? '…'}`).join(', ');
    const elsewhere = workloads.filter((w) => w.labels && selectorMatches(svc.selector!, w.labels));
    const hint = elsewhere.length
      ? ` (${listText(elsewhere.slice(0, MAX_RELATED).map((w) => `${w.kind} ${w.name ?? ''} in namespace ${w.namespace ?? '?'}`), elsewhere.length)} would match, but in another namespace)`
      : '';
    ctx.report(finding('selector-matches-nothing', svc.path, svc.selectorPair.key.span,
      `Selector ${wanted} matches no pod template in namespace "${svc.namespace}"${hint}.`,
      { related: relatedList(elsewhere, (w) => ({ path: w.object.path, span: w.labelsSpan, message: `${w.kind} ${w.name ?? ''} (namespace ${w.namespace})` })) }));
    return;
  }
  if (matched.some((w) => w.portsUnknown)) return;
  const related: RelatedInfo[] = relatedList(matched, (w) => ({ path: w.object.path, span: w.labelsSpan, message: `${w.kind} ${w.name ?? ''} is selected` }));
  for (const p of svc.ports) {
    if (!p.targetPortPair) continue;
    const s = asScalar(p.targetPortPair.value);
    if (!s || s.template) continue;
    if (typeof s.value === 'string' && s.value !== '') {
      const name = s.value;
      const protocol = p.protocol ?? 'TCP';
      const declared = matched.some((w) => w.ports.some((c) => c.name === name && c.protocol === protocol));
      if (!declared) {
        const sameNameOtherProtocol = matched.some((w) => w.ports.some((c) => c.name === name));
        const names = [...new Set(matched.flatMap((w) => w.ports.map((c) => c.name).filter((n): n is string => !!n)))];
        ctx.report(finding('target-port-name-unknown', svc.path, valueSpan(p.targetPortPair),
          sameNameOtherProtocol
            ? `targetPort "${name}" is declared by the selected containers, but not with protocol ${protocol}.`
            : `targetPort "${name}" is not a port name of the selected containers${names.length ? ` (they declare ${listText(names.map((n) => `"${n}"`))})` : ' (they declare no named ports)'}.`,
          { related }));
      }
    } else if (typeof s.value === 'number' && s.value > 0) {
      const n = s.value;
      const declared = matched.some((w) => w.ports.some((c) => c.containerPort === n));
      if (!declared) {
        ctx.report(finding('target-port-not-declared', svc.path, valueSpan(p.targetPortPair),
          `targetPort ${n} is not declared as a containerPort by the selected containers.`, { related }));
      }
    }
  }
}

/** One use of a node-port number by a Service. */
interface NodePortUse {
  svc: ServiceModel;
  number: number;
  what: string;
  span: { start: number; end: number };
}

export function nodePortUses(svc: ServiceModel): NodePortUse[] {
  if (svc.type !== 'NodePort' && svc.type !== 'LoadBalancer') return [];
  const uses: NodePortUse[] = [];
  for (const p of svc.ports) {
    if (p.nodePort !== null && p.nodePortPair) uses.push({ svc, number: p.nodePort, what: `nodePort of ${p.name ? `port "${p.name}"` : `port ${p.port ?? '?'}`}`, span: valueSpan(p.nodePortPair) });
  }
  if (svc.type === 'LoadBalancer' && svc.externalTrafficPolicy === 'Local' && svc.healthCheckNodePort !== null && svc.healthCheckNodePortPair) {
    uses.push({ svc, number: svc.healthCheckNodePort, what: 'healthCheckNodePort', span: valueSpan(svc.healthCheckNodePortPair) });
  }
  return uses;
}

function identity(svc: ServiceModel): string {
  return svc.name !== undefined ? `${svc.namespace ?? '?'}/${svc.name}` : svc.object.id;
}

function describeSvc(svc: ServiceModel): string {
  return `Service ${svc.namespace ?? '?'}/${svc.name ?? '(unnamed)'}`;
}

export function checkNodePortConflicts(services: readonly ServiceModel[], ctx: CheckContext): void {
  const byNumber = new Map<number, NodePortUse[]>();
  for (const svc of services) {
    for (const u of nodePortUses(svc)) {
      const list = byNumber.get(u.number) ?? [];
      list.push(u);
      byNumber.set(u.number, list);
    }
  }
  for (const [number, uses] of byNumber) {
    const owners = new Map<string, number>(); // identity -> uses
    for (const u of uses) owners.set(identity(u.svc), (owners.get(identity(u.svc)) ?? 0) + 1);
    if (owners.size < 2) continue; // one Service (possibly TCP and UDP sharing a node port) or the same object twice
    for (const u of uses) {
      // thousands of Services may share one number: name the first few, count the rest
      const me = identity(u.svc);
      const others: NodePortUse[] = [];
      const otherNames = new Set<string>();
      for (const o of uses) {
        if (identity(o.svc) === me) continue;
        if (others.length < MAX_RELATED) others.push(o);
        otherNames.add(describeSvc(o.svc));
        if (otherNames.size >= MAX_RELATED && others.length >= MAX_RELATED) break;
      }
      const related: RelatedInfo[] = others.map((o) => ({ path: o.svc.path, span: o.span, message: `${describeSvc(o.svc)} (${o.what})` }));
      const otherUses = uses.length - owners.get(me)!;
      if (otherUses > related.length) {
        const last = related[related.length - 1];
        related[related.length - 1] = { ...last, message: `${last.message} (and ${otherUses - related.length} more)` };
      }
      ctx.report(nodeportConflict(u.svc.path, u.span, number, [...otherNames], Math.max(otherNames.size, owners.size - 1), related));
    }
  }
}
