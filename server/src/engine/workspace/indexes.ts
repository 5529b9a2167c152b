/**
 * The indexes of the incremental analysis: which Services a workload may concern (`ServiceIndex`), which
 * workloads a selector may concern (`WorkloadIndex`), which Services share a node port (`NodePortIndex`). Each
 * follows the Services and workloads that come and go, so that an edit finds what it touches without looking
 * at every Service.
 */
import { selectorMatches, type Workload } from '../k8s/manifests';
import type { ServiceModel } from '../k8s/service';
import { nodePortUses } from '../checks/references';

/**
 * Services by one entry of their selector, to find those a workload may concern — whose selector check it can
 * change: those it matches (in any namespace: hints name other namespaces), all of them when its labels are
 * unknown — without looking at every Service.
 */
export class ServiceIndex {
  private readonly byEntry = new Map<string, Set<ServiceModel>>();
  private readonly all = new Set<ServiceModel>();

  private static entry(svc: ServiceModel): string | undefined {
    const first = svc.selector && svc.selector.size > 0 ? [...svc.selector][0] : undefined;
    if (!first) return undefined;
    return first[1] === null ? `${first[0]}\u0000?` : `${first[0]}\u0000=${first[1]}`;
  }

  add(svc: ServiceModel): void {
    const k = ServiceIndex.entry(svc);
    if (k === undefined) return;
    this.all.add(svc);
    const set = this.byEntry.get(k);
    if (set) set.add(svc); else this.byEntry.set(k, new Set([svc]));
  }

  remove(svc: ServiceModel): void {
    const k = ServiceIndex.entry(svc);
    if (k === undefined) return;
    this.all.delete(svc);
    const set = this.byEntry.get(k);
    set?.delete(svc);
    if (set?.size === 0) this.byEntry.delete(k);
  }

  concerned(w: Workload): Iterable<ServiceModel> {
    if (w.labels === null) return this.all;
    const out: ServiceModel[] = [];
    for (const [k, v] of w.labels) {
      // a Service whose first selector entry is k=v, or k=(unknown); a label value that is unknown matches any
      const keys = v === null ? [...this.byEntry.keys()].filter((x) => x.startsWith(`${k}\u0000`)) : [`${k}\u0000=${v}`, `${k}\u0000?`];
      for (const key of keys) for (const svc of this.byEntry.get(key) ?? []) if (selectorMatches(svc.selector!, w.labels)) out.push(svc);
    }
    return out;
  }
}

/** Workloads by pod-template label, to find those a selector may concern without looking at every workload. */
export class WorkloadIndex {
  private readonly byLabel = new Map<string, Set<Workload>>();
  private readonly byKey = new Map<string, Set<Workload>>();
  /** workloads whose labels cannot be known */
  private readonly unknown = new Set<Workload>();

  private static keys(w: Workload): { key: string; label: string }[] {
    return [...w.labels!].map(([k, v]) => ({ key: k, label: v === null ? `${k}\u0000?` : `${k}\u0000=${v}` }));
  }

  add(w: Workload): void {
    if (w.labels === null) { this.unknown.add(w); return; }
    const put = (map: Map<string, Set<Workload>>, k: string) => {
      const set = map.get(k);
      if (set) set.add(w); else map.set(k, new Set([w]));
    };
    for (const { key, label } of WorkloadIndex.keys(w)) { put(this.byKey, key); put(this.byLabel, label); }
  }

  remove(w: Workload): void {
    if (w.labels === null) { this.unknown.delete(w); return; }
    const drop = (map: Map<string, Set<Workload>>, k: string) => {
      const set = map.get(k);
      set?.delete(w);
      if (set?.size === 0) map.delete(k);
    };
    for (const { key, label } of WorkloadIndex.keys(w)) { drop(this.byKey, key); drop(this.byLabel, label); }
  }

  /** The workloads the selector matches (in any namespace) and those with unknown labels, in workspace order. */
  candidates(svc: ServiceModel, rank: (w: Workload) => number): Workload[] {
    const selector = svc.selector;
    if (!selector || selector.size === 0) return [];
    let best: Workload[] | undefined;
    for (const [k, v] of selector) {
      const list = v === null
        ? [...(this.byKey.get(k) ?? [])]
        : [...(this.byLabel.get(`${k}\u0000=${v}`) ?? []), ...(this.byLabel.get(`${k}\u0000?`) ?? [])];
      if (!best || list.length < best.length) best = list;
      if (best.length === 0) break;
    }
    const picked = new Set<Workload>(this.unknown);
    for (const w of best ?? []) if (selectorMatches(selector, w.labels!)) picked.add(w);
    return [...picked].sort((a, b) => rank(a) - rank(b));
  }
}

/** Node-port number → the Services that use it; the numbers more than one Service uses (one cluster-wide pool). */
export class NodePortIndex {
  private readonly users = new Map<number, Set<ServiceModel>>();
  private readonly shared = new Set<number>();

  add(svc: ServiceModel): void {
    for (const u of nodePortUses(svc)) {
      const users = this.users.get(u.number);
      if (users) users.add(svc); else this.users.set(u.number, new Set([svc]));
      if (users && users.size > 1) this.shared.add(u.number);
    }
  }

  remove(svc: ServiceModel): void {
    for (const u of nodePortUses(svc)) {
      const users = this.users.get(u.number);
      users?.delete(svc);
      if (users?.size === 0) this.users.delete(u.number);
      if (!users || users.size < 2) this.shared.delete(u.number);
    }
  }

  /** The Services that share a number with another. */
  sharing(): Set<ServiceModel> {
    const out = new Set<ServiceModel>();
    for (const n of this.shared) for (const u of this.users.get(n) ?? []) out.add(u);
    return out;
  }
}
