/**
 * The exposure view's side of the language server: custom requests that hand the editor the diagram
 * of one Service — the engine's model (`diagramOf`) drawn by the renderer (`server/src/render`) — and the edit
 * of a finding's first quick fix; the "Show exposure" CodeLens; and the name of the notification the server
 * sends after each re-analysis so that an open view refreshes.
 *
 *   serviceReach/exposure     ExposureParams   → ExposureResult | null
 *   serviceReach/fixFinding   FixFindingParams → FixFindingResult | null
 *   serviceReach/analysisChanged (server → client) AnalysisChangedParams, only to clients that ask for it
 *                              (`initializationOptions.exposureView: true`)
 *
 * Nothing here runs anything: a fix is a WorkspaceEdit the client applies; copy-only fixes are not offered.
 */
import { toWorkspaceEdit } from './workspace-edit';
import type { CodeLens, Connection, Position, Range, ResponseError, WorkspaceEdit } from 'vscode-languageserver';
import { URI } from 'vscode-uri';
import type { Analysis, Finding, ServiceAnalysis } from '../engine';
import { diagramOf, findingKey, serviceDisplayName, type DiagramModel } from '../engine/features/diagram';
import { pickService } from '../engine/features/pick-service';
import { fixesFor, fixFinding as fixOneFinding, type FixAction } from '../engine/fixes';
import type { ServiceModel } from '../engine/k8s/service';
import { diagramToSvg, type ColorScheme } from '../render';
import type { Folder } from './folder';
import { InvalidParams, isObject } from './params';

export const EXPOSURE_REQUEST = 'serviceReach/exposure';
export const FIX_FINDING_REQUEST = 'serviceReach/fixFinding';
export const ANALYSIS_CHANGED_NOTIFICATION = 'serviceReach/analysisChanged';
/** The client command the CodeLens runs: `[uri, ServiceSelector]`. */
export const SHOW_EXPOSURE_COMMAND = 'serviceReach.showExposure';

/** Which Service: by name (and namespace, when given), by offset or position in the file. */
export type ServiceSelector =
  | { name: string | null; namespace?: string | null }
  | { offset: number }
  | { position: Position };

export interface ExposureParams {
  /** a file the server holds, or a workspace folder (then `service` is ignored and only `services` is filled) */
  uri: string;
  /** omitted: the first Service of the file */
  service?: ServiceSelector;
  /** the SVG's fallback colours (the webview overrides them with theme colours); default `light` */
  colorScheme?: ColorScheme;
}

export interface ExposureService {
  uri: string;
  name: string | null;
  namespace: string | null;
  /** `namespace/name` */
  display: string;
  type: string | null;
  /** the whole Service object in its file */
  range: Range;
}

export interface ExposureFinding {
  /** `findingKey` of the finding (what `serviceReach/fixFinding` takes) */
  key: string;
  /** 1-based, as the diagram numbers it (`[1]`) */
  number: number;
  code: string;
  severity: 'error' | 'warning' | 'info';
  title: string;
  message: string;
  uri: string;
  range: Range;
  /** `web.yaml:14` */
  location: string;
  /** the first quick fix that edits files, when there is one */
  fix: { title: string } | null;
}

export interface ExposureLocation {
  uri: string;
  range: Range;
}

export interface ExposureResult {
  /** the Service drawn; null when none was found (then `svg` and `model` are null too) */
  service: ExposureService | null;
  svg: string | null;
  model: DiagramModel | null;
  findings: ExposureFinding[];
  /** where each box of the diagram is written (by node id), for the boxes that have such a place */
  places: Record<string, ExposureLocation>;
  /** every Service of the workspace folder, by file and offset */
  services: ExposureService[];
  /** false while the folder is still being read: the picture may be incomplete */
  indexed: boolean;
}

export interface FixFindingParams {
  findingKey: string;
  /** a file of the folder the finding is in (speeds up the search; without it every folder is searched) */
  uri?: string;
}

export interface FixFindingResult {
  title: string;
  edit: WorkspaceEdit;
}

export interface AnalysisChangedParams {
  /** the workspace folders (URIs) that were analysed again */
  folders: string[];
}

export interface ExposureHost {
  /** every folder the server holds (workspace folders and loose ones) */
  folders(): Folder[];
  /** the client takes change annotations: a button's edits then need the user's confirmation */
  annotations?(): boolean;
  /** the version of an open document */
  versionOf?(uri: string): number | undefined;
}

