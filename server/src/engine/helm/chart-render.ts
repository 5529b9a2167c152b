/**
 * A chart rendered as `helm template` renders it: every template of the chart and its enabled dependencies parsed
 * into one set (deepest path first, then by name descending, as Helm's `sortTemplates` orders them, so a parent's
 * `define` wins over a dependency's), then each file that is not a partial (`_*`) rendered with its own chart's
 * objects and values; a library chart's files are partials only. The first failure stops it, as in Helm. Before
 * any template, the values are checked against the charts' `values.schema.json` (`checkValues`), as Helm does.
 */
import { loadChart, type ChartWorkspace, type LoadedChart } from './chart-load';
import { mergeMaps, renderValues } from './chart-values';
import { TemplateEngine, type TemplateFailure } from './engine';
import { EXEC_LIMITS, type ExecLimits } from './exec';
import { capabilitiesObject, chartObject, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION, filesObject } from './objects';
import type { SourcePiece } from './output';
import type { GoMap, Value } from './value';
import { checkValues, schemaMessage } from './values-schema';
import { readValues } from './yaml-values';

export interface ChartRenderOptions {
  /** values files beyond `values.yaml`, in order (later wins) */
  valuesFiles?: readonly { path: string; text: string }[];
  release?: { name: string; namespace: string };
  kubeVersion?: string;
  apiVersions?: readonly string[];
  limits?: ExecLimits;
  /** time budget for the whole chart, in milliseconds (default `CHART_MILLIS`) */
  millis?: number;
}

/** A chart that takes longer than this to render is reported as not rendered (a limit), never half-read. */
export const CHART_MILLIS = 5_000;

export interface RenderedTemplate {
  /** Helm's name: `chart/templates/file.yaml`, `chart/charts/dep/templates/file.yaml` */
  name: string;
  /** the template's workspace path (undefined inside an archive) */
  path?: string;
  text: string;
  /** pieces' `file` is a template name; `paths` maps it to a workspace path */
  pieces: SourcePiece[];
}

export interface ChartRender {
  dir: string;
  name: string;
  templates: RenderedTemplate[];
  /** template name → workspace path, for every template of the set */
  paths: Map<string, string>;
  failure?: TemplateFailure & { path?: string };
}

interface Renderable { name: string; text: string; path?: string; data: GoMap; basePath: string; library: boolean }

function collect(c: LoadedChart, parentId: string, root: boolean, top: { release: GoMap; caps: Value }, values: Value, out: Renderable[]): GoMap {
  const subcharts: GoMap = new Map();
  const id = parentId ? `${parentId}/${c.name}` : c.name;
  const data: GoMap = new Map<string, Value>([
    ['Chart', chartObject(c.meta, root, c.name)], ['Files', filesObject(c.files)], ['Release', top.release],
    ['Capabilities', top.caps], ['Values', values], ['Subcharts', subcharts],
  ]);
  for (const d of c.deps) {
    const dv = values instanceof Map && values.get(d.name) instanceof Map ? values.get(d.name)! : new Map();
    subcharts.set(d.name, collect(d, `${id}/charts`, false, top, dv, out));
  }
  for (const t of c.templates) {
    const base = t.rel.slice(t.rel.lastIndexOf('/') + 1);
    if (c.library && !base.startsWith('_')) continue;
    const r: Renderable = { name: `${id}/${t.rel}`, text: t.text, data, basePath: `${id}/templates`, library: c.library };
    if (t.path !== undefined) r.path = t.path;
    out.push(r);
  }
  return data;
}

/** Helm's `sortTemplates`: more path segments first, then names in descending order. */
export function helmOrder(a: string, b: string): number {
  const ca = a.split('/').length;
  const cb = b.split('/').length;
  if (ca !== cb) return cb - ca;
  return a < b ? 1 : a > b ? -1 : 0;
}

export function renderChart(ws: ChartWorkspace, dir: string, options: ChartRenderOptions = {}): ChartRender {
  const loaded = loadChart(ws, dir);
  const empty = { dir, name: dir, templates: [], paths: new Map<string, string>() };
  const chartYaml = dir ? `${dir}/Chart.yaml` : 'Chart.yaml';
  if (!loaded.chart) return { ...empty, failure: { message: loaded.error ?? 'not loaded', file: chartYaml, path: chartYaml, start: 0, end: 0, limit: false } };
  const chart = loaded.chart;
  let user: GoMap = new Map();
  for (const f of options.valuesFiles ?? []) {
    const r = readValues(f.text);
    if (r.error) return { ...empty, name: chart.name, failure: { message: `${f.path}: ${r.error}`, file: f.path, path: f.path, start: 0, end: 0, limit: false } };
    user = mergeMaps(user, r.values);
  }
  const vals = renderValues(chart, user);
  const violations = checkValues(chart, vals);
  if (violations.length > 0) {
    const file = violations[0]!.path ?? chartYaml;
    return { ...empty, name: chart.name, failure: { message: schemaMessage(violations), file, path: file, start: 0, end: 0, limit: violations.some((v) => v.limit === true) } };
  }
  const release = options.release ?? { name: 'release-name', namespace: 'default' };
  const top = {
    release: new Map<string, Value>([
      ['Name', release.name], ['Namespace', release.namespace], ['IsUpgrade', false], ['IsInstall', true],
      ['Revision', 1], ['Service', 'Helm'],
    ]),
    caps: capabilitiesObject(options.kubeVersion ?? DEFAULT_KUBE_VERSION, options.apiVersions ?? DEFAULT_API_VERSIONS),
  };
  const all: Renderable[] = [];
  collect(chart, '', true, top, vals, all);
  all.sort((a, b) => helmOrder(a.name, b.name));
  const paths = new Map<string, string>();
  for (const r of all) if (r.path !== undefined) paths.set(r.name, r.path);
  const limits = options.limits ?? EXEC_LIMITS;
  const engine = new TemplateEngine(all.map((r) => ({ name: r.name, text: r.text })),
    { ...limits, deadline: Date.now() + (options.millis ?? CHART_MILLIS) });
  const result: ChartRender = { dir, name: chart.name, templates: [], paths };
  const fail = (f: TemplateFailure): ChartRender => {
    const path = paths.get(f.file);
    result.templates = [];
    result.failure = path !== undefined ? { ...f, path } : f;
    return result;
  };
  if (engine.parseError) return fail(engine.parseError);
  for (const r of all) {
    const base = r.name.slice(r.name.lastIndexOf('/') + 1);
    if (base.startsWith('_')) continue;
    const data: GoMap = new Map(r.data);
    data.set('Template', new Map<string, Value>([['Name', r.name], ['BasePath', r.basePath]]));
    const out = engine.render(r.name, data);
    if (out.error) return fail(out.error);
    if (base === 'NOTES.txt') continue;
    const t: RenderedTemplate = { name: r.name, text: out.text, pieces: out.pieces };
    if (r.path !== undefined) t.path = r.path;
    result.templates.push(t);
  }
  return result;
}
