/**
 * Terraform `user_data` that points at a file of the workspace: `user_data = base64encode(file("${path.module}/
 * cloud-init.sh"))`, `metadata = { user_data = base64encode(templatefile("${path.module}/cloudinit.tftpl", {…})) }`
 * (an instance, an OKE node pool's `node_metadata`). The files named are user data: read as cloud-config when
 * they start with `#cloud-config`, else as a shell script — whatever their extension.
 *
 * The HCL is read with the project's HCL reader; an attribute's expression is then cut into tokens (strings with
 * their `${…}` parts, names, punctuation) to find the `file` / `templatefile` calls in it.
 */
import { parseHcl, type HclBody } from '../parse/hcl';
import { dirName, normaliseWorkspacePath } from '../util/paths';

type Token = { kind: 'name'; text: string } | { kind: 'string'; parts: (string | { expr: string })[] } | { kind: 'punct'; text: string };

/** An HCL expression's tokens (strings decoded into literal parts and `${…}` parts; heredocs are not read). */
function tokens(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '"') {
      const parts: (string | { expr: string })[] = [];
      let lit = '';
      i++;
      while (i < text.length && text[i] !== '"') {
        if (text[i] === '\\' && i + 1 < text.length) { lit += text[i + 1] === 'n' ? '\n' : text[i + 1]; i += 2; continue; }
        if ((text[i] === '$' || text[i] === '%') && text[i + 1] === '{') {
          if (text[i + 2] === text[i]) { lit += text[i] + '{'; i += 3; continue; } // an escaped `$${`
          let depth = 1;
          let j = i + 2;
          while (j < text.length && depth > 0) { if (text[j] === '{') depth++; else if (text[j] === '}') depth--; j++; }
          if (lit) parts.push(lit);
          lit = '';
          parts.push({ expr: text.slice(i + 2, j - 1).trim() });
          i = j;
          continue;
        }
        lit += text[i++];
      }
      i++;
      if (lit) parts.push(lit);
      out.push({ kind: 'string', parts });
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i;
      while (j < text.length && /[A-Za-z0-9_.-]/.test(text[j])) j++;
      out.push({ kind: 'name', text: text.slice(i, j) });
      i = j;
      continue;
    }
    out.push({ kind: 'punct', text: c });
    i++;
  }
  return out;
}

const PATH_PREFIXES = new Set(['path.module', 'path.root', 'path.cwd']);

/** The workspace path a `file(…)` argument names, relative to the Terraform file's folder; null when it is not literal. */
function pathOf(parts: (string | { expr: string })[], dir: string): string | null {
  let rel = '';
  for (const [k, p] of parts.entries()) {
    if (typeof p === 'string') rel += p;
    else if (k === 0 && PATH_PREFIXES.has(p.expr)) rel += '.';
    else return null;
  }
  return normaliseWorkspacePath(dir ? `${dir}/${rel}` : rel);
}

/** The files a Terraform file's `user_data` values read with `file(…)` or `templatefile(…)`. */
export function userDataFiles(path: string, text: string): string[] {
  if (!text.includes('user_data')) return [];
  const { body } = parseHcl(text);
  const dir = dirName(path);
  const out: string[] = [];
  const visit = (b: HclBody) => {
    for (const a of b.attributes) {
      if (a.name !== 'user_data' && !a.expr.text.includes('user_data')) continue;
      const toks = tokens(a.expr.text);
      for (let k = 0; k + 2 < toks.length; k++) {
        const t = toks[k];
        const open = toks[k + 1];
        const arg = toks[k + 2];
        if (t.kind !== 'name' || (t.text !== 'file' && t.text !== 'templatefile') || open.kind !== 'punct' || open.text !== '(' || arg.kind !== 'string') continue;
        // inside a map, only the value of a `user_data` key
        if (a.name !== 'user_data' && !toks.slice(Math.max(0, k - 8), k).some((x) => x.kind === 'name' && x.text === 'user_data')) continue;
        const p = pathOf(arg.parts, dir);
        if (p && !out.includes(p)) out.push(p);
      }
    }
    for (const blk of b.blocks) visit(blk.body);
  };
  visit(body);
  return out;
}
