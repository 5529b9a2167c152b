/**
 * The workspace: every file the host hands in (by workspace-relative path and text), parsed once per text,
 * classified, and analysed as a whole. This is the engine's entry point for the CLI and the language server
 * alike; it takes text and returns plain data.
 *
 * A front door over its parts (`workspace/`): the files and what changed since the last analysis are kept here;
 * `ManifestReader` parses manifests document by document, `SourcePhaseCache` reads the config and the rule sources
 * (the modules of `sources/registry.ts`) and builds the rule layers (`layers.ts`), `IncrementalAnalysis` works out
 * the findings again where something changed.
 */
import type { Code } from './findings/codes';
import { LineIndex } from './text/line-index';
import { classify, sharedWithManifests } from './util/file-kinds';
import { isChartArchive } from './util/load-policy';
import { Archives } from './workspace/archives';
import { FileEntry } from './workspace/files';
import type { SourceFile } from './sources/source-module';
import { IncrementalAnalysis } from './workspace/incremental';
import type { SkippedFile } from './workspace/layers';
import { ManifestReader } from './workspace/manifests';
import { ChartPhase } from './workspace/charts';
import { OverlayPhase } from './workspace/overlays';
import { mergeAnalysis } from './workspace/merge';
import { SourcePhaseCache } from './workspace/source-phase';
import { applyChanges, type ChangedRange, type TextChange } from './workspace/text-change';
import { yamlReadsAhead, type ReadAhead } from './workspace/reads-ahead';
import { emptyStats, type Analysis, type ParsedManifest, type WorkspaceOptions, type WorkspaceStats } from './workspace/types';

export { classify, type FileKind } from './util/file-kinds';
export type { ChangedRange, TextChange } from './workspace/text-change';
export type { Analysis, ServiceAnalysis, WorkspaceOptions, WorkspaceStats } from './workspace/types';

export class Workspace {
  private readonly files = new Map<string, FileEntry>();
  /** the bytes of chart archives (`charts/*.tgz`): only the chart phase reads them */
  private readonly archives = new Archives();
  private readonly skipped = new Map<string, SkippedFile>();
  private cached: Analysis | undefined;
  /** the paths in workspace order, and each one's place (undefined after a file came or went) */
  private order: { paths: string[]; rank: Map<string, number> } | undefined;
  /** files whose text changed since the last analysis (a file that came or went resets `order` instead) */
  private readonly dirty = new Set<string>();
  /** bumped when a file other than a manifest changes, or a file comes, goes or is skipped */
  private sourcesVersion = 0;
  /** a YAML rule source changed since the last analysis: every file is walked (see `setFile`) */
  private walkAll = false;
  private readonly counters: WorkspaceStats = emptyStats();
  private readonly manifests = new ManifestReader(this.counters);
  private readonly sourcePhase = new SourcePhaseCache();
  private readonly incremental = new IncrementalAnalysis(this.manifests, this.counters);
  private readonly overlays = new OverlayPhase(this.manifests, this.counters);
  private readonly charts = new ChartPhase(this.counters);

  constructor(private readonly options: WorkspaceOptions = {}) {}

  /**
   * A file's whole text (a file read from disk, or an editor's document). An edit of a file the workspace holds
   * costs what it changes, however the text came — the same as `editFile`: the manifest's pieces whose text is
   * unchanged are kept, and so is the line index, from the range that changed (`changed`, if the host knows it).
   */
  setFile(path: string, text: string, changed?: ChangedRange): void {
    if (this.skipped.delete(path)) { this.cached = undefined; this.sourcesVersion++; }
    if (this.archives.delete(path)) { this.cached = undefined; this.order = undefined; }
    const prev = this.files.get(path);
    if (prev && prev.text === text) return;
    const kind = classify(path, this.options.configPath);
    const entry = new FileEntry(path, text, kind, prev, changed);
    this.files.set(path, entry);
    this.dirty.add(path);
    if (!prev) this.order = undefined;
    // a YAML file that is (or was) cloud-init or Ansible is a rule source: the sources are read again, and every
    // file walked (it may turn from a manifest into a rule source or back)
    const yamlSource = kind === 'manifest' && (entry.maySource() || !!prev?.maySource());
    if (yamlSource) this.walkAll = true;
    if (!prev || kind !== 'manifest' || yamlSource) this.sourcesVersion++;
    this.cached = undefined;
  }

