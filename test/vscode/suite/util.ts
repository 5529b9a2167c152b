/**
 * Helpers for the suites that run inside VS Code. Only the `vscode` API: documents are opened, diagnostics are
 * awaited through `languages.onDidChangeDiagnostics` (an event; the deadline only turns a hang into a failure),
 * providers are called through the built-in `vscode.execute…Provider` commands, as the editor calls them.
 */
import * as vscode from 'vscode';

export const EXTENSION_ID = 'service-reach.service-reach';

/** The workspace folder the runner opened (a fresh copy of test/vscode/fixture). */
export function folder(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) throw new Error('no workspace folder is open (the runner opens a copy of test/vscode/fixture)');
  return f.uri;
}

export function fileUri(rel: string): vscode.Uri {
  return vscode.Uri.joinPath(folder(), ...rel.split('/'));
}

export async function activate(): Promise<vscode.Extension<unknown>> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed in this VS Code`);
  await ext.activate();
  return ext;
}

export async function open(rel: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(fileUri(rel));
  return vscode.window.showTextDocument(doc, { preview: false });
}

/** The code of a diagnostic, whether VS Code gives it as a string or as `{ value, target }` (with a docs link). */
export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  if (c === undefined) return '';
  return typeof c === 'object' ? String(c.value) : String(c);
}

export function rangeText(r: vscode.Range): string {
  return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}`;
}

export function describe(ds: readonly vscode.Diagnostic[]): string {
  return ds.map((d) => `${codeOf(d)}@${rangeText(d.range)}`).join(', ') || '(none)';
}

/**
 * Resolves with the diagnostics of `uri` as soon as `check` accepts them: now, or on the change event that
 * makes it so. Rejects after `timeoutMs` with what was last seen.
 */
export function waitForDiagnostics(uri: vscode.Uri, check: (ds: readonly vscode.Diagnostic[]) => boolean, what: string, timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      sub.dispose();
      if (err) reject(err);
      else resolve(vscode.languages.getDiagnostics(uri));
    };
    const test = () => {
      try {
        if (check(vscode.languages.getDiagnostics(uri))) done();
      } catch (err) {
        done(err as Error);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) test();
    });
    const timer = setTimeout(() => done(new Error(
      `timed out after ${timeoutMs} ms waiting for ${what} on ${vscode.workspace.asRelativePath(uri)}; last seen: ${describe(vscode.languages.getDiagnostics(uri))}`)), timeoutMs);
    test();
  });
}

export function hasCodes(...codes: string[]): (ds: readonly vscode.Diagnostic[]) => boolean {
  return (ds) => codes.every((c) => ds.some((d) => codeOf(d) === c));
}

/** The position just after the first occurrence of `needle` (after the `nth` occurrence when given). */
export function positionAfter(doc: vscode.TextDocument, needle: string, nth = 1): vscode.Position {
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = doc.getText().indexOf(needle, at + 1);
    if (at < 0) throw new Error(`"${needle}" (#${nth}) not found in ${vscode.workspace.asRelativePath(doc.uri)}`);
  }
  return doc.positionAt(at + needle.length);
}

/** The plain text of hover contents (markdown strings and marked strings alike). */
export function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : String(c)))).join('\n');
}

/** Resolves when `event` fires with a value `check` accepts; rejects after `timeoutMs`. */
export function waitForEvent<T>(event: vscode.Event<T>, check: (e: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { sub.dispose(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)); }, timeoutMs);
    const sub = event((e) => {
      if (!check(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}
