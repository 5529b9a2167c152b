/**
 * The engine's public surface. Pure: it takes text and returns plain data (findings in offsets, requirement
 * lists, completion items, hover text, edits). Only the CLI and the language server import it; it imports
 * neither `vscode` nor `vscode-languageserver`.
 */
import { initHcl } from './parse/hcl';

export { Workspace, classify, type Analysis, type ServiceAnalysis, type WorkspaceOptions, type FileKind, type TextChange } from './workspace';
export type { Finding, RelatedInfo } from './findings/finding';
export { CODES, ALL_CODES, docsUrl, type Code, type CodeInfo, type Severity } from './findings/codes';
export { LineIndex, type Position } from './text/line-index';
export type { Span } from './text/span';
export type { Requirement, Exposure } from './exposure/requirements';

/** Load what the parsers need before the first analysis (the HCL grammar). Safe to call more than once. */
export async function initEngine(options: { hclWasmDir?: string } = {}): Promise<void> {
  await initHcl(options.hclWasmDir);
}
