/**
 * What the Terraform evaluator is handed: the workspace's Terraform folders (each a module: its parsed `.tf`
 * files and its variable files), the extra variable files the config names, and a way to read a workspace file
 * (`file()`, `templatefile()`). Plain data: the source module builds it from the workspace's files.
 */
import { hclBlocks, hclAttribute, type HclBody } from '../parse/hcl';
import { joinPath } from './paths';
import type { Val } from './values';

export interface TfFile {
  path: string;
  body: HclBody;
}

/** A variable file's values (`terraform.tfvars`, `*.auto.tfvars`, their `.json` forms, a configured file). */
export interface TfVarsFile {
  path: string;
  /** the values, already evaluated (a `.tfvars` file may only hold constant expressions) */
  values: Map<string, Val>;
}

export interface TfFolder {
  path: string;
  files: TfFile[];
  /** the folder's own variable files, in the order Terraform reads them: terraform.tfvars, then *.auto.tfvars by name */
  varFiles: TfVarsFile[];
}

export interface TfWorld {
  folders: ReadonlyMap<string, TfFolder>;
  /** variable files named by the config (`terraform.varFiles`), read after the folders' own, for root modules */
  configVarFiles: TfVarsFile[];
  readFile(path: string): string | undefined;
}

/** `source = "./x"` / `"../x"`: the folder it names (workspace-relative), else undefined (registry, Git, …). */
export function localSource(folder: string, source: string): string | undefined {
  if (!source.startsWith('./') && !source.startsWith('../') && source !== '.' && source !== '..') return undefined;
  return joinPath(folder, source);
}

/** Where a module's source comes from, for the reason a non-local one is unknown. */
export function sourceKind(source: string): string {
  if (/^(git::|git@|github\.com\/|bitbucket\.org\/)/.test(source) || source.includes('.git')) return 'Git';
  if (/^(https?|s3|gcs)::?/.test(source)) return 'a URL';
  return 'a registry';
}

/** The folders a folder calls as local modules (literal `source` strings only, as Terraform requires). */
export function calledFolders(folder: TfFolder): string[] {
  const out: string[] = [];
  for (const f of folder.files) {
    for (const m of hclBlocks(f.body, 'module')) {
      const src = hclAttribute(m.body, 'source')?.expr;
      if (src?.kind === 'string' && typeof src.value === 'string') {
        const target = localSource(folder.path, src.value);
        if (target !== undefined && target !== folder.path) out.push(target);
      }
    }
  }
  return out;
}

/**
 * Root modules: the folders no other folder calls as a local module. Folders only reachable through a cycle of
 * calls (which Terraform refuses) are roots too, so that nothing is left unread.
 */
export function rootFolders(world: TfWorld): string[] {
  const called = new Set<string>();
  const calls = new Map<string, string[]>();
  for (const f of world.folders.values()) {
    const c = calledFolders(f).filter((x) => world.folders.has(x));
    calls.set(f.path, c);
    for (const x of c) called.add(x);
  }
  const roots = [...world.folders.keys()].filter((p) => !called.has(p)).sort();
  const reached = new Set<string>();
  const visit = (p: string) => {
    if (reached.has(p)) return;
    reached.add(p);
    for (const x of calls.get(p) ?? []) visit(x);
  };
  roots.forEach(visit);
  for (const p of [...world.folders.keys()].sort()) {
    if (!reached.has(p)) {
      roots.push(p);
      visit(p);
    }
  }
  return roots;
}
