/**
 * Helm charts in the analysis. Before the manifests are analysed (`prepare`): every chart of the workspace
 * (`findCharts`; a library chart never on its own) rendered (`renderChart`) with its `values.yaml`, the values
 * files, release name and namespace the config names for it (`helm.charts`), again only when a file the render
 * read changed or its settings did. The templates of a chart that renders are analysed through the render and
 * never read as templates on their own. After (`check`): each chart's rendered Services and workloads checked as
 * one set, with the workspace's config and rule sources, every finding carried back through the source map to
 * the template text or action that produced the value. A chart that cannot be rendered gets
 * `template-not-rendered`, and its templates are read as templates.
 */
import type { HelmChartConfig, ServiceReachConfig } from '../config/config';
import { finding, type Finding, type FixHint, type RelatedInfo } from '../findings/finding';
import { valuesPinHint } from './chart-values-fix';
import { findCharts, type ChartWorkspace } from '../helm/chart-load';
import { renderChart, type ChartRender } from '../helm/chart-render';
import { readYaml } from '../helm/yaml-values';
import { objectsOf, isService, selectorMatches, workloadOf, type Workload } from '../k8s/manifests';
import { serviceOf, type ServiceModel } from '../k8s/service';
import { nodePortUses } from '../checks/references';
import { asMap, asScalar, getValue, parseYaml, willRead, type YDocument, type YMap } from '../parse/yaml';
import type { Span } from '../text/span';
import { changedMembers } from '../util/sets';
import { findingAt, renderedNote, type RenderedFile } from './chart-map';
import type { ArchiveEntry } from './archives';
import type { FileEntry } from './files';
import { hostGunzip } from '../helm/gunzip';
import { checkNodePorts, checkOwn, checkSelector, ociAnnotated } from './service-checks';
import type { Analysis, ChartResult, CheckingContext, WorkspaceStats } from './types';

export type { RenderedFile } from './chart-map';

interface Kept {
  /** every file the render read (texts and chart archives), with the entry it read */
  inputs: Map<string, FileEntry | ArchiveEntry | undefined>;
  settings: string;
  result: ChartResult;
  context?: CheckingContext;
}

const chartYamlOf = (dir: string): string => (dir ? `${dir}/Chart.yaml` : 'Chart.yaml');

/** How a chart's rendered output is read (and announced to a host that parses ahead): YAML, CRDs as headers. */
const RENDERED_READ = { template: false, headersOnly: true } as const;

export class ChartPhase {
  private charts: string[] = [];
  private readonly kept = new Map<string, Kept>();
  /** rendered text → its documents, per virtual path (the same text keeps its objects) */
  private readonly parsed = new Map<string, { text: string; documents: YDocument[]; problems: string | undefined }>();
  private excluded = new Set<string>();
  private context: CheckingContext | undefined;
  /** the text of a workspace file, as of the last `prepare` (for fixes that set a value in a values file) */
  private textOf: (path: string) => string | undefined = () => undefined;

  constructor(private readonly counters: WorkspaceStats) {}

