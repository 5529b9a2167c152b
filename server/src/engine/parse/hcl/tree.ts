/**
 * The tree the HCL reader hands out: blocks, attributes and expressions with UTF-16 offset spans, and the helpers
 * that look things up in it. Plain data: nothing here knows tree-sitter.
 */
import type { Span } from '../../text/span';
import type { ParseProblem } from '../problem';
import type { HclExpr } from './expr-tree';

export interface HclExpression {
  /** `string` only for a quoted string without interpolation; anything not a plain literal is `expr` */
  kind: 'string' | 'number' | 'bool' | 'null' | 'expr';
  /** the literal value (decoded string, number, boolean, null); absent for `expr` */
  value?: string | number | boolean | null;
  /** the expression as written */
  text: string;
  span: Span;
  /**
   * For a plain traversal such as `var.x`, `local.a.b` or `oci_core_network_security_group.w[0].id`: its parts
   * (`['var', 'x']`; index steps as written, e.g. `'[0]'`). Absent otherwise.
   */
  traversal?: string[];
  /** the whole expression as a tree (for the Terraform evaluator) */
  ast: HclExpr;
}

export interface HclAttribute {
  kind: 'attribute';
  name: string;
  nameSpan: Span;
  expr: HclExpression;
  /** `name = expression` */
  span: Span;
}

export interface HclLabel {
  /** the label's value (a quoted label is decoded) */
  value: string;
  span: Span;
}

export interface HclBlock {
  kind: 'block';
  type: string;
  typeSpan: Span;
  labels: HclLabel[];
  body: HclBody;
  /** from the block type to the closing brace */
  span: Span;
  /** between the braces (exclusive of both) */
  bodySpan: Span;
  /** offset of `{` */
  openBrace: number;
  /** offset of `}`, or null when it is missing (broken file) */
  closeBrace: number | null;
}

export type HclItem = HclAttribute | HclBlock;

export interface HclBody {
  /** attributes and blocks in document order */
  items: HclItem[];
  attributes: HclAttribute[];
  blocks: HclBlock[];
  span: Span;
}

export interface HclParseResult {
  body: HclBody;
  problems: ParseProblem[];
}

export function emptyBody(start: number, end: number): HclBody {
  return { items: [], attributes: [], blocks: [], span: { start, end } };
}

/** The last attribute `name` of a body (Terraform rejects duplicates; the last one is as good as any). */
export function hclAttribute(body: HclBody | undefined, name: string): HclAttribute | undefined {
  if (!body) return undefined;
  for (let i = body.attributes.length - 1; i >= 0; i--) if (body.attributes[i].name === name) return body.attributes[i];
  return undefined;
}

/** Blocks of a body with the given type, in document order. */
export function hclBlocks(body: HclBody | undefined, type: string): HclBlock[] {
  return body ? body.blocks.filter((b) => b.type === type) : [];
}
