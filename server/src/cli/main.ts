/**
 * `service-reach check [paths…] [--format text|json|sarif] [--config FILE] [--fix]` (README, "The command line").
 * Exit code: 1 when an error-severity finding remains, 0 otherwise, 2 for a usage error or an unreadable path.
 */
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { startParsesAhead } from '../host/parse-ahead';
import { isUnder } from '../engine/fixes';
import { UsageError, DEFAULT_MAX_FILE_SIZE, ROOT_MARKERS, toWorkspacePath } from './load';
import { initEngineFor, readWorkspace, scopeIn, workspaceFor } from './read-workspace';
import { formatJson, formatSarif, formatText, place, summarize, textLine } from './format';
import { ruleCounts } from '../engine/checks/not-evaluated';
import { topologyLines } from '../engine/features/topology';
import { runFixes } from './fix';
import { graphMain } from './graph';
import type { CliIo } from './io';

export type { CliIo } from './io';

const USAGE = `usage: service-reach check [paths…] [--format text|json|sarif] [--config FILE] [--fix] [--max-file-size BYTES]

Checks the Kubernetes Services under the given paths (default: .) against the API server's rules and
against the firewalld zones and OCI security lists found beside them.

  --format FORMAT        text (default), json or sarif
  --config FILE          the config file (default: .service-reach.yaml in the checked folder)
  --fix                  apply the first fix of every finding that has one, write the files, report the rest
  --max-file-size BYTES  skip larger files (default ${DEFAULT_MAX_FILE_SIZE})
  -h, --help             this text
  -v, --version          the version

exit status: 0 no errors, 1 errors found, 2 usage error or unreadable path`;

function version(): string {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/** A finding's place and code: an overlay's finding keeps them when findings of several overlays are merged. */
function placeKey(f: { path: string; span: { start: number }; code: string }): string {
  return `${f.path}|${f.span.start}|${f.code}`;
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  if (argv[0] === 'graph') return graphMain(argv.slice(1), io);
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        config: { type: 'string' },
        fix: { type: 'boolean' },
        'max-file-size': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    io.stderr(textLine(`service-reach: ${(err as Error).message}`) + USAGE + '\n');
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) { io.stdout(USAGE + '\n'); return 0; }
  if (values.version) { io.stdout(version() + '\n'); return 0; }
  const [command, ...rest] = positionals;
  if (command !== 'check') {
    io.stderr(textLine(`service-reach: ${command === undefined ? 'no command given' : `unknown command "${command}"`}`) + USAGE + '\n');
    return 2;
  }
  const format = values.format!;
  if (!['text', 'json', 'sarif'].includes(format)) {
    io.stderr(`service-reach: --format must be text, json or sarif\n`);
    return 2;
  }
  let maxFileSize = DEFAULT_MAX_FILE_SIZE;
  if (values['max-file-size'] !== undefined) {
    maxFileSize = Number(values['max-file-size']);
    if (!Number.isInteger(maxFileSize) || maxFileSize <= 0) {
      io.stderr('service-reach: --max-file-size must be a positive whole number of bytes\n');
      return 2;
    }
  }
  const paths = (rest.length ? rest : ['.']).map((p) => path.resolve(io.cwd, p));
  const configAbs = values.config !== undefined ? path.resolve(io.cwd, values.config) : undefined;

  const target = workspaceFor(paths);
  let loaded;
  try {
    loaded = readWorkspace(target.load, { maxFileSize, configAbs }, (line) => io.stderr(textLine(`service-reach: ${line}`)));
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(textLine(`service-reach: ${err.message}`));
      return 2;
    }
    throw err;
  }

  await initEngineFor(loaded);
  const { root, ws } = loaded;
  // a file given inside a larger workspace: only what is under the given paths is fixed and reported
  const scope = target.scope && scopeIn(root, target.scope);
  const configRel = configAbs ? toWorkspacePath(root, configAbs) : ROOT_MARKERS[0];
  const reported = (p: string) => !scope || isUnder(p, scope) || p === configRel;
  // a large workspace's YAML is parsed on a second thread meanwhile (the results are the engine's own)
  const ahead = startParsesAhead(ws.yamlReadsAhead());
  let analysis;
  try {
    if (values.fix) runFixes(ws, root, io, new Map(loaded.files.flatMap((f) => (f.identity ? [[f.path, f.identity] as const] : []))), scope);
    analysis = ws.analyze();
  } finally {
    await ahead?.stop();
  }
  // the overlays in scope: their findings are reported wherever they sit (a base, a patch beside another overlay)
  const overlays = analysis.overlays.filter((o) => !scope || isUnder(o.path, scope));
  const fromOverlays = new Set(overlays.flatMap((o) => o.findings.map(placeKey)));
  const findings = analysis.findings.filter((f) => reported(f.path) || fromOverlays.has(placeKey(f)));

  const display = (p: string) => {
    const rel = path.relative(io.cwd, path.resolve(root, p));
    return rel.split(path.sep).join('/');
  };
  const placed = place(findings, (p) => ws.getText(p), display);
  const built = overlays.reduce((n, o) => n + o.services.length, 0);
  const suppressed = analysis.suppressed.filter((f) => reported(f.path) || fromOverlays.has(placeKey(f)));
  const services = analysis.services.filter((s) => reported(s.service.path));
  const servicesFromTemplates = services.filter((s) => ws.manifest(s.service.path)?.template).length;
  const servicesFromCharts = analysis.charts.filter((c) => reported(c.path)).reduce((n, c) => n + c.services.length, 0);
  const summary = summarize(placed, {
    files: loaded.files.length, services: services.length + built + servicesFromCharts, servicesFromTemplates, servicesFromCharts, suppressed: suppressed.length,
    rules: ruleCounts(analysis.layers, analysis.config),
    topology: topologyLines(analysis.layers.topology, (p, offset) => ws.lineIndex(p).positionAt(offset).line + 1),
  });
  if (format === 'json') io.stdout(formatJson(placed, summary));
  else if (format === 'sarif') io.stdout(formatSarif(placed, version(), summary, place(suppressed, (p) => ws.getText(p), display)));
  else io.stdout(formatText(placed, summary));
  return summary.errors > 0 ? 1 : 0;
}
