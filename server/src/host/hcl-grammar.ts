/**
 * The host's side of the HCL parser: the engine reads no files, so the CLI, the language server, tests and
 * benchmarks read the WebAssembly here and hand it to `initEngine({ hcl })`, with a probe of the process's memory
 * (a parse that grows it past its bound is cancelled).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HclGrammar } from '../engine';

const GRAMMAR_WASM = 'tree-sitter-hcl.wasm';
const RUNTIME_WASM = 'tree-sitter.wasm';

/**
 * Reads web-tree-sitter's runtime and the HCL grammar. Never throws: what went wrong comes back as the Error,
 * which `initEngine` reports as the reason the HCL parser is not initialised.
 *
 * @param wasm the grammar: a path to `tree-sitter-hcl.wasm`, or a directory that holds it (and, optionally,
 *   web-tree-sitter's own `tree-sitter.wasm`, as a bundle that copies both next to itself does). Default: the
 *   grammar inside the installed `@tree-sitter-grammars/tree-sitter-hcl` package. The runtime, when the
 *   directory does not hold it, is the installed `web-tree-sitter` package's.
 */
export function readHclGrammar(wasm?: string): HclGrammar | Error {
  try {
    let grammarPath: string;
    let runtimePath: string | undefined;
    if (wasm === undefined) {
      grammarPath = path.join(path.dirname(require.resolve('@tree-sitter-grammars/tree-sitter-hcl/package.json')), GRAMMAR_WASM);
    } else if (wasm.endsWith('.wasm')) {
      grammarPath = wasm;
    } else {
      grammarPath = path.join(wasm, GRAMMAR_WASM);
      const beside = path.join(wasm, RUNTIME_WASM);
      if (fs.existsSync(beside)) runtimePath = beside;
    }
    runtimePath ??= require.resolve(`web-tree-sitter/${RUNTIME_WASM}`);
    return {
      grammar: new Uint8Array(fs.readFileSync(grammarPath)),
      runtime: new Uint8Array(fs.readFileSync(runtimePath)),
      memory: () => process.memoryUsage.rss(),
    };
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}
