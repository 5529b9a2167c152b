/**
 * The incremental analysis: what the last analysis worked out, per manifest (`FileState`) and per Service
 * (`ServiceResult`), and how an analysis reuses it. Manifests are parsed document by document (`ManifestReader`,
 * `YamlFile`: a document whose text is unchanged is not parsed again, and keeps its tree, objects, Services and
 * workloads when it moved). A Service's own checks (API rules, unknown fields, OCI annotations, reachability) run
 * again only when it changed, or the config, the provider or the rule sources did; its selector and target ports
 * only when it changed or a workload it may select came, went or changed (`WorkloadIndex`, `ServiceIndex`); node
 * ports for the Services that share a number (`NodePortIndex`). What was said about the others is moved with
 * their text (`relocate.ts`). A manifest that did not change, and whose Services nothing concerns, is not looked
 * at beyond its list. The result is always what a fresh Workspace would say.
 */
import type { Finding } from '../findings/finding';
import type { Workload } from '../k8s/manifests';
import type { ServiceModel } from '../k8s/service';
import type { ServiceReachConfig } from '../config/config';
import type { Layers } from '../checks/reachability';
import type { Provider } from '../exposure/requirements';
import type { LineIndex } from '../text/line-index';
import { brokenRegions } from './broken-regions';
import type { FileEntry } from './files';
import { NodePortIndex, ServiceIndex, WorkloadIndex } from './indexes';
import type { ManifestReader } from './manifests';
import { relocateList, relocateOwn, relocator, type Relocate } from './relocate';
import { checkNodePorts, checkOwn, checkSelector, dedupe, movedAnalysis, ociAnnotated } from './service-checks';
import type { SourcePhase } from './source-phase';
import type { Analysis, CheckingContext, FileState, ParsedManifest, ServiceAnalysis, ServiceResult, WorkspaceStats } from './types';

/** What an analysis is handed by the Workspace. */
export interface AnalysisInput {
  sources: SourcePhase;
  /** every file in workspace order (asked for only when every manifest is looked at) */
  entries: () => readonly FileEntry[];
  /** files came or went, or a file that may or may not be a manifest (JSON) changed: every file is looked at */
  walk: boolean;
  /** the files whose text changed since the last analysis (those still in the workspace) */
  edited: readonly FileEntry[];
  /** a file's place in the workspace order */
  pathRank: (path: string) => number;
  lineIndex: (path: string) => LineIndex;
  /** the files analysed only through Kustomize overlays (patches, bases) or Helm charts (their templates), and whether an overlay or chart holds an OCI Service */
  overlays: { excluded: ReadonlySet<string>; ociServices: boolean };
}

export class IncrementalAnalysis {
  /** per manifest: what the last analysis worked out (objects, Services, workloads, results) */
  private readonly fileStates = new Map<string, FileState>();
  private readonly resultOf = new WeakMap<ServiceModel, ServiceResult>();
  /** where a Service or workload is in its file's list (with the file's rank: the order of the workspace) */
  private readonly localIndex = new WeakMap<ServiceModel | Workload, number>();
  private readonly workloadIndex = new WorkloadIndex();
  private readonly serviceIndex = new ServiceIndex();
  private readonly nodePorts = new NodePortIndex();
  private workloadCount = 0;
  private ociServices = 0;
  /** the manifests of the last analysis, in workspace order (and where each is in that list) */
  private stateList: FileState[] | undefined;
  private stateAt = new Map<string, number>();
  private contextCache: CheckingContext | undefined;
  private lastContext: CheckingContext | undefined;
  private hadWorkloads = false;

  constructor(private readonly manifests: ManifestReader, private readonly counters: WorkspaceStats) {}

