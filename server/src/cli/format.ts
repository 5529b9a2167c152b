/**
 * CLI output: findings placed (spans → 1-based line and column, through the engine's LineIndex) and printed
 * as compiler-style text, JSON (README, "The command line") or SARIF 2.1.0.
 *
 * Workspace text (names, port names, annotation values, file names) reaches each format escaped for it: in text,
 * every line goes through `textLine` (control characters and bidi overrides shown as `\x1b`, `\n`, `\u202E`, so
 * nothing acts on the terminal or forges a line); JSON escapes by itself; SARIF's artifact URIs are
 * percent-encoded (`sarifUri`).
 */
import { CODES, ALL_CODES, docsUrl, LineIndex, type Finding, type Severity } from '../engine';
import { escapeControls } from '../engine/text/escape';

export interface PlacedRelated {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
}

export interface PlacedFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  code: string;
  severity: Severity;
  message: string;
  related: PlacedRelated[];
}

export interface Summary {
  files: number;
  /** Services read, and how many of them from templates (docs/templates.md) */
  services: number;
  /** the rules of the rule sources the analysis uses (node firewall zones, worker and load-balancer lists, NSGs) */
  rules: number;
  /** of those, the rules whose protocol, ports, source or destination could not be evaluated (`rules-not-evaluated`) */
  rulesNotEvaluated: number;
  servicesFromTemplates: number;
  /** Services rendered from Helm charts (docs/helm.md) */
  servicesFromCharts: number;
  errors: number;
  warnings: number;
  infos: number;
  /** findings a suppression covers (docs/suppressions.md): not in `findings`, in SARIF as suppressed */
  suppressed: number;
  /** who guards what: where the OCI lists and NSGs the checks used came from (docs/topology.md); absent: none */
  topology?: string[];
}

export interface Counts {
  files: number;
  services: number;
  servicesFromTemplates: number;
  servicesFromCharts: number;
  suppressed: number;
  /** the rules of the rule sources in use, and how many could not be evaluated */
  rules: { read: number; notEvaluated: number };
  /** the lines about who guards what (`features/topology.ts`) */
  topology?: string[];
}

/** Turn findings into file/line/column, with `file` as the caller wants it shown (relative to the cwd). */
export function place(findings: readonly Finding[], textOf: (path: string) => string | undefined, display: (path: string) => string): PlacedFinding[] {
  const indexes = new Map<string, LineIndex>();
  const at = (path: string, offset: number) => {
    let idx = indexes.get(path);
    if (!idx) {
      idx = new LineIndex(textOf(path) ?? '');
      indexes.set(path, idx);
    }
    return idx.positionAt(offset);
  };
  const loc = (path: string, span: { start: number; end: number }) => {
    const s = at(path, span.start);
    const e = at(path, span.end);
    return { file: display(path), line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
  };
  return findings.map((f) => ({
    ...loc(f.path, f.span),
    code: f.code,
    severity: f.severity,
    message: f.message,
    related: f.related.map((r) => ({ ...loc(r.path, r.span), message: r.message })),
  }));
}

export function summarize(findings: readonly PlacedFinding[], counts: Counts): Summary {
  return {
    files: counts.files, services: counts.services, servicesFromTemplates: counts.servicesFromTemplates,
    servicesFromCharts: counts.servicesFromCharts,
    rules: counts.rules.read, rulesNotEvaluated: counts.rules.notEvaluated,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
    suppressed: counts.suppressed,
    ...(counts.topology?.length ? { topology: counts.topology } : {}),
  };
}

/**
 * One line of text output (stdout or stderr), ending in a newline: whatever it holds from the workspace can
 * neither act on the terminal nor start a second line. Every line the CLI prints goes through here.
 */
export function textLine(line: string): string {
  return escapeControls(line) + '\n';
}

export function formatText(findings: readonly PlacedFinding[], summary: Summary): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code} ${f.message}`);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  const charts = summary.servicesFromCharts > 0 ? `, ${summary.servicesFromCharts} rendered from charts` : '';
  const templates = charts + (summary.servicesFromTemplates > 0 ? `, ${summary.servicesFromTemplates} from templates` : '');
  const suppressed = summary.suppressed > 0 ? `; ${plural(summary.suppressed, 'finding')} suppressed` : '';
  for (const t of summary.topology ?? []) lines.push(`topology: ${t}`);
  const read = `${plural(summary.files, 'file')} read, ${plural(summary.rules, 'rule')} read, ${summary.rulesNotEvaluated} not evaluated`;
  lines.push(`${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.infos, 'note')} in ${plural(summary.services, 'Service')}${templates} (${read})${suppressed}`);
  return lines.map(textLine).join('');
}

const UNRESERVED = /^[A-Za-z0-9._~-]$/;
const UTF8 = new TextEncoder();

/** One path segment percent-encoded per RFC 3986: everything but the unreserved characters, as UTF-8 bytes. */
function encodeSegment(segment: string): string {
  let out = '';
  // TextEncoder writes a lone surrogate as U+FFFD, where encodeURIComponent would throw
  for (const ch of segment) {
    if (UNRESERVED.test(ch)) { out += ch; continue; }
    for (const b of UTF8.encode(ch)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * A file's path (POSIX, relative to the current directory) as a SARIF `artifactLocation.uri`: each segment
 * percent-encoded, `/` kept, so that `a#b.yaml` is not read as `a` plus a fragment, `%2e%2e%2fevil.yaml` not as
 * `../evil.yaml`, `c:x.yaml` not as a scheme; `..` segments (a file above the current directory) stay.
 */
