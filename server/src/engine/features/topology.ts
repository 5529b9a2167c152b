/**
 * Who guards what, in words: the lines the CLI's summary and the hover show about the OCI lists and NSGs — where
 * the worker and load-balancer lists came from (the config, the OKE topology in the Terraform with the file and
 * line of each node pool and cluster, or the fallback), the load-balancer subnet's addresses, the lists and NSGs
 * nothing attributes, and the NSGs a Service's load balancer attaches. Plain text; the hover escapes it.
 */
import type { GuardGroup, GuardSide, TopologyPlace, TopologyReport } from '../checks/topology-report';
import type { ServiceNsgs } from '../checks/lb-nsgs';
import type { GuardSource } from '../exposure/matcher';

/** `path:line` of a place (the host gives the line: offsets become lines at the edge). */
export type LineOf = (path: string, offset: number) => number;

/** At most this many names in one line. */
const MAX_NAMES = 10;

function sourcesText(sources: readonly GuardSource[]): string {
  if (sources.length === 0) return 'no list or NSG';
  const shown = sources.slice(0, MAX_NAMES).map((s) => s.label);
  return shown.join(', ') + (sources.length > MAX_NAMES ? `, and ${sources.length - MAX_NAMES} more` : '');
}

function placesText(where: readonly TopologyPlace[], lineOf: LineOf): string {
  const seen: string[] = [];
  for (const w of where) {
    const t = `${w.path}:${lineOf(w.path, w.span.start)}`;
    if (!seen.includes(t)) seen.push(t);
  }
  return seen.length ? ` (${seen.slice(0, MAX_NAMES).join(', ')})` : '';
}

function groupLine(g: GuardGroup, lineOf: LineOf): string {
  const notes = g.notes.length ? `; ${g.notes.slice(0, 3).join('; ')}` : '';
  return `${g.title}: ${sourcesText(g.sources)}${placesText(g.where, lineOf)}${notes}`;
}

const ORIGIN: Record<GuardSide['origin'], string> = {
  config: 'from the config', terraform: 'from the OKE topology in the Terraform', fallback: 'fallback', none: 'not attributed',
};

/** The lines about the OCI lists and NSGs (none when the workspace has none and no topology). */
export function topologyLines(report: TopologyReport | undefined, lineOf: LineOf): string[] {
  if (!report) return [];
  const out: string[] = [];
  if (report.fallback) {
    const n = report.workers.groups[0]?.sources.length ?? 0;
    out.push(`OCI lists and NSGs: no cluster or node pool in the Terraform and no list setting in the config: every list and NSG (${n}) is taken to guard the worker nodes; no list is the load-balancer subnet's`);
  } else {
    const side = (what: string, s: GuardSide) => {
      if (s.origin === 'none') out.push(`${what}: no list or NSG is attributed (neither the config nor the Terraform says): not checked`);
      else for (const g of s.groups) out.push(`${what} (${ORIGIN[s.origin]}): ${groupLine(g, lineOf)}`);
    };
    side('worker nodes', report.workers);
    side('load balancers', report.loadBalancers);
  }
  if (report.lbSubnetCidrs) {
    out.push(`load-balancer subnet addresses (${report.lbSubnetCidrs.origin === 'config' ? 'from the config' : 'from the OKE topology in the Terraform'}): ${report.lbSubnetCidrs.cidrs.join(', ')}${placesText(report.lbSubnetCidrs.where, lineOf)}`);
  }
  if (report.unresolved.length && !report.fallback) {
    out.push(`topology references that could not be read (the subnets or NSGs they name are not attributed): ${report.unresolved.join('; ')}`);
  }
  if (report.unattributed.length) {
    out.push(`unattributed (guard nothing: neither the config nor the topology says what they guard): ${sourcesText(report.unattributed)}`);
  }
  return out;
}

/** The line about the NSGs a Service's load balancer attaches (none when it attaches none). */
export function serviceNsgLine(nsgs: ServiceNsgs): string | undefined {
  if (nsgs.attached.length === 0) return undefined;
  const parts = nsgs.attached.map((a) => a.via === 'unmatched' ? `${a.ocid} (matches no NSG resource: its rules are unknown)`
    : `${a.source.label} (${a.ocid}, matched ${a.via === 'config' ? 'by the config\'s "oci.nsgs"' : 'by its OCID in a plan or state'})`);
  return `NSGs attached to this load balancer (guard its listeners and egress, no worker): ${parts.join(', ')}`;
}

/** The groups that made a list layer what it is for a Service (the diagram's guards name them). */
export function layerTopology(report: TopologyReport | undefined, layer: string, nsgs: ServiceNsgs): { text: string; where: TopologyPlace[] }[] {
  if (!report || (layer !== 'worker-lists' && layer !== 'lb-lists')) return [];
  const side = layer === 'worker-lists' ? report.workers : report.loadBalancers;
  // (a config group and the fallback say where they come from in their title)
  const out = side.groups.map((g) => ({ text: side.origin === 'terraform' ? `${g.title}, ${ORIGIN[side.origin]}` : g.title, where: g.where.map((w) => ({ path: w.path, span: { start: w.span.start, end: w.span.end } })) }));
  if (layer === 'lb-lists') {
    for (const a of nsgs.attached) {
      out.push({ text: `${a.source.label}, attached to this load balancer by its annotation (${a.via === 'unmatched' ? 'matches no NSG resource' : a.via === 'config' ? 'matched by the config\'s "oci.nsgs"' : 'matched by its OCID in a plan or state'})`,
        where: nsgs.anchor ? [{ path: a.source.path, span: { start: a.source.span.start, end: a.source.span.end } }] : [] });
    }
  }
  return out;
}
