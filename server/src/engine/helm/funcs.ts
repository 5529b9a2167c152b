/** The shape of a template function: its Go signature (checked as Go checks it) and its body. */
import type { ParamType, Value } from './value';

export interface CallContext {
  /** execute a named template with data, into a string (Helm's `include`) */
  include(name: string, data: Value): string;
  /** parse and execute text as a template with data (Helm's `tpl`) */
  tpl(text: string, data: Value): string;
  /** the next number of the render's seeded pseudo-random sequence, in [0, 1) */
  random(): number;
}

export interface FuncDef {
  params: ParamType[];
  /** the type of a final `...T` parameter */
  variadic?: ParamType;
  fn: (args: Value[], ctx: CallContext) => Value;
}

export type FuncMap = ReadonlyMap<string, FuncDef>;

export function def(params: ParamType[], fn: FuncDef['fn'], variadic?: ParamType): FuncDef {
  return variadic ? { params, variadic, fn } : { params, fn };
}