type Guard = <P, R>(name: string, fn: (params: P) => R | Promise<R>) => (params: P) => Promise<R | ResponseError<void>>;

// --------------------------------------------------------------------------------------------- helpers

function fsPathOf(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? u.fsPath : undefined;
  } catch {
    return undefined;
  }
}

/** The innermost folder holding `uri` (a file in it, or the folder itself), and the file's path in it. */
export function locate(folders: readonly Folder[], uri: string): { folder: Folder; rel: string | undefined } | undefined {
  const fsPath = fsPathOf(uri);
  if (fsPath === undefined) return undefined;
  let best: { folder: Folder; rel: string | undefined } | undefined;
  for (const f of folders) {
    const rel = f.relOf(uri);
    const same = rel === undefined && stripSlash(fsPath) === stripSlash(f.root);
    if (rel === undefined && !same) continue;
    if (!best || f.root.length > best.folder.root.length) best = { folder: f, rel };
  }
  return best;
}

function stripSlash(p: string): string {
  return p.length > 1 && (p.endsWith('/') || p.endsWith('\\')) ? p.slice(0, -1) : p;
}

function toService(folder: Folder, svc: ServiceModel): ExposureService {
  return {
    uri: folder.uriOf(svc.path),
    name: svc.name ?? null,
    namespace: svc.namespace ?? null,
    display: serviceDisplayName(svc),
    type: svc.type ?? null,
    range: folder.positions.range(svc.path, svc.object.span),
  };
}

/** The Service a selector names in one file: the engine's `pickService` (a position becomes an offset first). */
export function serviceOfSelector(analysis: Analysis, rel: string, selector: ServiceSelector | undefined, offsetOf: (p: Position) => number): ServiceAnalysis | undefined {
  const pick = pickService(analysis, rel, selector !== undefined && 'position' in selector ? { offset: offsetOf(selector.position) } : selector);
  return pick.ok ? pick.service : undefined;
}

function readSelector(v: unknown): ServiceSelector | undefined | 'invalid' {
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) return 'invalid';
  if ('offset' in v) return typeof v.offset === 'number' ? { offset: v.offset } : 'invalid';
  if ('position' in v) {
    const p = v.position;
    return isObject(p) && typeof p.line === 'number' && typeof p.character === 'number' ? { position: { line: p.line, character: p.character } } : 'invalid';
  }
  if ('name' in v) {
    if (v.name !== null && typeof v.name !== 'string') return 'invalid';
    if (v.namespace !== undefined && v.namespace !== null && typeof v.namespace !== 'string') return 'invalid';
    return v.namespace === undefined ? { name: v.name } : { name: v.name, namespace: v.namespace };
  }
  return 'invalid';
}

/** The first quick fix of a finding that edits files (copy-only fixes are for the lightbulb, not for this view). */
export function firstEditingFix(folder: Folder, f: Finding): FixAction | undefined {
  return fixesFor(folder.ws, f).find((a) => a.edits.length > 0);
}

// ------------------------------------------------------------------------------------------ rendering

/** The view's layout: boxes, hop labels and the whole narrower than the CLI's (340 / 320 / 560 px). */
export const VIEW_LAYOUT = { maxNodeWidth: 240, maxLabelWidth: 220, minWidth: 360 } as const;

/** SVGs drawn for one analysis (a new analysis is a new object: the cache follows it). */
const svgCache = new WeakMap<Analysis, Map<string, Promise<string>>>();

function svgOf(folder: Folder, analysis: Analysis, model: DiagramModel, scheme: ColorScheme): Promise<string> {
  let perAnalysis = svgCache.get(analysis);
  if (!perAnalysis) svgCache.set(analysis, (perAnalysis = new Map()));
  const key = `${model.service.objectId}|${scheme}`;
  let svg = perAnalysis.get(key);
  if (!svg) {
    const locateIn = (p: string, span: { start: number }) => `${p}:${folder.positions.position(p, span.start).line + 1}`;
    // the view lists the findings itself (once, with their Fix buttons), and fits the diagram to its panel: a
    // narrower layout than the CLI's, so that it fits beside an editor at 100 % or more
    svg = diagramToSvg(model, { colorScheme: scheme, locate: locateIn, findingsList: false, ...VIEW_LAYOUT });
    svg.catch(() => perAnalysis!.delete(key));
    perAnalysis.set(key, svg);
  }
  return svg;
}

