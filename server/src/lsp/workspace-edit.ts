/**
 * Fixes as LSP `WorkspaceEdit`s, in one place for the quick fixes, "fix all" and the exposure view's buttons.
 * A fix whose edits reach files other than the one the user is working in (`home`) — "fix all in this file"
 * writing a zone and a Terraform file, a button in the exposure view — must not change them behind the user's
 * back: where the client supports change annotations, the edits to those files carry one that needs
 * confirmation (VS Code then shows its refactor preview, lists every file, and applies nothing until the user
 * accepts; undo works as for any edit). Edits to open documents name the version they were made for.
 */
import type { AnnotatedTextEdit, ChangeAnnotation, TextDocumentEdit, TextEdit, WorkspaceEdit } from 'vscode-languageserver';
import type { Workspace } from '../engine';
import type { TextEdit as FixTextEdit } from '../engine/fixes';
import type { Positions } from './convert';

export const OTHER_FILES_ANNOTATION = 'serviceReach.otherFiles';

export interface EditOptions {
  /** the file the user acts from; edits to any other file need confirmation (none: every file does) */
  home?: string;
  /** ask for confirmation of edits to other files (a fix-all, a button in the exposure view) */
  confirmOthers: boolean;
  /** the client takes `documentChanges` with change annotations */
  annotations: boolean;
  /** the version of an open document (undefined: not open) */
  versionOf(uri: string): number | undefined;
}

/** The edit; undefined when one of its files is not held (the edit could not be placed). */
export function toWorkspaceEdit(ws: Workspace, edits: readonly FixTextEdit[], pos: Positions, uriOf: (path: string) => string, opts: EditOptions): WorkspaceEdit | undefined {
  const byPath = new Map<string, FixTextEdit[]>();
  for (const e of edits) {
    if (ws.getText(e.path) === undefined) return undefined;
    const list = byPath.get(e.path);
    if (list) list.push(e); else byPath.set(e.path, [e]);
  }
  const others = [...byPath.keys()].filter((p) => p !== opts.home);
  if (!opts.confirmOthers || !opts.annotations || others.length === 0) {
    const changes: Record<string, TextEdit[]> = {};
    for (const [path, list] of byPath) changes[uriOf(path)] = list.map((e) => ({ range: pos.range(path, e.span), newText: e.newText }));
    return { changes };
  }
  const annotation: ChangeAnnotation = {
    label: `Service Reach: edit ${others.length === 1 ? others[0] : `${others.length} other files`}`,
    needsConfirmation: true,
    description: others.join(', '),
  };
  const documentChanges: TextDocumentEdit[] = [];
  for (const [path, list] of byPath) {
    const uri = uriOf(path);
    const other = path !== opts.home;
    documentChanges.push({
      textDocument: { uri, version: opts.versionOf(uri) ?? null },
      edits: list.map((e): TextEdit | AnnotatedTextEdit => {
        const edit = { range: pos.range(path, e.span), newText: e.newText };
        return other ? { ...edit, annotationId: OTHER_FILES_ANNOTATION } : edit;
      }),
    });
  }
  return { documentChanges, changeAnnotations: { [OTHER_FILES_ANNOTATION]: annotation } };
}
