/** The shape of a built-in function: what it computes and the arguments it takes (`functions.ts` holds the table). */
import type { EvalContext } from './context';
import type { Val } from './values';

export type TfFunction = (args: Val[], ctx: EvalContext) => Val;

export interface Spec {
  fn: TfFunction;
  /** argument count: [min, max] (max Infinity for variadic) */
  arity: [number, number];
  /** true: an unknown anywhere in an argument makes the result unknown (the function reads every element) */
  deep?: boolean;
  /** true: the function handles unknown arguments itself */
  acceptsUnknown?: boolean;
}

export const spec = (fn: TfFunction, min: number, max = min, opts: { deep?: boolean; acceptsUnknown?: boolean } = {}): Spec => ({ fn, arity: [min, max], ...opts });