export function sarifUri(file: string): string {
  return file.replace(/^\.\//, '').split('/').map((s) => (s === '..' || s === '.' ? s : encodeSegment(s))).join('/');
}

export function formatJson(findings: readonly PlacedFinding[], summary: Summary): string {
  return JSON.stringify({
    findings: findings.map(({ related, ...f }) => ({ ...f, related })),
    summary,
  }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

/**
 * SARIF 2.1.0; the summary, when given, goes in the run's property bag (`properties.summary`); `suppressed`: the
 * findings a suppression covers, carried with `suppressions` (`inSource`).
 */
export function formatSarif(findings: readonly PlacedFinding[], version: string, summary?: Summary, suppressed: readonly PlacedFinding[] = []): string {
  const ruleIndex = new Map(ALL_CODES.map((c, i) => [c, i]));
  const region = (f: { line: number; column: number; endLine: number; endColumn: number }) => ({
    startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.endLine === f.line ? f.column : f.endColumn),
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'service-reach',
          version,
          informationUri: 'https://github.com/service-reach/service-reach',
          rules: ALL_CODES.map((code) => {
            const info = CODES[code];
            const plain = info.help.replace(/`/g, '');
            return {
              id: code,
              name: code.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join(''),
              shortDescription: { text: info.title },
              fullDescription: { text: plain },
              helpUri: docsUrl(code),
              help: { text: plain + (info.fixes.length ? ` Fixes: ${info.fixes.join(' ').replace(/`/g, '')}` : ''), markdown: info.help + (info.fixes.length ? `\n\n**Fixes:** ${info.fixes.join(' ')}` : '') },
              defaultConfiguration: { level: SARIF_LEVEL[info.severity] },
              properties: { category: info.category, tags: [info.category] },
            };
          }),
        },
      },
      columnKind: 'utf16CodeUnits',
      ...(summary ? { properties: { summary } } : {}),
      results: [...findings, ...suppressed].map((f, k) => ({
        ruleId: f.code,
        ruleIndex: ruleIndex.get(f.code as never) ?? 0,
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: sarifUri(f.file), uriBaseId: '%SRCROOT%' }, region: region(f) } }],
        ...(f.related.length ? {
          relatedLocations: f.related.map((r, i) => ({
            id: i + 1,
            message: { text: r.message },
            physicalLocation: { artifactLocation: { uri: sarifUri(r.file), uriBaseId: '%SRCROOT%' }, region: region(r) },
          })),
        } : {}),
        ...(k >= findings.length ? { suppressions: [{ kind: 'inSource' }] } : {}),
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
