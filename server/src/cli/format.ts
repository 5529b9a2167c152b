/**
 * CLI output: findings placed (spans → 1-based line and column, through the engine's LineIndex) and printed
 * as compiler-style text, JSON (its fields: README.md) or SARIF 2.1.0.
 */
import { CODES, ALL_CODES, docsUrl, LineIndex, type Finding, type Severity } from '../engine';

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
  services: number;
  errors: number;
  warnings: number;
  infos: number;
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

export function summarize(findings: readonly PlacedFinding[], files: number, services: number): Summary {
  return {
    files, services,
    errors: findings.filter((f) => f.severity === 'error').length,
    warnings: findings.filter((f) => f.severity === 'warning').length,
    infos: findings.filter((f) => f.severity === 'info').length,
  };
}

export function formatText(findings: readonly PlacedFinding[], summary: Summary): string {
  const lines = findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code} ${f.message}`);
  const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  lines.push(`${plural(summary.errors, 'error')}, ${plural(summary.warnings, 'warning')}, ${plural(summary.infos, 'note')} in ${plural(summary.services, 'Service')} (${plural(summary.files, 'file')} read)`);
  return lines.join('\n') + '\n';
}

export function formatJson(findings: readonly PlacedFinding[], summary: Summary): string {
  return JSON.stringify({
    findings: findings.map(({ related, ...f }) => ({ ...f, related })),
    summary,
  }, null, 2) + '\n';
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(findings: readonly PlacedFinding[], version: string): string {
  const ruleIndex = new Map(ALL_CODES.map((c, i) => [c, i]));
  const region = (f: { line: number; column: number; endLine: number; endColumn: number }) => ({
    startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: Math.max(f.endColumn, f.endLine === f.line ? f.column : f.endColumn),
  });
  const uri = (file: string) => file.split('\\').join('/').replace(/^\.\//, '');
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
      results: findings.map((f) => ({
        ruleId: f.code,
        ruleIndex: ruleIndex.get(f.code as never) ?? 0,
        level: SARIF_LEVEL[f.severity],
        message: { text: f.message },
        locations: [{ physicalLocation: { artifactLocation: { uri: uri(f.file), uriBaseId: '%SRCROOT%' }, region: region(f) } }],
        ...(f.related.length ? {
          relatedLocations: f.related.map((r, i) => ({
            id: i + 1,
            message: { text: r.message },
            physicalLocation: { artifactLocation: { uri: uri(r.file), uriBaseId: '%SRCROOT%' }, region: region(r) },
          })),
        } : {}),
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
