/** The part of a tree-sitter node our conversions read (web-tree-sitter's `Node` has it; only `tree-sitter.ts` imports that package). */
export interface TsNode {
  readonly type: string;
  readonly text: string;
  readonly startIndex: number;
  readonly endIndex: number;
  readonly isMissing: boolean;
  readonly isNamed: boolean;
  readonly isError: boolean;
  readonly hasError: boolean;
  readonly childCount: number;
  readonly children: (TsNode | null)[];
  readonly namedChildren: (TsNode | null)[];
  child(index: number): TsNode | null;
}

