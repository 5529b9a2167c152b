/**
 * The engine's public surface. Pure: it takes text and returns plain data (findings in offsets, requirement
 * lists, completion items, hover text, edits). Only the CLI and the language server import it; it imports
 * neither `vscode` nor `vscode-languageserver`, and reads no files.
 */
import { initHcl, type HclGrammar } from './parse/hcl';
import { setGunzip, type Gunzip } from './helm/gunzip';

export { Workspace, classify, type Analysis, type ServiceAnalysis, type WorkspaceOptions, type FileKind, type TextChange } from './workspace';
export type { Finding, RelatedInfo } from './findings/finding';
export { CODES, ALL_CODES, docsUrl, type Code, type CodeInfo, type Severity } from './findings/codes';
export { LineIndex, type Position } from './text/line-index';
export type { Span } from './text/span';
export type { Requirement, Exposure } from './exposure/requirements';

export type { HclGrammar } from './parse/hcl';
export type { Gunzip } from './helm/gunzip';
export { TAR_LIMITS } from './helm/tar';
export { isChartArchive } from './util/load-policy';
export { setParsesAhead, readCounted, packParse, unpackParse, optionsKeyOf, type ParsesAhead, type PackedParse, type CountedParse, type ReadAhead } from './parse/yaml';

/**
 * Load what the parsers need before the first analysis. The engine reads no files: the host reads the HCL
 * grammar (`readHclGrammar` in `server/src/host/`) and hands its bytes in, or the error it met; without them
 * Terraform files are reported as unreadable and everything else is analysed. Never rejects; safe to call more
 * than once (the first successful load stays). `gunzip`: the host's, to unpack a chart's `.tgz` dependencies
 * (the engine holds no zlib); without it such a chart is not rendered. The last one given stays.
 */
export async function initEngine(options: { hcl?: HclGrammar | Error; gunzip?: Gunzip } = {}): Promise<void> {
  if (options.gunzip) setGunzip(options.gunzip);
  await initHcl(options.hcl);
}