  /**
   * Edits a file the workspace holds by ranges (applied in order, each to the text the ones before it left, as
   * LSP applies a `didChange`); false when it holds no such file. The same as `setFile` with the edited text.
   */
  editFile(path: string, changes: readonly TextChange[]): boolean {
    const f = this.files.get(path);
    if (!f) return false;
    this.setFile(path, applyChanges(f.text, changes));
    return true;
  }

  /**
   * A chart's packed dependency (`charts/NAME.tgz`, `isChartArchive`; else not held: false), unpacked with the host's
   * gunzip (`initEngine`); its chart renders again when the bytes change or it comes or goes. The array is kept as given.
   */
  setBytes(path: string, bytes: Uint8Array): boolean {
    if (!isChartArchive(path)) return false;
    if (this.files.delete(path) || this.skipped.delete(path)) { this.forget(path); this.sourcesVersion++; this.cached = undefined; }
    const held = this.archives.set(path, bytes);
    if (held === 'added') this.order = undefined;
    if (held !== 'same') this.cached = undefined;
    return true;
  }

  /** The bytes held for a chart archive (`setBytes`), else undefined. */
  getBytes(path: string): Uint8Array | undefined {
    return this.archives.get(path)?.bytes;
  }

  /** The paths of the chart archives held (`setBytes`), sorted; `paths()` lists the text files. */
  archivePaths(): string[] {
    return this.archives.paths();
  }

  removeFile(path: string): void {
    if (this.archives.delete(path)) { this.cached = undefined; this.order = undefined; }
    const had = this.files.delete(path);
    if (had || this.skipped.delete(path)) {
      this.cached = undefined;
      this.sourcesVersion++;
    }
    if (had) this.forget(path);
  }

  /**
   * The host did not read this file (too large, …): the analysis reports it at the file's start. A path with
   * code `config-path-outside-workspace` (a symbolic link, or a linked folder, that leads out of the workspace;
   * `message` says where, e.g. "a link to /etc/x") is not reported at the path itself, but where the config
   * names it (or a file under it).
   */
  skipFile(path: string, code: Code, message: string): void {
    if (this.archives.delete(path)) this.order = undefined;
    if (this.files.delete(path)) this.forget(path);
    this.skipped.set(path, { code, message });
    this.cached = undefined;
    this.sourcesVersion++;
  }

  /** A file left the workspace: nothing of its documents is kept (and nothing said about them can be moved). */
  private forget(path: string): void {
    this.order = undefined;
    this.manifests.forget(path);
  }