  run(input: AnalysisInput): Analysis {
    this.counters.analyses++;
    const src = input.sources;
    const { config, layers } = src;
    const rank = (x: ServiceModel | Workload) => input.pathRank(x.object.path) * 0x100000 + (this.localIndex.get(x) ?? 0);

    // manifests that changed since the last analysis (or came, or went)
    const changed = new Set<FileState>();
    const changedWorkloads: Workload[] = [];
    const update = (f: FileEntry): FileState => {
      const m = this.manifests.parsed(f);
      const before = this.fileStates.get(f.path);
      const viaOverlays = input.overlays.excluded.has(f.path);
      if (before?.manifest === m && before.viaOverlays === viaOverlays) return before;
      const after = this.fileState(f, m, viaOverlays);
      this.account(before, after, changedWorkloads);
      this.fileStates.set(f.path, after);
      changed.add(after);
      return after;
    };
    let states: FileState[];
    if (input.walk || !this.stateList) {
      states = [];
      for (const f of input.entries()) if (f.isManifest()) states.push(update(f));
      if (this.fileStates.size > states.length) {
        const kept = new Set(states);
        for (const [path, before] of this.fileStates) {
          if (kept.has(before) || changed.has(before)) continue;
          this.account(before, undefined, changedWorkloads);
          this.fileStates.delete(path);
        }
      }
      this.stateList = states;
      this.stateAt = new Map(states.map((st, i) => [st.path, i]));
    } else {
      states = this.stateList;
      for (const f of input.edited) {
        const at = this.stateAt.get(f.path);
        if (at !== undefined && f.isManifest()) states[at] = update(f);
      }
    }

    // what moved since the last analysis (the parses above included)
    const moves = this.manifests.takeMoves();
    const relocate = relocator(moves);
    const provider: Provider = config.provider ?? (src.hasSources || this.ociServices > 0 || input.overlays.ociServices ? 'oci' : 'generic');
    const context = this.checkContext(config, provider, layers);
    const contextChanged = context !== this.lastContext;
    this.lastContext = context;
    const anyWorkloads = this.workloadCount > 0;
    const emptinessChanged = anyWorkloads !== this.hadWorkloads;
    this.hadWorkloads = anyWorkloads;
    let all: Workload[] | undefined;
    const allWorkloads = () => (all ??= states.flatMap((s) => s.workloads));

    // the Services a workload that came, went or changed may concern
    const concerned = new Set<ServiceModel>();
    for (const w of changedWorkloads) for (const svc of this.serviceIndex.concerned(w)) concerned.add(svc);
    const movedPaths = [...moves.keys()];
    for (const st of states) {
      const moved = st.refs.size > 0 && movedPaths.some((p) => st.refs.has(p));
      if (!changed.has(st) && !contextChanged && !emptinessChanged && !moved && (concerned.size === 0 || !st.services.some((svc) => concerned.has(svc)))) continue;
      const candidates = (svc: ServiceModel) => this.workloadIndex.candidates(svc, rank);
      this.analyseFile(st, context, relocate, concerned, emptinessChanged, candidates, allWorkloads, () => input.lineIndex(st.path));
    }

    const findings: Finding[] = [...src.head];
    for (const st of states) for (const x of st.problems) findings.push(x);
    for (const x of src.tail) findings.push(x);
    const services: ServiceAnalysis[] = [];
    const workloads: Workload[] = [];
    for (const st of states) {
      for (const x of st.findings) findings.push(x);
      for (const r of st.results) services.push(r.analysis);
      for (const w of st.workloads) workloads.push(w);
    }
    // node ports: one pool; the Services that share a number with another are checked again
    const sharing = [...this.nodePorts.sharing()].sort((a, b) => rank(a) - rank(b));
    for (const x of checkNodePorts(sharing, config, this.counters)) findings.push(x);

    return { findings: dedupe(findings), suppressed: [], services, workloads, config, provider, layers, overlays: [], charts: [] };
  }

  private checkContext(config: ServiceReachConfig, provider: Provider, layers: Layers): CheckingContext {
    const c = this.contextCache;
    if (c && c.config === config && c.provider === provider && c.layers === layers) return c;
    return (this.contextCache = { config, provider, layers });
  }

