/**
 * The editor features as LSP requests — completion, hover, document symbols, code actions — each the engine's
 * answer for the file, in positions. (CodeLens is in lenses.ts, the exposure view's requests in exposure.ts.)
 */
import { CodeActionKind, CompletionTriggerKind, type Connection } from 'vscode-languageserver';
import { createConfigAction } from './create-config';
import { completionsAt, documentSymbols, hoverAt } from '../engine/features';
import { codeActions, findingsFor } from './code-actions';
import { toCompletionItem, toDocumentSymbol, toHover } from './convert';
import type { Folders } from './folders';
import type { RequestGuard } from './guards';
import { hasCodeActionContext, hasPosition, hasTextDocument } from './params';
import type { Session } from './session';

export function registerFeatures(c: Connection, session: Session, folders: Folders, request: RequestGuard): void {
  c.onCompletion(request('completion', (p) => {
    const t = folders.target(p.textDocument.uri);
    if (!t) return null;
    const offset = t.folder.positions.offset(t.rel, p.position);
    const afterSpace = p.context?.triggerKind === CompletionTriggerKind.TriggerCharacter && p.context.triggerCharacter === ' ';
    const items = completionsAt(t.folder.ws, t.rel, offset, { afterSpace });
    return { isIncomplete: false, items: items.map((i) => toCompletionItem(i, t.rel, t.folder.positions, session.caps.snippets, session.caps.labelDetails)) };
  }, hasPosition));
  c.onHover(request('hover', (p) => {
    const t = folders.target(p.textDocument.uri);
    if (!t) return null;
    // places as links to the file and line (VS Code and most clients open a file URI's `#L<line>`)
    const link = (rel: string, line: number) => `${t.folder.uriOf(rel)}#L${line}`;
    const h = hoverAt(t.folder.ws, t.rel, t.folder.positions.offset(t.rel, p.position), { link });
    return h ? toHover(h, t.rel, t.folder.positions) : null;
  }, hasPosition));
  c.onDocumentSymbol(request('documentSymbol', (p) => {
    const t = folders.target(p.textDocument.uri);
    if (!t) return [];
    return documentSymbols(t.folder.ws, t.rel).map((s) => toDocumentSymbol(s, t.rel, t.folder.positions));
  }, hasTextDocument));
  c.onCodeAction(request('codeAction', (p) => {
    const t = folders.target(p.textDocument.uri);
    if (!t) return [];
    const { folder, rel } = t;
    const analysis = folder.ws.analyze();
    const matched = findingsFor(p.context.diagnostics, analysis.findings, rel, (d) => folder.positions.offset(rel, d.range.start));
    const actions = codeActions(folder.ws, rel, matched, folder.positions, (r) => folder.uriOf(r), {
      commands: session.initOptions.trusted !== false && session.initOptions.copyCommand === true,
      only: p.context.only,
      annotations: session.caps.annotatedEdits,
      versionOf: (uri) => session.documents.get(uri)?.version,
    });
    const wantsFixes = !p.context.only || p.context.only.some((o) => CodeActionKind.QuickFix === o || CodeActionKind.QuickFix.startsWith(`${o}.`));
    const create = wantsFixes ? createConfigAction(folder, analysis, matched, session.caps.createFiles && session.caps.annotatedEdits) : undefined;
    return create ? [...actions, create] : actions;
  }, hasCodeActionContext));
}
