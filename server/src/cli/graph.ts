/**
 * `service-reach graph FILE[#service] [--format svg|json] [--config FILE] [--color-scheme light|dark|auto]`:
 * the exposure diagram of one Service as SVG (or its model as JSON) on stdout, for docs and pull requests.
 * `#name` or `#namespace/name` picks the Service in FILE; without it, the first Service of FILE. The workspace
 * is the current directory when FILE is inside it, else FILE's folder, walked as `check` walks it.
 * Exit code: 0 when the diagram was written, 2 for a usage error, an unreadable path or no such Service.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { Analysis, ServiceAnalysis } from '../engine';
import { diagramOf, overlayDiagramOf, overlayServices, serviceDisplayName, type OverlayService } from '../engine/features/diagram';
import { pickService, servicesInFile, type ServiceQuery } from '../engine/features/pick-service';
import { diagramToSvg, type ColorScheme } from '../render';
import { markedRoot, toWorkspacePath, UsageError, DEFAULT_MAX_FILE_SIZE } from './load';
import { initEngineFor, readWorkspace } from './read-workspace';
import type { CliIo } from './io';
import { textLine } from './format';

export const GRAPH_USAGE = `usage: service-reach graph FILE[#[NAMESPACE/]NAME] [--format svg|json] [--config FILE] [--color-scheme light|dark|auto]

Draws the exposure diagram of a Service in FILE (the first one, or the one named after #): clients → load
balancer → every node → ClusterIP → pods, each hop coloured by what the rule sources beside it allow.
Writes SVG (or, with --format json, the diagram model) to stdout.

  --format FORMAT        svg (default) or json
  --config FILE          the config file (default: .service-reach.yaml in the workspace folder)
  --color-scheme SCHEME  light (default), dark, or auto (follows the viewer's preference)
  --max-file-size BYTES  skip larger files (default ${DEFAULT_MAX_FILE_SIZE})
  -h, --help             this text

In the base file of Kustomize overlays, #OVERLAY (the overlay's folder, e.g. overlays/prod) or the
NAMESPACE/NAME the Service gets there picks the Service an overlay builds from it (none: the first overlay's).

The workspace is the current directory when FILE is inside it, else FILE's folder.
exit status: 0 diagram written, 2 usage error, unreadable path, or no such Service`;

function usage(io: CliIo, message: string): number {
  io.stderr(textLine(`service-reach graph: ${message}`) + GRAPH_USAGE + '\n');
  return 2;
}

function exists(p: string): boolean {
  try {
    fs.statSync(p);
    return true;
  } catch {
    return false;
  }
}

/** `FILE#sel` → file and selector; a FILE whose own name holds `#` is taken whole when it exists. */
export function splitTarget(arg: string, cwd: string): { file: string; selector: string | undefined } {
  if (exists(path.resolve(cwd, arg)) || !arg.includes('#')) return { file: arg, selector: undefined };
  const i = arg.lastIndexOf('#');
  return { file: arg.slice(0, i), selector: arg.slice(i + 1) };
}

/** `name` or `namespace/name` (`?` for a namespace that is a template expression) as the engine's query. */
function queryOf(selector: string): ServiceQuery {
  const i = selector.indexOf('/');
  if (i < 0) return { name: selector };
  const namespace = selector.slice(0, i);
  return { namespace: namespace === '?' ? null : namespace, name: selector.slice(i + 1) };
}

/**
 * The Service of `wsPath` that `selector` names (`name` or `namespace/name`; none: the first of the file), by the
 * engine's one tie break (`pickService`), or why there is none.
 */
export function serviceOfTarget(analysis: Analysis, wsPath: string, selector: string | undefined): ServiceAnalysis | string {
  const pick = pickService(analysis, wsPath, selector === undefined ? undefined : queryOf(selector));
  const list = (c: readonly ServiceAnalysis[]) => c.map((s) => serviceDisplayName(s.service)).join(', ');
  if (pick.ok && !(pick.namespaceIgnored && selector?.includes('/'))) return pick.service;
  if (!pick.ok && pick.reason === 'no-service') return 'holds no Service (apiVersion v1, kind Service)';
  if (!pick.ok && pick.reason === 'ambiguous') return `holds more than one Service named "${selector}": write NAMESPACE/NAME (${list(pick.candidates)})`;
  return `holds no Service "${selector}" (it holds ${list(servicesInFile(analysis, wsPath))})`;
}

