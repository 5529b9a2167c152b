/**
 * One file of the workspace, for one text: its kind (`util/file-kinds.ts`), what was read from it (the manifest's
 * documents, the rule-source modules' memos) and its line index. A new text is a new entry, so nothing read from
 * an old text survives it — except the line index, which is moved past the change.
 */
import { claimedBySource } from '../sources/registry';
import type { SourceFile } from '../sources/source-module';
import { LineIndex } from '../text/line-index';
import { sharedWithManifests, yamlMayBeRuleSource, type FileKind } from '../util/file-kinds';
import { changedRange, fitsTexts, type ChangedRange } from './text-change';
import { WordSearch } from './word-search';
import type { ParsedManifest } from './types';

export class FileEntry implements SourceFile {
  /** its documents and objects, when it is read as a manifest (`ManifestReader`) */
  manifest?: ParsedManifest;
  private lines?: LineIndex;
  /** an earlier text of the file and its line index, to make this text's index from (only the text, no chain of entries) */
  private before?: { text: string; lines: LineIndex };
  private memos?: Map<string, { depends: string | undefined; value: unknown }>;
  /** the words its text holds, carried from the file's earlier text past the range that changed */
  readonly words: WordSearch;

  /**
   * `previous`: the entry of the file's text before this one, if any; `changed`: where this text differs from
   * the previous one, when the host knew it (else, or when it does not fit the texts, they are compared when asked).
   */
  constructor(readonly path: string, readonly text: string, readonly kind: FileKind, previous?: FileEntry, changed?: ChangedRange) {
    if (previous && changed && fitsTexts(previous.text, text, changed)) this.change = { before: previous.text, range: changed };
    this.before = previous?.lines ? { text: previous.text, lines: previous.lines } : previous?.before;
    this.words = new WordSearch(text, previous?.words, (before) => this.changedSince(before));
  }

  memo<T>(key: string, compute: () => T, depends?: string): T {
    const hit = this.memos?.get(key);
    if (hit && hit.depends === depends) return hit.value as T;
    const value = compute();
    (this.memos ??= new Map()).set(key, { depends, value });
    return value;
  }

  /** What `memo` keeps under `key` for this text, without working anything out (undefined: nothing yet). */
  peek<T>(key: string): T | undefined {
    return this.memos?.get(key)?.value as T | undefined;
  }

  /**
   * Read as a manifest: a YAML file that no rule source claims (cloud-init, Ansible), or a file of a kind
   * manifests share (JSON) that no rule source claims.
   */
  isManifest(): boolean {
    if (this.kind === 'manifest') return !this.maySource() || !claimedBySource(this);
    return sharedWithManifests(this.kind) && !claimedBySource(this);
  }

  /** A YAML text that a rule source may read (`yamlMayBeRuleSource`): asked once per text. */
  maySource(): boolean {
    return this.kind === 'manifest' && (this.maybeSource ??= yamlMayBeRuleSource(this.path, this.text, (w) => this.words.has(w)));
  }

  private maybeSource?: boolean;

  /**
   * the range changed since an earlier text, kept for the last one asked (the line index, the word search and the
   * manifest's `YamlFile` ask for the same one)
   */
  private change?: { before: string; range: ChangedRange | undefined };

  /** Where this text differs from an earlier one (`changedRange`; undefined when they are equal). */
  changedSince(before: string): ChangedRange | undefined {
    if (this.change?.before !== before) this.change = { before, range: changedRange(before, this.text) };
    return this.change.range;
  }

  /** Its line index would be an earlier text's moved past the change (or is worked out already), not built. */
  hasEarlierLineIndex(): boolean {
    return this.lines !== undefined || this.before !== undefined;
  }

  /**
   * Its line index, worked out when first asked for: from the index of an earlier text, moved past the range
   * that changed (`changedRange`), else built from the whole text (`onBuild` is told).
   */
  lineIndex(onBuild?: () => void): LineIndex {
    if (!this.lines) {
      const before = this.before;
      this.before = undefined;
      const change = before && this.changedSince(before.text);
      if (before && change) this.lines = before.lines.edited(this.text, change.start, change.oldEnd, change.newEnd);
      else {
        onBuild?.();
        this.lines = new LineIndex(this.text);
      }
    }
    return this.lines;
  }
}
