/** Module folders as workspace-relative paths ('' is the workspace's root folder). */
export { dirName } from '../util/paths';

/** `rel` (`./x`, `../y/z`) from `folder`; undefined when it leaves the workspace. */
export function joinPath(folder: string, rel: string): string | undefined {
  const out: string[] = folder === '' ? [] : folder.split('/');
  for (const part of rel.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}
