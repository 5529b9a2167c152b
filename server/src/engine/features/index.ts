/**
 * Editor features as pure functions of a Workspace and an offset: completion, hover, the inline chain and
 * document symbols. They return plain data in offsets; the language server only adapts them to LSP.
 */
export { completionsAt, snippetToPlain, type CompletionItem, type CompletionKind, type CompletionOptions } from './completion';
export { hoverAt, type HoverResult } from './hover';
export {
  chainOf, chainsInFile, chainLines, chainLenses, blockedMark, sourceVerdicts, BLOCKED_MARK,
  type ServiceChain, type PortChain, type ChainHop, type HopStatus, type SourceVerdict,
} from './chain';
export { documentSymbols, type SymbolInfo } from './symbols';
export { cursorContext, nodeAtOffset, type CursorContext, type PathStep } from './context';
export { pickService, serviceAt, servicesInFile, type ServiceQuery, type ServicePick } from './pick-service';
