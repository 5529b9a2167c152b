/**
 * Variable files: `*.tfvars` (HCL whose values are constants) and `*.tfvars.json`. A value that is not a
 * constant is unknown with its reason; a file that cannot be read gives problems and the values it could read.
 */
import { parseHcl } from '../parse/hcl';
import { jsonValue, parseJson, propertyKeys, propertyValue } from '../parse/json';
import type { ParseProblem } from '../parse/problem';
import { safeEvaluate } from './blocks';
import { Budget, type EvalContext } from './context';
import { EvalError, fromJson, type Val } from './values';
import type { TfVarsFile } from './world';

export function readTfvars(path: string, text: string): { file: TfVarsFile; problems: ParseProblem[] } {
  const values = new Map<string, Val>();
  if (path.toLowerCase().endsWith('.json')) {
    const r = parseJson(text);
    for (const k of propertyKeys(r.root ?? undefined)) {
      try {
        values.set(k, fromJson(jsonValue(propertyValue(r.root ?? undefined, k))));
      } catch {
        // nested too deeply: left out
      }
    }
    return { file: { path, values }, problems: r.problems };
  }
  const { body, problems } = parseHcl(text);
  const ctx: EvalContext = {
    path,
    bindings: new Map(),
    lookup: (root) => {
      throw new EvalError(`a variable file cannot refer to \`${root}\``);
    },
    readFile: () => undefined,
    budget: new Budget(),
  };
  for (const a of body.attributes) values.set(a.name, safeEvaluate(a.expr, ctx));
  return { file: { path, values }, problems };
}

/** Is this the name of a variable file Terraform reads by itself (`terraform.tfvars`, `*.auto.tfvars`, and `.json`)? */
export function isAutoVarFile(name: string): boolean {
  return name === 'terraform.tfvars' || name === 'terraform.tfvars.json' || name.endsWith('.auto.tfvars') || name.endsWith('.auto.tfvars.json');
}

/** The order Terraform reads a folder's own variable files in: terraform.tfvars(.json), then *.auto.tfvars by name. */
export function varFileOrder(a: string, b: string): number {
  const rank = (n: string) => (n.startsWith('terraform.tfvars') ? 0 : 1);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}
