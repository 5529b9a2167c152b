/**
 * Kustomize overlays in the analysis. Before the manifests are analysed (`prepare`): the workspace's
 * kustomizations (`kustomize/plan.ts`), each overlay built (`kustomize/build.ts`) again only when a file it read
 * changed, and the files that are analysed through the builds and never on their own — patches, and the resources
 * of overlays that could be built. After (`check`): each overlay's Services and workloads checked as one set, with
 * the workspace's config and rule sources, and every finding carried back to the base or patch line that produced
 * the value, naming the overlay. An overlay that cannot be built (or holds what cannot be known: a remote
 * resource) gets `template-not-rendered`; the resources of one that cannot be built are read as plain manifests.
 */
import { finding, type Finding, type FixHint, type RelatedInfo } from '../findings/finding';
import { objectsOf, isService, workloadOf, type Workload } from '../k8s/manifests';
import { serviceOf, type ServiceModel } from '../k8s/service';
import { build, type BuildOutput, type KustomizeFiles, type Note } from '../kustomize/build';
import { isKustomizationPath, planOf, type KustomizePlan } from '../kustomize/plan';
import { parseYaml, type YDocument } from '../parse/yaml';
import type { Span } from '../text/span';
import { changedMembers } from '../util/sets';
import { dirName } from '../util/paths';
import type { FileEntry } from './files';
import type { ManifestReader } from './manifests';
import { checkNodePorts, checkOwn, checkSelector, ociAnnotated } from './service-checks';
import type { CheckingContext, OverlayResult, WorkspaceStats } from './types';

interface Kept {
  inputs: Map<string, FileEntry | undefined>;
  result: OverlayResult;
  context?: CheckingContext;
}

export class OverlayPhase {
  private plan: KustomizePlan = { kustomizations: [], overlays: [], patchFiles: new Set() };
  private readonly kept = new Map<string, Kept>();
  private excluded = new Set<string>();
  private context: CheckingContext | undefined;

  constructor(private readonly manifests: ManifestReader, private readonly counters: WorkspaceStats) {}

  /**
   * Builds what changed. `walk`: files came or went (every overlay is built again); `edited`: the paths whose text
   * changed. Returns the files analysed through the builds only, and those whose standing changed since last time.
   */
  prepare(paths: readonly string[], get: (path: string) => FileEntry | undefined, walk: boolean, edited: readonly string[]):
    { excluded: ReadonlySet<string>; flipped: string[]; ociServices: boolean } {
    const files: KustomizeFiles = {
      read: (path) => {
        const f = get(path);
        if (!f) return undefined;
        const m = this.manifests.parsed(f);
        // a build may patch any kind: a document kept as a header only is read whole for it
        const documents = m.documents.some((d) => d.headerOnly) ? wholeDocuments(f, m.template) : m.documents;
        return { text: f.text, documents, syntaxError: m.problems.some((p) => !p.limit) };
      },
    };
    if (walk || edited.some(isKustomizationPath)) this.plan = planOf(paths, files);
    const live = new Set(this.plan.overlays);
    for (const k of [...this.kept.keys()]) if (!live.has(k)) this.kept.delete(k);
    for (const path of this.plan.overlays) {
      const before = this.kept.get(path);
      if (before && !walk && [...before.inputs].every(([p, f]) => get(p) === f)) continue;
      this.counters.overlaysBuilt++;
      const out = build(path, files);
      const inputs = new Map([...out.files].map((p) => [p, get(p)] as [string, FileEntry | undefined]));
      const text = get(path)?.text ?? '';
      this.kept.set(path, { inputs, result: this.objectsOf(path, out, { start: 0, end: text.split('\n', 1)[0].replace(/\r$/, '').length }) });
    }
    const excluded = new Set<string>([...this.plan.patchFiles, ...this.plan.kustomizations]);
    let oci = false;
    for (const { result } of this.kept.values()) {
      for (const p of result.build.patchFiles) excluded.add(p);
      if (!result.build.error) for (const p of result.build.resourceFiles) excluded.add(p);
      if (result.services.some(ociAnnotated)) oci = true;
    }
    const flipped = changedMembers(this.excluded, excluded);
    this.excluded = excluded;
    return { excluded, flipped, ociServices: oci };
  }

  /** Checks the overlays (again where the build or the checking context changed): their findings, in overlay order. */
  check(analysed: Pick<CheckingContext, 'config' | 'provider' | 'layers'>): { findings: Finding[]; overlays: OverlayResult[] } {
    const c = this.context;
    const context = c && c.config === analysed.config && c.provider === analysed.provider && c.layers === analysed.layers
      ? c : (this.context = { config: analysed.config, provider: analysed.provider, layers: analysed.layers });
    const overlays: OverlayResult[] = [];
    for (const path of this.plan.overlays) {
      const k = this.kept.get(path);
      if (!k) continue;
      if (k.context !== context) {
        this.checkOverlay(k.result, context);
        k.context = context;
      }
      overlays.push(k.result);
    }
    return { findings: mergeOverlayFindings(overlays.flatMap((o) => o.findings)), overlays };
  }

  private objectsOf(path: string, out: BuildOutput, firstLine: Span): OverlayResult {
    const dir = dirName(path);
    const overlay = dir === '' ? '.' : dir;
    const virtual = `${path}#overlay`;
    const objects = out.resources.flatMap((r, i) => objectsOf(virtual, [{ index: i, span: r.root.span, contents: r.root }]));
    const services: ServiceModel[] = [];
    const workloads: Workload[] = [];
    for (const o of objects) {
      if (isService(o)) services.push(serviceOf(o));
      else {
        const w = workloadOf(o);
        if (w) workloads.push(w);
      }
    }
    return { overlay, path, build: out, firstLine, services, workloads, analyses: [], findings: [], builtFindings: [] };
  }

