/** The parse tree of a Go template, as `text/template/parse` builds it; every node keeps its span in its file. */

export interface Pos { start: number; end: number }

export type Node =
  | TextNode | ActionNode | IfNode | RangeNode | WithNode | TemplateNode | BreakNode | ContinueNode | ListNode;

export interface ListNode extends Pos { type: 'list'; nodes: Node[] }
export interface TextNode extends Pos { type: 'text'; text: string }
export interface ActionNode extends Pos { type: 'action'; pipe: PipeNode }
export interface BranchFields extends Pos { pipe: PipeNode; list: ListNode; elseList: ListNode | null }
export interface IfNode extends BranchFields { type: 'if' }
export interface WithNode extends BranchFields { type: 'with' }
export interface RangeNode extends BranchFields { type: 'range' }
export interface TemplateNode extends Pos { type: 'template'; name: string; pipe: PipeNode | null }
export interface BreakNode extends Pos { type: 'break' }
export interface ContinueNode extends Pos { type: 'continue' }

export interface PipeNode extends Pos {
  type: 'pipe';
  /** `=` rather than `:=` */
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}

export interface CommandNode extends Pos { type: 'command'; args: ArgNode[] }

export type ArgNode =
  | IdentifierNode | FieldNode | VariableNode | ChainNode | DotNode | NilNode | BoolNode | NumberNode | StringNode | PipeNode;

export interface IdentifierNode extends Pos { type: 'identifier'; name: string }
/** `.A.B`: the names after the dot */
export interface FieldNode extends Pos { type: 'field'; ident: string[] }
/** `$x.A.B`: `ident[0]` is the variable's name */
export interface VariableNode extends Pos { type: 'variable'; ident: string[] }
/** `(pipe).A.B` */
export interface ChainNode extends Pos { type: 'chain'; node: ArgNode; field: string[] }
export interface DotNode extends Pos { type: 'dot' }
export interface NilNode extends Pos { type: 'nil' }
export interface BoolNode extends Pos { type: 'bool'; value: boolean }
export interface NumberNode extends Pos {
  type: 'number';
  text: string;
  isInt: boolean;
  isFloat: boolean;
  int: bigint;
  float: number;
  /** a character constant such as `'a'` */
  isChar: boolean;
}
export interface StringNode extends Pos { type: 'string'; quoted: string; text: string }

/** One template definition: a file's body or a `define`/`block`. */
export interface Tree {
  name: string;
  /** the file it was written in */
  file: string;
  root: ListNode;
}