  /** A manifest parsed anew: its objects, Services and workloads (those of documents it kept are the same objects). */
  private fileState(f: FileEntry, m: ParsedManifest, viaOverlays: boolean): FileState {
    const services: ServiceModel[] = [];
    const workloads: Workload[] = [];
    for (const o of viaOverlays ? [] : m.objects) {
      const d = this.manifests.derived(o);
      if (d.service) { this.localIndex.set(d.service, services.length); services.push(d.service); }
      if (d.workload) { this.localIndex.set(d.workload, workloads.length); workloads.push(d.workload); }
    }
    const problems = f.kind === 'manifest' || m.objects.length > 0 ? this.manifests.findings(f, m) : [];
    return { path: f.path, manifest: m, viaOverlays, problems, services, workloads, results: [], findings: [], refs: new Set() };
  }

  /**
   * A manifest came, went or changed: the indexes of workloads, OCI-annotated Services and node ports follow —
   * for the Services and workloads that came or went only (those of documents it kept are the same objects).
   */
  private account(before: FileState | undefined, after: FileState | undefined, changedWorkloads: Workload[]): void {
    const oldW = new Set(before?.workloads ?? []);
    const newW = new Set(after?.workloads ?? []);
    for (const w of oldW) if (!newW.has(w)) { this.workloadIndex.remove(w); this.workloadCount--; changedWorkloads.push(w); }
    for (const w of newW) if (!oldW.has(w)) { this.workloadIndex.add(w); this.workloadCount++; changedWorkloads.push(w); }
    const oldS = new Set(before?.services ?? []);
    const newS = new Set(after?.services ?? []);
    for (const svc of oldS) {
      if (newS.has(svc)) continue;
      this.resultOf.delete(svc); // gone: if its document comes back (undo), it is checked again
      this.serviceIndex.remove(svc);
      if (ociAnnotated(svc)) this.ociServices--;
      this.nodePorts.remove(svc);
    }
    for (const svc of newS) {
      if (oldS.has(svc)) continue;
      this.serviceIndex.add(svc);
      if (ociAnnotated(svc)) this.ociServices++;
      this.nodePorts.add(svc);
    }
  }

  /** The results of one manifest's Services: kept, moved with their text, or worked out again. */
  private analyseFile(st: FileState, context: CheckingContext, relocate: Relocate, concerned: ReadonlySet<ServiceModel>,
    emptinessChanged: boolean, candidates: (svc: ServiceModel) => Workload[], allWorkloads: () => readonly Workload[],
    lines: () => LineIndex): void {
    const { config, provider } = context;
    st.results = [];
    st.findings = [];
    st.refs = new Set();
    const broken = brokenRegions(st.manifest, st.services, lines);
    for (const svc of st.services) {
      const before = this.resultOf.get(svc);
      const at = svc.object.span.start;
      // its own checks (API rules, unknown fields, OCI, reachability): again when the config, the provider or the
      // rule sources changed
      let own = before && before.context === context ? relocateOwn(before.own, relocate) : undefined;
      let sa: ServiceAnalysis;
      if (!own) {
        const checked = checkOwn(svc, context, this.counters);
        own = checked.own;
        sa = { service: svc, exposure: checked.exposure };
      } else if (before!.at === at) sa = before!.analysis;
      else sa = movedAnalysis(svc, config, provider);
      // selector and target ports: again when a workload it may select came, went or changed
      let selector: Finding[] | undefined;
      if (before && !emptinessChanged && !concerned.has(svc)) selector = relocateList(before.selector, relocate);
      selector ??= checkSelector(svc, candidates(svc), allWorkloads, config, this.counters);
      const r: ServiceResult = { service: svc, at, context, own, selector, analysis: sa };
      this.resultOf.set(svc, r);
      st.results.push(r);
      for (const list of [own.api, own.unknown, selector, own.oci, own.reach]) {
        for (const x of list) {
          // what the parser's recovery made of a syntax error is not what the user wrote (see brokenRegions)
          if (x.path === st.path && broken.some((b) => x.span.start <= b.end && x.span.end >= b.start)) continue;
          st.findings.push(x);
          st.refs.add(x.path);
          for (const rel of x.related) st.refs.add(rel.path);
        }
      }
    }
  }
}