/**
 * In a file that holds no Service of its own but that Kustomize overlays build Services from (a base): the one
 * `selector` names — an overlay's folder, or the `namespace/name` or `name` the Service gets there; none: the
 * first — or why there is none. undefined when no overlay builds a Service from the file.
 */
export function builtOfTarget(analysis: Analysis, wsPath: string, selector: string | undefined): OverlayService | string | undefined {
  if (servicesInFile(analysis, wsPath).length > 0) return undefined;
  const built = overlayServices(analysis, wsPath);
  if (built.length === 0) return undefined;
  if (selector === undefined) return built[0];
  const byOverlay = built.filter((b) => b.overlay.overlay === selector);
  const byName = built.filter((b) => serviceDisplayName(b.service.service) === selector || b.service.service.name === selector);
  const found = byOverlay.length ? byOverlay : byName;
  if (found.length === 1 || (found.length > 1 && byOverlay.length)) return found[0];
  const list = built.map((b) => `${serviceDisplayName(b.service.service)} in overlay ${b.overlay.overlay}`).join(', ');
  return found.length > 1 ? `holds more than one Service "${selector}" in its overlays: name the overlay (${list})` : `builds no Service "${selector}" in its overlays (${list})`;
}

export async function graphMain(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'svg' },
        config: { type: 'string' },
        'color-scheme': { type: 'string', default: 'light' },
        'max-file-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    return usage(io, (err as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) { io.stdout(GRAPH_USAGE + '\n'); return 0; }
  if (positionals.length !== 1) return usage(io, positionals.length === 0 ? 'no FILE given' : 'give exactly one FILE');
  const format = values.format!;
  if (format !== 'svg' && format !== 'json') return usage(io, '--format must be svg or json');
  const scheme = values['color-scheme']!;
  if (scheme !== 'light' && scheme !== 'dark' && scheme !== 'auto') return usage(io, '--color-scheme must be light, dark or auto');
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize <= 0) return usage(io, '--max-file-size must be a positive whole number of bytes');
  }

  const { file, selector } = splitTarget(positionals[0], io.cwd);
  if (file === '') return usage(io, 'no FILE given before #');
  if (selector === '') return usage(io, 'no Service name after #');
  const fileAbs = path.resolve(io.cwd, file);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(fileAbs);
    fs.accessSync(fileAbs, fs.constants.R_OK);
  } catch {
    io.stderr(textLine(`service-reach graph: cannot read ${file}`));
    return 2;
  }
  if (!stat.isFile()) return usage(io, `${file} is not a file (graph draws one Service of one manifest file)`);

  // its workspace: the closest folder above with a config or a repository, else its own folder (never the
  // current directory, which says nothing about where the file's rule sources are)
  const root = markedRoot(path.dirname(fileAbs)) ?? path.dirname(fileAbs);
  const configAbs = values.config !== undefined ? path.resolve(io.cwd, values.config) : undefined;
  let loaded;
  try {
    loaded = readWorkspace([root, fileAbs], { maxFileSize, configAbs }, (line) => io.stderr(textLine(`service-reach graph: ${line}`)));
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(textLine(`service-reach graph: ${err.message}`));
      return 2;
    }
    throw err;
  }

  await initEngineFor(loaded);
  const ws = loaded.ws;
  const wsPath = toWorkspacePath(loaded.root, fileAbs);
  if (!ws.hasFile(wsPath)) {
    io.stderr(textLine(`service-reach graph: cannot read ${file}${loaded.skipped.find((s) => s.path === wsPath)?.detail ? ` (${loaded.skipped.find((s) => s.path === wsPath)!.detail})` : ''}`));
    return 2;
  }
  const analysis = ws.analyze();
  const built = builtOfTarget(analysis, wsPath, selector);
  const picked = built ?? serviceOfTarget(analysis, wsPath, selector);
  if (typeof picked === 'string') {
    io.stderr(textLine(`service-reach graph: ${file} ${picked}`));
    return 2;
  }

  const model = 'overlay' in picked ? overlayDiagramOf(analysis, picked.overlay, picked.service) : diagramOf(analysis, picked);
  if (format === 'json') {
    io.stdout(JSON.stringify(model, null, 2) + '\n');
    return 0;
  }
  const display = (p: string) => path.relative(io.cwd, path.resolve(loaded.root, p)).split(path.sep).join('/');
  const locate = (p: string, span: { start: number }) => `${display(p)}:${ws.lineIndex(p).positionAt(span.start).line + 1}`;
  io.stdout(await diagramToSvg(model, { locate, colorScheme: scheme as ColorScheme }));
  return 0;
}
