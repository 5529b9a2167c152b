/**
 * "Create .service-reach.yaml": the engine's config text (engine/features/create-config.ts) as a WorkspaceEdit
 * that creates the file and inserts the text — never written behind the user's back: both carry a change
 * annotation that needs confirmation (VS Code shows its refactor preview), and the text is left unsaved in the
 * editor for the user to review and save. Offered as the command `serviceReach.createConfig`
 * (`workspace/executeCommand`: the server applies the edit with `workspace/applyEdit` and shows the new file) and
 * as a code action on the findings that rest on a guess the config would settle.
 */
import { CodeActionKind, ErrorCodes, ResponseError, type CodeAction, type Connection, type Diagnostic, type WorkspaceEdit } from 'vscode-languageserver';
import type { Analysis, Finding, Workspace } from '../engine';
import { configWouldHelp, createConfigText, newConfigPath } from '../engine/features/create-config';
import type { Folder } from './folder';
import type { RequestGuard } from './guards';
import type { Session } from './session';

export const CREATE_CONFIG_COMMAND = 'serviceReach.createConfig';
const ANNOTATION = 'serviceReach.createConfig';

/** The findings a config would settle: those the layers' attribution or the load-balancer subnet decide. */
const GUESSED = new Set(['security-list-port-closed', 'lb-listener-closed', 'lb-egress-closed', 'nodeport-unpinned', 'source-ranges-bypassed']);

/** The path of the config to create in a folder (its configured one, else the default name), unless one exists. */
function configPathFor(ws: Workspace, configured: string | undefined): string | undefined {
  if (configured) return ws.hasFile(configured) ? undefined : configured;
  return newConfigPath(ws.paths());
}

/** The edit that creates the config; undefined when there is one already. */
export function createConfigEdit(ws: Workspace, analysis: Analysis, configured: string | undefined, uriOf: (rel: string) => string): { edit: WorkspaceEdit; uri: string; path: string } | undefined {
  const path = configPathFor(ws, configured);
  if (!path) return undefined;
  const uri = uriOf(path);
  const text = createConfigText(analysis, ws.paths());
  const edit: WorkspaceEdit = {
    documentChanges: [
      { kind: 'create', uri, options: { overwrite: false, ignoreIfExists: true }, annotationId: ANNOTATION },
      { textDocument: { uri, version: null }, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text, annotationId: ANNOTATION }] },
    ],
    changeAnnotations: {
      [ANNOTATION]: { label: `Service Reach: create ${path}`, needsConfirmation: true, description: 'what the analysis assumed, for you to check' },
    },
  };
  return { edit, uri, path };
}

/** The code action on findings that rest on a guess (no config: every list taken as the workers', or the LB subnet unknown). */
export function createConfigAction(folder: Folder, analysis: Analysis, matched: readonly { d: Diagnostic; f: Finding }[], canCreate: boolean): CodeAction | undefined {
  if (!canCreate || !configWouldHelp(analysis)) return undefined;
  const on = matched.filter((m) => GUESSED.has(m.f.code));
  if (!on.length) return undefined;
  const made = createConfigEdit(folder.ws, analysis, folder.configPath, (r) => folder.uriOf(r));
  if (!made) return undefined;
  return {
    title: `Create ${made.path} from what was found (the lists and subnet were guessed: review it before saving)`,
    kind: CodeActionKind.QuickFix, diagnostics: on.map((m) => m.d), edit: made.edit,
  };
}

/** The server serves commands only in a trusted workspace (the client says so); in another, edits only. */
export function servesCommands(session: Session): boolean {
  return session.initOptions.trusted !== false;
}

/**
 * `serviceReach.createConfig [uri]`: the folder of the uri (else the first without a config) gets one. Any other
 * command, or any command in an untrusted workspace, is a method the server does not have.
 */
export function registerCreateConfig(c: Connection, session: Session, folders: () => Folder[], request: RequestGuard): void {
  c.onExecuteCommand(request('executeCommand', async (p) => {
    if (p.command !== CREATE_CONFIG_COMMAND || !servesCommands(session)) {
      return new ResponseError<void>(ErrorCodes.MethodNotFound, `Unhandled method workspace/executeCommand (${String(p.command)})`);
    }
    if (!session.caps.createFiles) return { created: false, reason: 'the client cannot create files through a workspace edit' };
    const uri = typeof p.arguments?.[0] === 'string' ? p.arguments[0] : undefined;
    const all = folders().filter((f) => !f.loose);
    const candidates = uri ? all.filter((f) => f.uri === uri || f.relOf(uri) !== undefined) : all;
    for (const folder of candidates) {
      const made = createConfigEdit(folder.ws, folder.ws.analyze(), folder.configPath, (r) => folder.uriOf(r));
      if (!made) continue;
      const r = await c.workspace.applyEdit({ label: `Create ${made.path}`, edit: made.edit });
      if (r.applied && session.caps.showDocument) await c.window.showDocument({ uri: made.uri, takeFocus: true }).catch(() => undefined);
      return { created: r.applied, uri: made.uri };
    }
    return { created: false, reason: 'every workspace folder has a config already' };
  }));
}