  /**
   * Renders what changed. `walk`: files came or went (every chart is rendered again); `edited`: the paths whose
   * text changed. `archive`: a chart archive's bytes (`charts/*.tgz`), unpacked with the host's gunzip. Returns the
   * files analysed through the renders only, and those whose standing changed.
   */
  prepare(paths: readonly string[], get: (path: string) => FileEntry | undefined, archive: (path: string) => ArchiveEntry | undefined,
    walk: boolean, edited: readonly string[],
    config: ServiceReachConfig): { excluded: ReadonlySet<string>; flipped: string[]; ociServices: boolean } {
    this.textOf = (p) => get(p)?.text;
    if (walk || edited.some((p) => p === 'Chart.yaml' || p.endsWith('/Chart.yaml'))) {
      this.charts = findCharts(paths).filter((dir) => {
        const meta = readYaml(get(chartYamlOf(dir))?.text ?? '').value;
        return !(meta instanceof Map && meta.get('type') === 'library');
      });
    }
    const live = new Set(this.charts);
    for (const [k, gone] of [...this.kept]) {
      if (live.has(k)) continue;
      this.kept.delete(k);
      for (const f of gone.result.files) if (!this.ownedByOther(f.virtual, k)) this.parsed.delete(f.virtual);
    }
    // every chart rendered first, what each rendered announced (a host may parse it meanwhile), then read
    const rendered: { dir: string; kept: Omit<Kept, 'result'>; render: ChartRender; release: { name: string; namespace: string }; values: string[] }[] = [];
    for (const dir of this.charts) {
      const settings = config.helmCharts?.find((c) => c.path === dir);
      const key = settingsKey(settings);
      const before = this.kept.get(dir);
      if (before && !walk && before.settings === key && [...before.inputs].every(([p, f]) => (get(p) ?? archive(p)) === f)) continue;
      this.counters.chartsRendered++;
      const inputs = new Map<string, FileEntry | ArchiveEntry | undefined>();
      const read = (p: string): string | undefined => {
        const f = get(p);
        inputs.set(p, f);
        return f?.text;
      };
      const bytes = (p: string): Uint8Array | undefined => {
        const a = archive(p);
        inputs.set(p, a);
        return a?.bytes;
      };
      const gunzip = hostGunzip();
      const ws: ChartWorkspace = gunzip ? { paths, text: read, bytes, gunzip } : { paths, text: read, bytes };
      const valuesFiles = (settings?.values ?? []).map((v) => ({ path: v.path, text: read(v.path) ?? '' }));
      const missing = (settings?.values ?? []).find((v) => get(v.path) === undefined);
      const name = settings?.releaseName ?? readChartName(get(chartYamlOf(dir))?.text) ?? 'release-name';
      const release = { name, namespace: settings?.namespace ?? 'default' };
      const render: ChartRender = missing
        ? { dir, name, templates: [], paths: new Map(), failure: { message: `the values file ${missing.path} is not in the workspace`, file: chartYamlOf(dir), start: 0, end: 0, limit: false } }
        : renderChart(ws, dir, { valuesFiles, release });
      inputs.set(chartYamlOf(dir), get(chartYamlOf(dir)));
      willRead(render.templates.map((t) => ({ text: t.text, ...RENDERED_READ })));
      rendered.push({ dir, kept: { inputs, settings: key }, render, release, values: valuesFiles.map((v) => v.path) });
    }
    for (const r of rendered) this.kept.set(r.dir, { ...r.kept, result: this.resultOf(r.dir, r.render, r.release, r.values, get) });
    const excluded = new Set<string>();
    let oci = false;
    for (const [dir, { result, inputs }] of this.kept) {
      if (result.render.failure) continue;
      for (const p of result.render.paths.values()) excluded.add(p);
      // the values files it read (its own, its dependencies', the configured ones) are values, not manifests
      const configured = new Set((config.helmCharts?.find((c) => c.path === dir)?.values ?? []).map((v) => v.path));
      for (const p of inputs.keys()) if (p === 'values.yaml' || p.endsWith('/values.yaml') || configured.has(p)) excluded.add(p);
      if (result.services.some(ociAnnotated)) oci = true;
    }
    const flipped = changedMembers(this.excluded, excluded);
    this.excluded = excluded;
    return { excluded, flipped, ociServices: oci };
  }

  /**
   * Checks the charts: each Service's own checks again where the render or the checking context changed; its
   * selector and target ports (against the chart's workloads and the workspace's) and node ports (against every
   * other Service) on every analysis, as they read what other files hold. Also the plain Services whose selector
   * picks a chart's pods: their selector findings, worked out again with those pods (`plain`).
   */
  check(analysed: Pick<Analysis, 'config' | 'provider' | 'layers' | 'services' | 'workloads' | 'findings'>):
    { findings: Finding[]; charts: ChartResult[]; plain: { drop: Set<Finding>; add: Finding[] } } {
    const c = this.context;
    const context = c && c.config === analysed.config && c.provider === analysed.provider && c.layers === analysed.layers
      ? c : (this.context = { config: analysed.config, provider: analysed.provider, layers: analysed.layers });
    const charts: ChartResult[] = [];
    for (const dir of this.charts) {
      const k = this.kept.get(dir);
      if (!k) continue;
      if (k.context !== context) {
        this.checkChart(k.result, context);
        k.context = context;
      }
      charts.push(k.result);
    }
    const findings: Finding[] = charts.flatMap((r) => r.findings);
    const plain = { drop: new Set<Finding>(), add: [] as Finding[] };
    const rendered = charts.filter((r) => !r.render.failure);
    if (rendered.length === 0) return { findings, charts, plain };
    const config = analysed.config;
    const chartWorkloads = rendered.flatMap((r) => r.workloads);
    const files = new Map(rendered.flatMap((r) => r.files.map((f) => [f.virtual, { file: f, chart: r }] as const)));
    const back = (f: Finding): Finding => {
      const at = files.get(f.path);
      if (at) return carryBack(f, new Map([[f.path, at.file]]), at.chart, files, this.textOf);
      // a plain Service's finding: its related places in rendered files moved back
      if (!f.related.some((x) => files.has(x.path))) return f;
      return { ...f, related: f.related.map((x) => {
        const o = files.get(x.path);
        return o ? { ...x, ...spanOf(findingAt(o.file, x.span, o.chart.firstLine, o.chart.path)) } : x;
      }) };
    };
    // a chart's Services: selector and target ports against its own workloads and the workspace's
    for (const r of rendered) {
      const workloads = analysed.workloads.length ? [...r.workloads, ...analysed.workloads] : r.workloads;
      for (const svc of r.services) for (const f of checkSelector(svc, workloads, () => workloads, config, this.counters)) findings.push(back(f));
    }
    // node ports: the charts' Services and every Service that shares a number with one of them
    const numbers = new Set(rendered.flatMap((r) => r.services.flatMap((svc) => nodePortUses(svc).map((u) => u.number))));
    if (numbers.size > 0) {
      const sharing = [...analysed.services.map((sa) => sa.service).filter((svc) => nodePortUses(svc).some((u) => numbers.has(u.number))), ...rendered.flatMap((r) => r.services)];
      for (const f of checkNodePorts(sharing, config, this.counters)) findings.push(back(f));
    }
    // plain Services that select a chart's pods: their selector checked again with them
    if (chartWorkloads.length > 0) {
      for (const sa of analysed.services) {
        const svc = sa.service;
        if (!svc.selector || svc.selector.size === 0 || !chartWorkloads.some((w) => selects(svc, w))) continue;
        const o = svc.object.span;
        for (const f of analysed.findings) {
          if (f.path === svc.path && SELECTOR_CODES.has(f.code) && f.span.start >= o.start && f.span.start <= o.end) plain.drop.add(f);
        }
        const workloads = [...analysed.workloads, ...chartWorkloads];
        for (const f of checkSelector(svc, workloads, () => workloads, config, this.counters)) plain.add.push(back(f));
      }
    }
    return { findings, charts, plain };
  }

