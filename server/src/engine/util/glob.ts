/**
 * Path globs for `exclude` in `.service-reach.yaml` (docs/configuration.md): matched against workspace-relative
 * POSIX paths. `*` is any run of characters but `/`, `?` one such character, `**` any number of whole folders
 * (`legacy/**`, `**\/*.template.yaml`), `[abc]` a set; a glob without `/` matches a file or folder name at any
 * depth (`generated`), as in `.gitignore`; a glob that matches a folder excludes everything below it. Compiled to
 * one regular expression per glob, built character by character with every other character escaped: no
 * backtracking beyond what `*` needs.
 */

export type PathFilter = (relPath: string) => boolean;

export const NO_EXCLUDE: PathFilter = () => false;

/** A filter that says whether a path (or a folder above it) matches one of the globs. */
export function globFilter(globs: readonly string[]): PathFilter {
  const res = globs.map(globRegExp).filter((r): r is RegExp => r !== undefined);
  if (res.length === 0) return NO_EXCLUDE;
  return (rel) => {
    // the path itself and each folder above it
    for (let end = rel.length; end > 0; end = rel.lastIndexOf('/', end - 1)) {
      const p = rel.slice(0, end);
      if (res.some((r) => r.test(p))) return true;
    }
    return false;
  };
}

/** The regular expression of one glob; undefined for an empty one. */
export function globRegExp(glob: string): RegExp | undefined {
  let g = glob.trim().replace(/^\.\//, '');
  while (g.endsWith('/')) g = g.slice(0, -1);
  const anywhere = !g.includes('/');
  // `legacy/**` is the folder `legacy` (and so everything below it)
  for (;;) {
    if (g.endsWith('/')) g = g.slice(0, -1);
    else if (g.endsWith('/**')) g = g.slice(0, -3);
    else break;
  }
  if (g === '') return undefined;
  let out = '';
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        const slashAfter = g[i + 2] === '/';
        const atStart = i === 0 || g[i - 1] === '/';
        i += slashAfter ? 2 : 1;
        // `**/` at a folder's start: any folders (none included); a trailing `**`: anything
        out += atStart && slashAfter ? '(?:[^/]+/)*' : '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const close = g.indexOf(']', i + 2);
      if (close < 0) { out += '\\['; continue; }
      let set = g.slice(i + 1, close);
      const negated = set.startsWith('!');
      if (negated) set = set.slice(1);
      out += `[${negated ? '^' : ''}${set.replace(/[\\\]^]/g, (m) => `\\${m}`)}]`;
      i = close;
    } else out += c.replace(/[.+^${}()|\\]/g, (m) => `\\${m}`);
  }
  return new RegExp(anywhere ? `(?:^|/)${out}$` : `^${out}$`);
}
