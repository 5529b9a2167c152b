/**
 * The bytes of a workspace's chart archives (`charts/*.tgz`, `Workspace.setBytes`), apart from its text files:
 * only the chart phase reads them. New bytes are a new entry, so a chart whose render read the archive sees that
 * it changed; the same bytes again keep the entry.
 */

export class ArchiveEntry {
  constructor(readonly path: string, readonly bytes: Uint8Array) {}
}

export class Archives {
  private readonly held = new Map<string, ArchiveEntry>();
  /** the last `withPaths` answer, for the text files' paths it was asked with (undefined after an archive came or went) */
  private merged: { of: readonly string[]; paths: readonly string[] } | undefined;

  /** The text files' paths (sorted) and the archives', sorted: the paths the chart phase sees. */
  withPaths(paths: readonly string[]): readonly string[] {
    if (this.held.size === 0) return paths;
    if (this.merged?.of !== paths) this.merged = { of: paths, paths: [...paths, ...this.held.keys()].sort() };
    return this.merged.paths;
  }

  get(path: string): ArchiveEntry | undefined {
    return this.held.get(path);
  }

  /** Holds the bytes: `same` (nothing changed), `changed` (new bytes) or `added` (a new path). */
  set(path: string, bytes: Uint8Array): 'same' | 'changed' | 'added' {
    const prev = this.held.get(path);
    if (prev && sameBytes(prev.bytes, bytes)) return 'same';
    this.held.set(path, new ArchiveEntry(path, bytes));
    if (!prev) this.merged = undefined;
    return prev ? 'changed' : 'added';
  }

  delete(path: string): boolean {
    if (!this.held.delete(path)) return false;
    this.merged = undefined;
    return true;
  }

  paths(): string[] {
    return [...this.held.keys()].sort();
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