export async function exposure(folders: readonly Folder[], params: ExposureParams): Promise<ExposureResult | null> {
  if (!isObject(params) || typeof params.uri !== 'string') throw new InvalidParams('expected { uri, service? }');
  const selector = readSelector(params.service);
  if (selector === 'invalid') throw new InvalidParams('service must be { name, namespace? }, { offset } or { position }');
  const scheme: ColorScheme = params.colorScheme === 'dark' || params.colorScheme === 'auto' ? params.colorScheme : 'light';
  const at = locate(folders, params.uri);
  if (!at) return null;
  const { folder, rel } = at;
  if (rel !== undefined && !folder.ws.hasFile(rel)) return null;
  const analysis = folder.ws.analyze();
  const services = analysis.services
    .map((s) => toService(folder, s.service))
    .sort((a, b) => (a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character));
  const empty: ExposureResult = { service: null, svg: null, model: null, findings: [], places: {}, services, indexed: folder.indexed };
  if (rel === undefined) return empty;
  const sa = serviceOfSelector(analysis, rel, selector, (p) => folder.positions.offset(rel, p));
  if (!sa) return empty;

  const model = diagramOf(analysis, sa);
  const byKey = new Map(analysis.findings.map((f) => [findingKey(f), f]));
  const findings: ExposureFinding[] = model.findings.map((df, i) => {
    const f = byKey.get(df.key);
    const fix = f && df.fixable ? firstEditingFix(folder, f) : undefined;
    return {
      key: df.key, number: i + 1, code: df.code, severity: df.severity, title: df.title, message: df.message,
      uri: folder.uriOf(df.path), range: folder.positions.range(df.path, df.span),
      location: `${df.path}:${folder.positions.position(df.path, df.span.start).line + 1}`,
      fix: fix ? { title: fix.title } : null,
    };
  });
  const places: Record<string, ExposureLocation> = {};
  for (const n of model.nodes) {
    const ref = n.ref ?? (n.facts.kind === 'pods' ? n.facts.workloads[0]?.ref ?? null : null);
    if (ref && folder.ws.getText(ref.path) !== undefined) places[n.id] = { uri: folder.uriOf(ref.path), range: folder.positions.range(ref.path, ref.span) };
  }
  const svg = await svgOf(folder, analysis, model, scheme);
  return { service: toService(folder, sa.service), svg, model, findings, places, services, indexed: folder.indexed };
}

export function fixFinding(folders: readonly Folder[], params: FixFindingParams, host: Omit<ExposureHost, 'folders'> = {}): FixFindingResult | null {
  if (!isObject(params) || typeof params.findingKey !== 'string') throw new InvalidParams('expected { findingKey, uri? }');
  const first = typeof params.uri === 'string' ? locate(folders, params.uri)?.folder : undefined;
  for (const folder of first ? [first, ...folders.filter((f) => f !== first)] : folders) {
    const f = folder.ws.analyze().findings.find((x) => findingKey(x) === params.findingKey);
    if (!f) continue;
    const fix = fixOneFinding(folder.ws, f); // the fix loop's, for this one finding: what "fix all" would do with it
    // a button in a view beside the editor: every file it edits is shown for confirmation first
    const edit = fix && toWorkspaceEdit(folder.ws, fix.edits, folder.positions, (p) => folder.uriOf(p), {
      confirmOthers: true, annotations: !!host.annotations?.(), versionOf: (u) => host.versionOf?.(u),
    });
    return fix && edit ? { title: fix.title, edit } : null;
  }
  return null;
}

/** The "Show exposure" lens of one Service, at `at` (beside its chain lenses). */
export function exposureLens(uri: string, svc: ServiceModel, at: Position): CodeLens {
  const selector: ServiceSelector = svc.name !== undefined ? { name: svc.name, namespace: svc.namespace ?? null } : { offset: svc.object.span.start };
  return { range: { start: at, end: at }, command: { title: 'Show exposure', command: SHOW_EXPOSURE_COMMAND, arguments: [uri, selector] } };
}

/** Wire the two requests. `guard` turns a failure into an LSP error (the server's own request wrapper). */
export function registerExposure(connection: Connection, host: ExposureHost, guard: Guard): void {
  connection.onRequest(EXPOSURE_REQUEST, guard('exposure', (p: ExposureParams) => exposure(host.folders(), p)));
  connection.onRequest(FIX_FINDING_REQUEST, guard('fixFinding', (p: FixFindingParams) => fixFinding(host.folders(), p, host)));
}