  private resultOf(dir: string, render: ChartRender, release: { namespace: string }, valuesFiles: string[], get: (path: string) => FileEntry | undefined): ChartResult {
    const chartYaml = chartYamlOf(dir);
    const firstLine = (path: string): Span => ({ start: 0, end: (get(path)?.text ?? '').split('\n', 1)[0].replace(/\r$/, '').length });
    const result: ChartResult = {
      chart: dir === '' ? '.' : dir, name: render.name, path: chartYaml, render, firstLine: firstLine(chartYaml),
      valuesFiles: [dir ? `${dir}/values.yaml` : 'values.yaml', ...valuesFiles], files: [], services: [], workloads: [], analyses: [], findings: [],
    };
    if (render.failure) return result;
    const seen = new Set<string>();
    for (const t of render.templates) {
      // a dependency's template found in the workspace (Bitnami's zookeeper beside dremio) is rendered by each chart
      // that holds it: one virtual path per chart, so that no chart's findings are read in another's rendering
      const base = t.path ?? `${dir ? `${dir}/` : ''}${t.name}`;
      const own = t.path === undefined || dir === '' || t.path.startsWith(`${dir}/`);
      const virtual = own ? `${base}#rendered` : `${base}#rendered-by-${dir}`;
      seen.add(virtual);
      let p = this.parsed.get(virtual);
      if (!p || p.text !== t.text) {
        const r = parseYaml(t.text, RENDERED_READ);
        const first = r.problems.find((x) => !x.limit) ?? r.problems[0];
        p = { text: t.text, documents: r.documents, problems: first?.message };
        this.parsed.set(virtual, p);
      }
      const file: RenderedFile = { virtual, template: t, paths: render.paths, documents: p.documents, firstLine: t.path ? firstLine(t.path) : result.firstLine };
      result.files.push(file);
      if (p.problems !== undefined) {
        result.findings.push(finding('template-not-rendered', t.path ?? chartYaml, file.firstLine,
          `Chart \`${result.chart}\` renders ${t.name} as text that is not valid YAML (${p.problems}); it is not analysed.`));
        continue;
      }
      for (const o of objectsOf(virtual, p.documents)) {
        // an object that names no namespace is installed in the release's (`helm install --namespace`)
        const ns = namespaceWritten(o.root) ? undefined : release.namespace;
        if (isService(o)) {
          const svc = serviceOf(o);
          if (ns !== undefined) svc.namespace = ns;
          result.services.push(svc);
        } else {
          const w = workloadOf(o);
          if (w && ns !== undefined) w.namespace = ns;
          if (w) result.workloads.push(w);
        }
      }
    }
    for (const v of [...this.parsed.keys()]) if (v.startsWith(dir ? `${dir}/` : '') && !seen.has(v) && !this.ownedByOther(v, dir)) this.parsed.delete(v);
    return result;
  }

