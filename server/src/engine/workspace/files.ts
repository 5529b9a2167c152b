/**
 * One file of the workspace, for one text: its kind (`util/file-kinds.ts`), what was read from it (the manifest's
 * documents, the rule-source modules' memos) and its line index. A new text is a new entry, so nothing read from
 * an old text survives it.
 */
import { claimedBySource } from '../sources/registry';
import type { SourceFile } from '../sources/source-module';
import { LineIndex } from '../text/line-index';
import { sharedWithManifests, type FileKind } from '../util/file-kinds';
import type { ParsedManifest } from './types';

export class FileEntry implements SourceFile {
  /** its documents and objects, when it is read as a manifest (`ManifestReader`) */
  manifest?: ParsedManifest;
  private lines?: LineIndex;
  private memos?: Map<string, { depends: string | undefined; value: unknown }>;

  constructor(readonly path: string, readonly text: string, readonly kind: FileKind) {}

  memo<T>(key: string, compute: () => T, depends?: string): T {
    const hit = this.memos?.get(key);
    if (hit && hit.depends === depends) return hit.value as T;
    const value = compute();
    (this.memos ??= new Map()).set(key, { depends, value });
    return value;
  }

  /** Read as a manifest: a YAML file, or a file of a kind manifests share (JSON) that no rule source claims. */
  isManifest(): boolean {
    return this.kind === 'manifest' || (sharedWithManifests(this.kind) && !claimedBySource(this));
  }

  /** Its line index, built when first asked for. */
  lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.text));
  }
}
