/**
 * The engine's public surface. Pure: it takes text and returns plain data (findings in offsets, requirement
 * lists, completion items, hover text, edits). Only the CLI and the language server import it; it imports
 * neither `vscode` nor `vscode-languageserver`, and reads no files.
 */
import { initHcl, type HclGrammar } from './parse/hcl';

export { Workspace, classify, type Analysis, type ServiceAnalysis, type WorkspaceOptions, type FileKind, type TextChange } from './workspace';
export type { Finding, RelatedInfo } from './findings/finding';
export { CODES, ALL_CODES, docsUrl, type Code, type CodeInfo, type Severity } from './findings/codes';
export { LineIndex, type Position } from './text/line-index';
export type { Span } from './text/span';
export type { Requirement, Exposure } from './exposure/requirements';

export type { HclGrammar } from './parse/hcl';

/**
 * Load what the parsers need before the first analysis. The engine reads no files: the host reads the HCL
 * grammar (`readHclGrammar` in `server/src/host/`) and hands its bytes in, or the error it met; without them
 * Terraform files are reported as unreadable and everything else is analysed. Never rejects; safe to call more
 * than once (the first successful load stays).
 */
export async function initEngine(options: { hcl?: HclGrammar | Error } = {}): Promise<void> {
  await initHcl(options.hcl);
}