  /** A rendered file kept for another chart (nested folders). */
  private ownedByOther(virtual: string, dir: string): boolean {
    for (const [other, k] of this.kept) if (other !== dir && k.result.files.some((f) => f.virtual === virtual)) return true;
    return false;
  }

  private checkChart(r: ChartResult, context: CheckingContext): void {
    const raw: Finding[] = [];
    r.analyses = [];
    for (const svc of r.services) {
      const { own, exposure } = checkOwn(svc, context, this.counters);
      raw.push(...own.api, ...own.unknown, ...own.oci, ...own.reach);
      r.analyses.push({ service: svc, exposure });
    }
    const byVirtual = new Map(r.files.map((f) => [f.virtual, f]));
    const kept = r.findings.filter((f) => f.code === 'template-not-rendered');
    r.findings = [...notRendered(r), ...kept, ...raw.map((f) => carryBack(f, byVirtual, r, undefined, this.textOf))];
  }
}

function spanOf(at: { path: string; span: Span }): { path: string; span: Span } {
  return { path: at.path, span: at.span };
}

function settingsKey(c: HelmChartConfig | undefined): string {
  return c ? JSON.stringify([c.values.map((v) => v.path), c.releaseName ?? null, c.namespace ?? null]) : '';
}

function namespaceWritten(root: YMap): boolean {
  const ns = asScalar(getValue(asMap(getValue(root, 'metadata')), 'namespace'));
  return !!ns && ns.value !== null && ns.value !== '';
}

function readChartName(text: string | undefined): string | undefined {
  const meta = readYaml(text ?? '').value;
  const name = meta instanceof Map ? meta.get('name') : undefined;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

const SELECTOR_CODES = new Set(['selector-matches-nothing', 'target-port-name-unknown', 'target-port-not-declared']);

/** Does the Service select the workload's pods (same namespace, every selector label)? */
function selects(svc: ServiceModel, w: Workload): boolean {
  return !!w.labels && svc.namespace !== undefined && w.namespace === svc.namespace && selectorMatches(svc.selector!, w.labels);
}

/**
 * A finding on a rendered object, moved to the template text or action that produced the value. `others`: the
 * rendered files of every chart, for related places in another chart's file.
 */
function carryBack(f: Finding, files: ReadonlyMap<string, RenderedFile>, r: ChartResult,
  others: ReadonlyMap<string, { file: RenderedFile; chart: ChartResult }> | undefined, textOf: (path: string) => string | undefined): Finding {
  const at = (path: string, span: Span) => {
    const file = files.get(path);
    if (file) return findingAt(file, span, r.firstLine, r.path);
    const other = others?.get(path);
    return other ? findingAt(other.file, span, other.chart.firstLine, other.chart.path) : { path, span, action: undefined };
  };
  const to = at(f.path, f.span);
  const related: RelatedInfo[] = f.related.map((x) => {
    const y = at(x.path, x.span);
    return { ...x, path: y.path, span: y.span };
  });
  const file = files.get(f.path);
  const note = file && to.action ? renderedNote(file, f.span, to.action) : '';
  // a fix that edits the Service would edit the rendered text, which is no file: those that open a port in the
  // rule sources are kept, and a node port that one field of `.Values` printed is set in the values file
  let fix: { fix?: FixHint } = {};
  if (f.fix?.kind === 'open-port') fix = { fix: f.fix };
  else if (f.fix?.kind === 'pin-node-port-value' && file && to.action) {
    const moved = valuesPinHint(f.fix, to.action, file, r, textOf);
    if (moved) fix = { fix: moved };
  }
  return { code: f.code, severity: f.severity, message: note ? `${f.message} ${note}` : f.message, path: to.path, span: to.span, related, ...fix };
}

/** `template-not-rendered` for a chart that cannot be rendered: at the failing action in the chart's own templates, else Chart.yaml. */
function notRendered(r: ChartResult): Finding[] {
  const failure = r.render.failure;
  if (!failure) return [];
  const own = `${r.chart === '.' ? '' : `${r.chart}/`}templates/`;
  const inOwn = failure.path !== undefined && failure.path.startsWith(own);
  const path = inOwn ? failure.path! : r.path;
  const span = inOwn ? { start: failure.start, end: Math.max(failure.start, failure.end) } : r.firstLine;
  const where = !inOwn && failure.path && failure.path !== r.path ? ` (in ${failure.path})` : '';
  const message = `Chart \`${r.chart}\` cannot be rendered: ${failure.message}${where}; its templates are read as templates.`;
  return [finding('template-not-rendered', path, span, message)];
}
