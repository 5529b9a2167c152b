/**
 * Test support: build an in-memory workspace from `{path: text}`, analyse it, and read findings back as
 * `path:line code` (1-based lines, as the CLI and the corpus speak). `|` marks a cursor in editor tests.
 */
import { initEngine, LineIndex, Workspace, type Analysis, type Finding } from '../../server/src/engine';
import { readHclGrammar } from '../../server/src/host/hcl-grammar';
import { nodeGunzip } from '../../server/src/host/gunzip';

export async function ready(): Promise<void> {
  await initEngine({ hcl: readHclGrammar(), gunzip: nodeGunzip() });
}

export function workspace(files: Record<string, string>, options: { configPath?: string } = {}): Workspace {
  const ws = new Workspace(options);
  for (const [path, text] of Object.entries(files)) ws.setFile(path, dedent(text));
  return ws;
}

export function analyse(files: Record<string, string>): Analysis {
  return workspace(files).analyze();
}

export function lineOf(ws: Workspace, f: { path: string; span: { start: number } }): number {
  return new LineIndex(ws.getText(f.path) ?? '').positionAt(f.span.start).line + 1;
}

/** Findings as `path:line code`, sorted. */
export function keys(files: Record<string, string>, filter?: (f: Finding) => boolean): string[] {
  const ws = workspace(files);
  return ws.analyze().findings.filter(filter ?? (() => true)).map((f) => `${f.path}:${lineOf(ws, f)} ${f.code}`).sort();
}

/** Only the codes, sorted. */
export function codes(files: Record<string, string>): string[] {
  return workspace(files).analyze().findings.map((f) => f.code).sort();
}

export function findingsOf(files: Record<string, string>, code?: string): Finding[] {
  return workspace(files).analyze().findings.filter((f) => !code || f.code === code);
}

/** Remove the common leading indentation of a template literal and a leading newline. */
export function dedent(text: string): string {
  if (!text.startsWith('\n')) return text;
  const lines = text.slice(1).split('\n');
  const indents = lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(cut)).join('\n');
}

/** Split `a|b` into text `ab` and the cursor offset. */
export function cursor(textWithBar: string): { text: string; offset: number } {
  const t = dedent(textWithBar);
  const offset = t.indexOf('|');
  if (offset < 0) throw new Error('no | cursor marker');
  return { text: t.slice(0, offset) + t.slice(offset + 1), offset };
}
