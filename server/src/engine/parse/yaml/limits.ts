/** What a YAML parse may be told, and the limits it keeps on hostile input (see docs/robustness.md). */

export interface YamlParseOptions {
  /** the file holds Helm template syntax: syntax problems are not reported */
  template?: boolean;
  /** at most this many nodes are converted per file (bounds work on hostile input) */
  maxNodes?: number;
  /** collections nested deeper than this are not read (default 256) */
  maxDepth?: number;
  /** aliases expand the tree by at most this many nodes in all (default 100,000) */
  maxAliasExpansion?: number;
  /** reading stops after this many milliseconds (default 10,000) */
  maxMillis?: number;
  /** at most this many documents are read (default 100,000) */
  maxDocuments?: number;
  /**
   * of a document of a kind whose body no analysis reads (`HEADER_ONLY_KINDS`), keep the header only
   * (`YDocument.headerOnly`): what the workspace reads as manifests; every other reader gets whole documents
   */
  headersOnly?: boolean;
}

export const YAML_LIMITS = {
  maxNodes: 2_000_000,
  maxDepth: 256,
  maxAliasExpansion: 100_000,
  maxMillis: 10_000,
  maxDocuments: 100_000,
  /** syntax problems kept per file (a garbage file would otherwise give one per token) */
  maxProblems: 1_000,
} as const;

/** The limits of one parse, every one of them set. */
export type Limits = { maxNodes: number; maxDepth: number; maxAliasExpansion: number; maxMillis: number; maxDocuments: number };

/** The options of a parse that change its result (the time limit aside), as a key. */
export function optionsKeyOf(options: YamlParseOptions, template: boolean): string {
  return `${template}|${options.maxNodes ?? YAML_LIMITS.maxNodes}|${options.maxDepth ?? YAML_LIMITS.maxDepth}|`
    + `${options.maxAliasExpansion ?? YAML_LIMITS.maxAliasExpansion}|${options.maxDocuments ?? YAML_LIMITS.maxDocuments}|${!!options.headersOnly}`;
}
