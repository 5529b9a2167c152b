/**
 * Quick fixes as LSP code actions: each fix attached to its diagnostic (a WorkspaceEdit), "fix all in this
 * file", and copy-only fixes as the client command `serviceReach.copyText` (the client puts the text on the
 * clipboard and shows it; nothing is ever executed). The edits themselves come from the engine (engine/fixes):
 * "fix all in this file" is the engine's fix loop (every pass, as `check --fix` runs it) over the file's findings.
 */
import { CodeActionKind, type CodeAction, type Diagnostic } from 'vscode-languageserver';
import type { Finding, Workspace } from '../engine';
import { fixAllInFile, fixesFor, type FixAction } from '../engine/fixes';
import { SOURCE, type DiagnosticData, type Positions } from './convert';
import { toWorkspaceEdit } from './workspace-edit';

export const COPY_COMMAND = 'serviceReach.copyText';
/** the kind of "fix all in this file" when asked for as a source action (`source`, `source.fixAll`, or this kind itself) */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.serviceReach`;

export interface ActionOptions {
  /** the client runs `serviceReach.copyText` (and the workspace is trusted) */
  commands: boolean;
  /** `context.only` of the request */
  only?: string[];
  /** the client takes change annotations (a fix-all's edits to other files then need confirmation) */
  annotations?: boolean;
  /** the version of an open document */
  versionOf?: (uri: string) => number | undefined;
}

function wanted(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(o + '.'));
}

/** `home`: for a fix-all, the file it is for (its edits to other files then need the user's confirmation) */
function toAction(ws: Workspace, fix: FixAction, kind: string, diagnostics: Diagnostic[], pos: Positions, uriOf: (p: string) => string, opts: ActionOptions, home?: string): CodeAction | undefined {
  const action: CodeAction = { title: fix.title, kind };
  if (diagnostics.length) action.diagnostics = diagnostics;
  if (fix.isPreferred) action.isPreferred = true;
  if (fix.edits.length) {
    const edit = toWorkspaceEdit(ws, fix.edits, pos, uriOf, {
      home, confirmOthers: home !== undefined, annotations: !!opts.annotations, versionOf: opts.versionOf ?? (() => undefined),
    });
    if (!edit) return undefined;
    action.edit = edit;
  }
  if (fix.copyText !== undefined && opts.commands) action.command = { title: fix.title, command: COPY_COMMAND, arguments: [fix.copyText] };
  return action.edit || action.command ? action : undefined;
}

/** The findings behind the diagnostics the client sent (matched through `data`, else by code and range start). */
export function findingsFor(diagnostics: Diagnostic[], findings: readonly Finding[], path: string, offsetOf: (d: Diagnostic) => number): { d: Diagnostic; f: Finding }[] {
  const out: { d: Diagnostic; f: Finding }[] = [];
  for (const d of diagnostics) {
    if (d.source !== SOURCE) continue;
    const data = d.data as DiagnosticData | undefined;
    let f: Finding | undefined;
    if (data && typeof data === 'object' && data.path === path) f = findings.find((x) => x.path === path && x.code === data.code && x.span.start === data.start && x.span.end === data.end);
    if (!f) {
      const start = offsetOf(d);
      f = findings.find((x) => x.path === path && x.code === d.code && x.span.start === start);
    }
    if (f) out.push({ d, f });
  }
  return out;
}

export function codeActions(ws: Workspace, path: string, matched: { d: Diagnostic; f: Finding }[], pos: Positions, uriOf: (p: string) => string, opts: ActionOptions): CodeAction[] {
  const out: CodeAction[] = [];
  if (wanted(CodeActionKind.QuickFix, opts.only)) {
    for (const { d, f } of matched) {
      for (const fix of fixesFor(ws, f)) {
        const a = toAction(ws, fix, CodeActionKind.QuickFix, [d], pos, uriOf, { ...opts, commands: opts.commands });
        if (a) out.push(a);
      }
    }
  }
  const fixAllKind = wanted(CodeActionKind.QuickFix, opts.only) && matched.length ? CodeActionKind.QuickFix
    : opts.only && wanted(FIX_ALL_KIND, opts.only) ? FIX_ALL_KIND : undefined;
  if (fixAllKind) {
    const all = lastFixAll(ws, path);
    if (all && all.edits.length) {
      const a = toAction(ws, { ...all, copyText: undefined, isPreferred: false }, fixAllKind, [], pos, uriOf, opts, path);
      if (a) out.push(a);
    }
  }
  return out;
}

/** The last fix-all per workspace, with the texts it was worked out from (see `lastFixAll`). */
const fixAllMemo = new WeakMap<Workspace, { path: string; texts: Map<string, string>; action: FixAction | undefined }>();

/**
 * "Fix all in this file", worked out again only when a file changed: the client asks for the lightbulb's actions
 * at every cursor move, and the fix loop edits, analyses and puts back (after a rule source was edited, every
 * Service is checked again).
 */
function lastFixAll(ws: Workspace, path: string): FixAction | undefined {
  const memo = fixAllMemo.get(ws);
  const paths = ws.paths();
  if (memo && memo.path === path && memo.texts.size === paths.length && paths.every((p) => memo.texts.get(p) === ws.getText(p))) return memo.action;
  const action = fixAllInFile(ws, path);
  fixAllMemo.set(ws, { path, texts: new Map(paths.map((p) => [p, ws.getText(p)!])), action });
  return action;
}
