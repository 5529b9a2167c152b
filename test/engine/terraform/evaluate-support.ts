/** Test support: evaluate Terraform expressions and locals the way a module does, with plain results. */
import { parseHcl } from '../../../server/src/engine/parse/hcl';
import { Budget } from '../../../server/src/engine/terraform/context';
import { rootModule } from '../../../server/src/engine/terraform/module';
import { plain, type Val } from '../../../server/src/engine/terraform/values';
import type { TfWorld } from '../../../server/src/engine/terraform/world';

/** A one-folder world of `{ path: text }` (`.tf` files only) with a file reader over the same texts. */
export function world(files: Record<string, string>): TfWorld {
  const folders = new Map<string, { path: string; files: { path: string; body: ReturnType<typeof parseHcl>['body'] }[]; varFiles: [] }>();
  for (const [p, text] of Object.entries(files)) {
    if (!p.endsWith('.tf')) continue;
    const d = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
    if (!folders.has(d)) folders.set(d, { path: d, files: [], varFiles: [] });
    folders.get(d)!.files.push({ path: p, body: parseHcl(text).body });
  }
  return { folders, configVarFiles: [], readFile: (p) => files[p] };
}

/** `local.NAME` of a module whose only file holds `text` (and the other files given). */
export function localOf(text: string, name = 'x', extra: Record<string, string> = {}, budget?: Budget): Val {
  const w = world({ 'main.tf': text, ...extra });
  return rootModule(w, '', budget)!.local(name);
}

/** The value of one expression, as plain JSON (unknown: `(unknown: reason)`). */
export function ev(expr: string, extra = ''): unknown {
  return plain(localOf(`locals {\n  x = ${expr}\n}\n${extra}`));
}

export { Budget };
