/**
 * HCL expressions as our own plain tree (every node with its UTF-16 offset span), for the Terraform evaluator
 * (`engine/terraform/`). `expr-convert.ts` builds it from tree-sitter's nodes; nothing here knows tree-sitter.
 */
import type { Span } from '../../text/span';

export type HclExpr =
  | { t: 'literal'; value: string | number | boolean | null; span: Span }
  | { t: 'template'; parts: TemplatePart[]; heredoc: boolean; span: Span }
  | { t: 'tuple'; items: HclExpr[]; span: Span }
  | { t: 'object'; items: HclObjectItem[]; span: Span }
  | { t: 'variable'; name: string; span: Span }
  | { t: 'call'; name: string; args: HclExpr[]; expand: boolean; span: Span }
  | {
      t: 'for'; object: boolean; keyVar?: string; valueVar: string; collection: HclExpr;
      key?: HclExpr; value: HclExpr; group: boolean; cond?: HclExpr; span: Span;
    }
  | { t: 'unary'; op: '-' | '!'; operand: HclExpr; span: Span }
  | { t: 'binary'; op: string; left: HclExpr; right: HclExpr; span: Span }
  | { t: 'conditional'; cond: HclExpr; then: HclExpr; else: HclExpr; span: Span }
  | { t: 'attr'; object: HclExpr; name: string; span: Span }
  | { t: 'index'; object: HclExpr; key: HclExpr; span: Span }
  /** `object[*].a[0]` / `object.*.a`: `steps` applied to each element */
  | { t: 'splat'; object: HclExpr; steps: SplatStep[]; span: Span }
  /** what could not be read (a syntax error inside the expression) */
  | { t: 'invalid'; text: string; span: Span };

export type SplatStep = { t: 'attr'; name: string } | { t: 'index'; key: HclExpr };

export interface HclObjectItem {
  /** a bare identifier key (`a = 1`) is the literal string `a`; anything else is an expression */
  key: HclExpr;
  value: HclExpr;
  span: Span;
}

export type TemplatePart =
  | { t: 'text'; value: string; span: Span }
  | { t: 'interp'; expr: HclExpr; span: Span }
  | { t: 'if'; cond: HclExpr; then: TemplatePart[]; else: TemplatePart[]; span: Span }
  | { t: 'for'; keyVar?: string; valueVar: string; collection: HclExpr; body: TemplatePart[]; span: Span };