  private checkOverlay(r: OverlayResult, context: CheckingContext): void {
    const raw: Finding[] = [];
    r.analyses = [];
    // what a remote resource adds is unknown: it may hold the workloads a selector looks for
    const remote = r.build.unknown.length > 0;
    for (const svc of r.services) {
      const { own, exposure } = checkOwn(svc, context, this.counters);
      raw.push(...own.api, ...own.unknown, ...own.oci, ...own.reach);
      if (!remote) raw.push(...checkSelector(svc, r.workloads, () => r.workloads, context.config, this.counters));
      r.analyses.push({ service: svc, exposure });
    }
    raw.push(...checkNodePorts(r.services, context.config, this.counters));
    r.builtFindings = raw;
    r.findings = [...notRendered(r), ...raw.map((f) => carryBack(f, r))];
  }
}

/** What a finding on a built object says without the overlay's name (to merge the same finding of several overlays). */
const WORDS = new WeakMap<Finding, { overlay: string; words: string }>();

/** A finding on a built object, moved to the file and line the value came from, naming the overlay. */
function carryBack(f: Finding, r: OverlayResult): Finding {
  const virtual = `${r.path}#overlay`;
  const at = (path: string, span: Span): { path: string; span: Span } =>
    path === virtual ? r.build.segments.origin(span) ?? { path: r.path, span: { start: 0, end: 0 } } : { path, span };
  const to = at(f.path, f.span);
  const related: RelatedInfo[] = f.related.map((x) => ({ ...x, ...at(x.path, x.span) }));
  const out: Finding = { code: f.code, severity: f.severity, message: `In overlay \`${r.overlay}\`: ${f.message}`, path: to.path, span: to.span, related };
  const fix = f.fix && carriedHint(f.fix, (span) => at(f.path, span), to.path, r.path);
  if (fix) out.fix = fix;
  WORDS.set(out, { overlay: r.overlay, words: f.message });
  return out;
}

/**
 * A finding's fix hint, its spans moved to the file the finding is carried to and naming the overlay; undefined
 * (no fix) when a span the fix edits came from another file (or from no file: a value a transformer made).
 */
function carriedHint(h: FixHint, at: (span: Span) => { path: string; span: Span }, path: string, overlay: string): FixHint | undefined {
  const moved = (span: Span): Span | undefined => {
    const o = at(span);
    return o.path === path ? o.span : undefined;
  };
  const overlays = [overlay];
  switch (h.kind) {
    case 'replace':
    case 'pin-node-port-value': {
      const span = moved(h.span);
      return span && { ...h, span, overlays };
    }
    case 'add-port-name': {
      const portSpan = moved(h.portSpan);
      return portSpan && { ...h, portSpan, overlays };
    }
    case 'open-port':
    case 'pin-node-port': {
      const anchor = moved(h.anchor);
      return anchor && { ...h, anchor, overlays };
    }
    default: {
      const never: never = h;
      return never;
    }
  }
}

/** `template-not-rendered` for an overlay that cannot be built, or whose build leaves something unknown. */
function notRendered(r: OverlayResult): Finding[] {
  const reasons: Note[] = [...(r.build.error ? [r.build.error] : []), ...r.build.unknown];
  if (reasons.length === 0) return [];
  const message = r.build.error
    ? `Kustomization \`${r.overlay}\` cannot be built: ${r.build.error.message}; its resources are read as plain manifests.`
    : `Overlay \`${r.overlay}\` is built without what cannot be known: ${r.build.unknown.map((n) => n.message).join('; ')}.`;
  const related: RelatedInfo[] = reasons.filter((n) => n.at).map((n) => ({ path: n.at!.path, span: n.at!.span, message: n.message }));
  return [finding('template-not-rendered', r.path, r.firstLine, message, { related })];
}

/** The same finding from several overlays (one base line): one finding that names them all. */
function mergeOverlayFindings(findings: Finding[]): Finding[] {
  const byKey = new Map<string, { f: Finding; overlays: string[]; words: string | undefined }>();
  const out: Finding[] = [];
  for (const f of findings) {
    const w = WORDS.get(f);
    const key = `${f.path}|${f.span.start}|${f.code}`;
    const seen = byKey.get(key);
    if (seen) {
      if (w && seen.words === w.words && !seen.overlays.includes(w.overlay)) {
        seen.overlays.push(w.overlay);
        seen.f.message = `In overlays ${seen.overlays.map((o) => `\`${o}\``).join(', ')}: ${w.words}`;
        // the fix covers every overlay the finding names (copied: the overlays' own findings are kept between analyses)
        if (seen.f.fix && f.fix?.overlays) seen.f.fix = { ...seen.f.fix, overlays: [...(seen.f.fix.overlays ?? []), ...f.fix.overlays] };
      }
      continue;
    }
    const copy = { ...f };
    byKey.set(key, { f: copy, overlays: w ? [w.overlay] : [], words: w?.words });
    out.push(copy);
  }
  return out;
}

/** The documents of a manifest with every body kept (read once per text). */
const WHOLE = new WeakMap<FileEntry, readonly YDocument[]>();
function wholeDocuments(f: FileEntry, template: boolean): readonly YDocument[] {
  let documents = WHOLE.get(f);
  if (!documents) WHOLE.set(f, (documents = parseYaml(f.text, { template }).documents));
  return documents;
}
