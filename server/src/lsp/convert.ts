/**
 * The one place where the engine's offsets meet LSP positions (through the engine's LineIndex, UTF-16 code
 * units as LSP's default position encoding), and where engine results become LSP shapes.
 */
import {
  CompletionItemKind, CompletionItemTag, DiagnosticSeverity, DiagnosticTag, InsertTextFormat, MarkupKind, SymbolKind,
  type CompletionItem as LspCompletionItem, type Diagnostic, type DocumentSymbol, type Hover, type Position, type Range,
} from 'vscode-languageserver';
import { LineIndex, docsUrl, type Finding, type Span } from '../engine';
import { snippetToPlain, type CompletionItem, type HoverResult, type SymbolInfo } from '../engine/features';

/** Positions of the files of one workspace, each LineIndex built once per text. */
export class Positions {
  private readonly cache = new Map<string, { text: string; index: LineIndex }>();

  /**
   * `indexOf`: the workspace's own line index of a file it holds (kept across edits, moved past the range that
   * changed), so that a whole-text change costs no more than a ranged one; other files are indexed here.
   */
  constructor(
    private readonly textOf: (path: string) => string | undefined,
    private readonly indexOf?: (path: string) => LineIndex | undefined,
  ) {}

  private index(path: string): LineIndex {
    const kept = this.indexOf?.(path);
    if (kept) return kept;
    const text = this.textOf(path) ?? '';
    const hit = this.cache.get(path);
    if (hit && hit.text === text) return hit.index;
    const index = new LineIndex(text);
    this.cache.set(path, { text, index });
    return index;
  }

  forget(path: string): void {
    this.cache.delete(path);
  }

  range(path: string, span: Span): Range {
    const li = this.index(path);
    return { start: li.positionAt(span.start), end: li.positionAt(span.end) };
  }

  position(path: string, offset: number): Position {
    return this.index(path).positionAt(offset);
  }

  offset(path: string, position: Position): number {
    return this.index(path).offsetAt(position);
  }
}

export interface DiagnosticData {
  path: string;
  code: string;
  start: number;
  end: number;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

export const SOURCE = 'service-reach';

export function toDiagnostic(f: Finding, pos: Positions, uriOf: (path: string) => string): Diagnostic {
  const data: DiagnosticData = { path: f.path, code: f.code, start: f.span.start, end: f.span.end };
  const d: Diagnostic = {
    range: pos.range(f.path, f.span),
    severity: SEVERITY[f.severity],
    code: f.code,
    codeDescription: { href: docsUrl(f.code) },
    source: SOURCE,
    message: f.message,
    data,
  };
  if (f.related.length) {
    d.relatedInformation = f.related.map((r) => ({ location: { uri: uriOf(r.path), range: pos.range(r.path, r.span) }, message: r.message }));
  }
  if (f.code === 'unknown-field') d.tags = [DiagnosticTag.Unnecessary];
  return d;
}

const KIND: Record<CompletionItem['kind'], CompletionItemKind> = {
  field: CompletionItemKind.Property,
  key: CompletionItemKind.Property,
  enum: CompletionItemKind.EnumMember,
  value: CompletionItemKind.Value,
  snippet: CompletionItemKind.Snippet,
};

/** `labelDetails`: the client shows `labelDetails` (LSP 3.17) */
export function toCompletionItem(item: CompletionItem, path: string, pos: Positions, snippets: boolean, labelDetails = false): LspCompletionItem {
  const asSnippet = item.snippet && snippets;
  const out: LspCompletionItem = {
    label: item.label,
    kind: KIND[item.kind],
    sortText: item.sortText,
    textEdit: { range: pos.range(path, item.replace), newText: item.snippet && !snippets ? snippetToPlain(item.insertText) : item.insertText },
    insertTextFormat: asSnippet ? InsertTextFormat.Snippet : InsertTextFormat.PlainText,
  };
  if (item.detail) out.detail = item.detail;
  if (item.labelDescription && labelDetails) out.labelDetails = { description: item.labelDescription };
  if (item.documentation) out.documentation = { kind: MarkupKind.Markdown, value: item.documentation };
  if (item.filterText) out.filterText = item.filterText;
  if (item.preselect) out.preselect = true;
  if (item.deprecated) out.tags = [CompletionItemTag.Deprecated];
  return out;
}

export function toHover(h: HoverResult, path: string, pos: Positions): Hover {
  return { contents: { kind: MarkupKind.Markdown, value: h.contents }, range: pos.range(path, h.span) };
}

export function toDocumentSymbol(s: SymbolInfo, path: string, pos: Positions): DocumentSymbol {
  return {
    name: s.name,
    detail: s.detail,
    kind: s.kind === 'service' ? SymbolKind.Class : SymbolKind.Field,
    range: pos.range(path, s.span),
    selectionRange: pos.range(path, s.selectionSpan),
    children: s.children.map((c) => toDocumentSymbol(c, path, pos)),
  };
}
