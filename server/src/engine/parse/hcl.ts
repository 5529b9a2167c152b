/**
 * The HCL (Terraform) reader's public surface; its parts live in `parse/hcl/`:
 *  - `tree.ts` — the tree handed out (blocks, attributes, expressions with spans) and lookups in it;
 *  - `tree-sitter.ts` — the only module that imports `web-tree-sitter`: loads the runtime and the grammar from
 *    the bytes the host hands to `initEngine` (the engine reads no files), runs one cancellable parse;
 *  - `convert.ts` — a tree-sitter tree into our tree, syntax errors into problems;
 *  - `expr-tree.ts`, `expr-convert.ts` — every expression also as a tree of its own (`HclExpr`), for the
 *    Terraform evaluator;
 *  - `read.ts` — `parseHcl`: bounded in depth (`depth.ts`), time and memory, a broken file re-read in segments.
 */
export type { HclExpression, HclAttribute, HclLabel, HclBlock, HclItem, HclBody, HclParseResult } from './hcl/tree';
export type { HclExpr, HclObjectItem, SplatStep, TemplatePart } from './hcl/expr-tree';
export { hclAttribute, hclBlocks } from './hcl/tree';
export { initHcl, isHclReady, hclInitError, type HclGrammar } from './hcl/tree-sitter';
export { decodeHclString } from './hcl/convert';
export { hclDepthCut } from './hcl/depth';
export { parseHcl, DEFAULT_HCL_LIMITS, type HclLimits } from './hcl/read';