  /** How much work the analyses did so far (for tests and the benchmark; see `WorkspaceStats`). */
  get stats(): WorkspaceStats { return { ...this.counters }; }

  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  getText(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  /**
   * The line index of a file's text, worked out once per text (hover, the CLI's formats: line numbers of related
   * files). After an edit it is the index of the text before, moved past the range that changed — found by
   * comparing the texts, so a whole new text costs what the edit by ranges costs — not built again.
   */
  lineIndex(path: string): LineIndex {
    return this.files.get(path)?.lineIndex(() => this.counters.lineIndexesBuilt++) ?? new LineIndex('');
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /**
   * A file as the rule-source modules see it, after an analysis (so their readings of it are current): the fixes
   * edit from those readings (`fixes/readings.ts`) and never parse a file again. undefined for a file not held.
   */
  sourceFile(path: string): SourceFile | undefined {
    const f = this.files.get(path);
    if (!f) return undefined;
    this.analyze();
    return f;
  }

  /** The parsed YAML documents and Kubernetes objects of a manifest file (cached by text). */
  manifest(path: string): ParsedManifest | undefined {
    const f = this.files.get(path);
    return f?.isManifest() ? this.manifests.parsed(f) : undefined;
  }

  /** A manifest's documents around an offset, without the cost of the whole file (`ManifestReader.documentsAround`). */
  documentsAround(path: string, offset: number): ParsedManifest['documents'] | undefined {
    const f = this.files.get(path);
    return f?.isManifest() ? this.manifests.documentsAround(f, offset) : undefined;
  }

  /** What the next analysis reads first, done now (`ManifestReader.prepareAll`: `documents` trees moved at most). */
  prepare(documents = Infinity): boolean {
    return this.manifests.prepareAll(this.edited(), documents, (p) => this.lineIndex(p));
  }

  /** The files edited since the last analysis. */
  private edited(): FileEntry[] { return [...this.dirty].flatMap((p) => this.files.get(p) ?? []); }

  /** The YAML texts the next analysis will read, for a host that parses them ahead (`workspace/reads-ahead.ts`). */
  yamlReadsAhead(): ReadAhead[] { return yamlReadsAhead(this.sorted().paths, (p) => this.files.get(p)); }

  analyze(): Analysis {
    if (!this.cached) {
      const started = performance.now();
      this.cached = this.run();
      this.counters.lastAnalysisMs = performance.now() - started;
    }
    return this.cached;
  }

  private sorted(): { paths: string[]; rank: Map<string, number> } {
    if (!this.order) {
      const paths = [...this.files.keys()].sort();
      this.order = { paths, rank: new Map(paths.map((p, i) => [p, i])) };
    }
    return this.order;
  }

  private run(): Analysis {
    // files came or went (or files that may be manifests or rule sources, JSON, changed): every file is looked
    // at; else only those whose text changed
    const walk = this.order === undefined || this.walkAll || [...this.dirty].some((p) => sharedWithManifests(this.files.get(p)?.kind ?? 'other'));
    this.walkAll = false;
    let entries: FileEntry[] | undefined;
    const entriesOf = () => (entries ??= this.sorted().paths.map((p) => this.files.get(p)!));
    const sources = this.sourcePhase.get(this.sourcesVersion, entriesOf, { hasFile: (p) => this.files.has(p), skipped: this.skipped });
    // Kustomize overlays: built where a file they read changed; the files they use as patches or bases are
    // analysed through them (those whose standing changed are looked at again)
    const overlays = this.overlays.prepare(this.sorted().paths, (p) => this.files.get(p), this.order === undefined || walk, [...this.dirty]);
    for (const p of overlays.flipped) if (this.files.has(p)) this.dirty.add(p);
    // Helm charts: rendered where a file they read (or their settings) changed; the templates of a chart that
    // renders are analysed through the render
    const charts = this.charts.prepare(this.archives.withPaths(this.sorted().paths), (p) => this.files.get(p), (p) => this.archives.get(p), this.order === undefined || walk, [...this.dirty], sources.config);
    for (const p of charts.flipped) if (this.files.has(p)) this.dirty.add(p);
    const edited = this.edited();
    this.dirty.clear();
    const analysis = this.incremental.run({
      sources, entries: entriesOf, walk, edited,
      pathRank: (p) => this.sorted().rank.get(p) ?? 0,
      lineIndex: (p) => this.lineIndex(p),
      overlays: {
        excluded: charts.excluded.size === 0 ? overlays.excluded : new Set([...overlays.excluded, ...charts.excluded]),
        ociServices: overlays.ociServices || charts.ociServices,
      },
      rendered: charts.excluded,
    });
    return mergeAnalysis(analysis, this.overlays.check(analysis), this.charts.check(analysis), this.files.values(), this.manifests);
  }
}
