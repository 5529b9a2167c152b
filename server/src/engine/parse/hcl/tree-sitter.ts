/**
 * The only module that imports `web-tree-sitter`. `initHcl()` loads the WebAssembly runtime and the HCL grammar
 * once, from the bytes the host read and handed to `initEngine` (the engine reads no files); `parseSegment()`
 * runs one tree-sitter parse, cancellable through its progress callback, converts the tree (`convert.ts`) and
 * deletes it at once. Nothing here throws: problems come back as values.
 */
import { Language, Parser } from 'web-tree-sitter';
import type { ParseProblem } from '../problem';
import { convertTree, type SegmentResult } from './convert';
import { emptyBody } from './tree';

/** What the host hands the HCL parser: the WebAssembly it read, and how to measure the process's memory. */
export interface HclGrammar {
  /** web-tree-sitter's runtime, the bytes of its `tree-sitter.wasm` */
  runtime: Uint8Array;
  /** the HCL grammar, the bytes of `tree-sitter-hcl.wasm` */
  grammar: Uint8Array;
  /**
   * The process's resident memory in bytes (`process.memoryUsage.rss`): a parse stops when it grew by
   * `maxMemoryGrowth` during it. Absent: parses are bounded by depth and time only.
   */
  memory?: () => number;
}

let parser: Parser | null = null;
let initPromise: Promise<void> | null = null;
let initError: string | undefined;
let memory: (() => number) | undefined;

/**
 * Loads tree-sitter and the HCL grammar from the bytes the host read, or takes the error the host met reading
 * them. Idempotent; concurrent calls share one load. Never rejects: on failure `isHclReady()` stays false,
 * `hclInitError()` says why, and a later call tries again.
 */
export function initHcl(input: HclGrammar | Error | undefined): Promise<void> {
  if (parser) return Promise.resolve();
  if (initPromise) return initPromise;
  // cleared once settled (`finally` runs after this assignment, even when the load fails at once)
  initPromise = load(input).finally(() => {
    initPromise = null;
  });
  return initPromise;
}

async function load(input: HclGrammar | Error | undefined): Promise<void> {
  try {
    if (input === undefined) throw new Error('no grammar was given (the host reads tree-sitter-hcl.wasm and hands it to initEngine)');
    if (input instanceof Error) throw input;
    // the runtime's bytes as emscripten's `wasmBinary`: web-tree-sitter does not look for its file
    const options = { wasmBinary: input.runtime };
    await Parser.init(options as Parameters<typeof Parser.init>[0]);
    const language = await Language.load(input.grammar);
    const p = new Parser();
    p.setLanguage(language);
    parser = p;
    memory = input.memory;
    initError = undefined;
  } catch (e) {
    initError = e instanceof Error ? e.message : String(e);
  }
}

export function isHclReady(): boolean {
  return parser !== null;
}

/** Why the last `initHcl()` failed, if it did. */
export function hclInitError(): string | undefined {
  return initError;
}

/** How the host measures the process's memory (undefined: it did not say). */
export function hclMemoryProbe(): (() => number) | undefined {
  return memory;
}

/** What stops a parse: tree-sitter calls `check` as it goes (true: cancel); `base` is where the text starts in its file. */
export interface SegmentGuard {
  base: number;
  check: (state: { currentOffset: number }) => boolean;
}

/** One tree-sitter parse of `text`, which starts at `base` in its file. */
export function parseSegment(text: string, base: number, guard: SegmentGuard): SegmentResult {
  const p = parser;
  if (!p) return failed(text, base, 'HCL could not be read: the HCL parser is not initialised');
  let tree: ReturnType<Parser['parse']> = null;
  try {
    guard.base = base;
    tree = p.parse(text, null, { progressCallback: guard.check });
  } catch (e) {
    p.reset();
    const message = e instanceof Error ? e.message : String(e);
    return failed(text, base, `HCL could not be read: ${message}`);
  }
  if (!tree) {
    p.reset(); // a cancelled parse would otherwise resume on the next call
    return failed(text, base, 'HCL could not be read');
  }
  try {
    return convertTree(tree.rootNode, text, base);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return failed(text, base, `HCL could not be read: ${message}`);
  } finally {
    tree.delete();
  }
}

function failed(text: string, base: number, message: string): SegmentResult {
  const problem: ParseProblem = { message, span: { start: base, end: base } };
  return { body: emptyBody(base, base + text.length), problems: [problem], hasError: true };
}
