/**
 * One workspace folder as the server holds it: the engine's Workspace (every manifest and rule source, from
 * open documents and from disk), where its files are, and what diagnostics were last published for it.
 */
import * as fs from 'node:fs';
import { lstat } from 'node:fs/promises';
import * as path from 'node:path';
import { URI } from 'vscode-uri';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { Workspace, type Span } from '../engine';
import { isCandidate, isChartArchive, inSkippedDirectory, skipsDirectory } from '../engine/util/load-policy';
import { normaliseWorkspacePath } from '../engine/util/paths';
import { CONFIG_FILE_NAMES } from '../engine/util/file-kinds';
import { globFilter, NO_EXCLUDE, type PathFilter } from '../engine/util/glob';
import { readConfig } from '../engine/config/config';
import { Positions } from './convert';
import { linkedFolderOutside, readUnderPolicy, toRelative, walkCandidates, type OutsideLinks } from './files';

export interface FolderSettings {
  maxFileSize: number;
  /** workspace-relative config path, or '' for the default `.service-reach.yaml` */
  configPath: string;
}

export type FolderEvent = 'changed' | 'unchanged';

export class Folder {
  ws: Workspace;
  positions: Positions;
  readonly realRoot: string;
  /** workspace-relative path → the diagnostics last published for it (as JSON) */
  readonly published = new Map<string, string>();
  indexed = false;
  /** files with open editors: their text comes from the client, not from disk */
  readonly open = new Set<string>();
  configPath: string | undefined;
  /** links (to files or folders) that lead out of the workspace: never read, reported to the engine with `skipFile` */
  private readonly outsideLinks = new Set<string>();
  /** the config's `exclude` globs (docs/configuration.md): files they name are kept out of the workspace */
  excluded: PathFilter = NO_EXCLUDE;
  private excludeKey = '[]';

  constructor(
    readonly uri: string,
    readonly root: string,
    /** a folder made up for files opened outside every workspace folder: never walked */
    readonly loose: boolean,
    private settings: FolderSettings,
    private readonly log: (message: string) => void,
    /** the editor's document of a URI, when it is open */
    private readonly documentOf: (uri: string) => TextDocument | undefined = () => undefined,
  ) {
    let real = root;
    try { real = fs.realpathSync(root); } catch { /* a folder that is gone: nothing inside it is read */ }
    this.realRoot = real;
    this.configPath = this.configPathOf(settings);
    this.ws = new Workspace({ configPath: this.configPath });
    this.positions = this.makePositions();
  }

  private makePositions(): Positions {
    return new Positions((p) => this.ws.getText(p), (p) => (this.ws.hasFile(p) ? this.ws.lineIndex(p) : undefined));
  }

  private configPathOf(settings: FolderSettings): string | undefined {
    if (!settings.configPath) return undefined;
    const rel = path.isAbsolute(settings.configPath) ? toRelative(this.root, settings.configPath) : normaliseWorkspacePath(settings.configPath);
    if (!rel) {
      this.log(`serviceReach.configPath "${settings.configPath}" is not inside ${this.root}; using .service-reach.yaml`);
      return undefined;
    }
    return rel;
  }

  /** New settings: the workspace is rebuilt when they change what is read. */
  needsReindex(settings: FolderSettings): boolean {
    return settings.maxFileSize !== this.settings.maxFileSize || this.configPathOf(settings) !== this.configPath;
  }

  /** The texts the workspace holds of the files open in editors (what a `reset` keeps). */
  openTexts(): Map<string, string> {
    const open = new Map<string, string>();
    for (const rel of this.open) { const t = this.ws.getText(rel); if (t !== undefined) open.set(rel, t); }
    return open;
  }

  reset(settings: FolderSettings, openTexts: Map<string, string>): void {
    this.settings = settings;
    this.configPath = this.configPathOf(settings);
    this.ws = new Workspace({ configPath: this.configPath });
    this.positions = this.makePositions();
    this.indexed = false;
    this.outsideLinks.clear();
    this.excluded = NO_EXCLUDE;
    this.excludeKey = '[]';
    for (const [rel, text] of openTexts) this.ws.setFile(rel, text);
  }

  /** `abs` (a path) is strictly inside this folder. */
  contains(abs: string): boolean {
    const rel = path.relative(this.root, abs);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
  }

  relOf(uri: string): string | undefined {
    let parsed: URI;
    try { parsed = URI.parse(uri); } catch { return undefined; }
    if (parsed.scheme !== 'file') return undefined;
    return toRelative(this.root, parsed.fsPath);
  }

  uriOf(rel: string): string {
    return URI.file(path.join(this.root, ...rel.split('/'))).toString();
  }

  /** Walk the folder and read every candidate file; `progress` is told how many were read. */
  async index(progress: (read: number) => void, cancelled: () => boolean): Promise<void> {
    if (this.loose) { this.indexed = true; return; }
    // the config first: what its `exclude` names is never read
    for (const name of this.configPath ? [this.configPath] : CONFIG_FILE_NAMES) await this.load(name);
    this.refreshExclude();
    let n = 0;
    for await (const rel of walkCandidates(this.root, this.root, this.configPath, this.outside(), this.excluded)) {
      if (cancelled()) return;
      await this.load(rel);
      if (++n % 25 === 0) progress(n);
    }
    // a config file given by path is read even when its name is not a candidate
    if (this.configPath && !this.ws.hasFile(this.configPath)) await this.load(this.configPath);
    progress(n);
    this.indexed = true;
  }

  /** (Re-)read one file from disk under the policy; open files keep their editor text. */
  async load(rel: string): Promise<FolderEvent> {
    // a loose folder holds only the documents open in it and reads nothing from disk (a file event for its folder,
    // /tmp say, would otherwise walk it, and whatever workspace folder lies below it, a second time)
    if (this.loose || this.open.has(rel) || inSkippedDirectory(rel)) return 'unchanged';
    const archive = isChartArchive(rel);
    if (this.isExcluded(rel)) {
      if (!this.ws.hasFile(rel) && this.ws.getBytes(rel) === undefined) return 'unchanged';
      this.ws.removeFile(rel);
      return 'changed';
    }
    if (!(isCandidate(rel, this.configPath) || rel === this.configPath || archive)) {
      // not a file we read; a folder that appeared is walked (a linked one that leads out is refused)
      const target = await linkedFolderOutside(this.realRoot, path.join(this.root, ...rel.split('/')));
      if (target) { this.linkedOut(rel, target); return 'changed'; }
      if (skipsDirectory(path.posix.basename(rel)) || !(await isDirectory(path.join(this.root, ...rel.split('/'))))) return 'unchanged';
      return (await this.loadDirectory(rel)) ? 'changed' : 'unchanged';
    }
    const before = this.ws.getText(rel);
    const beforeBytes = this.ws.getBytes(rel);
    const r = await readUnderPolicy(this.realRoot, path.join(this.root, ...rel.split('/')), this.settings.maxFileSize, archive);
    if (this.open.has(rel)) return 'unchanged'; // opened while we were reading
    const wasOutside = this.outsideLinks.delete(rel);
    switch (r.kind) {
      case 'text':
        this.ws.setFile(rel, r.text);
        if (before !== r.text && this.isConfig(rel) && this.indexed && this.refreshExclude()) await this.applyExclude();
        return before === r.text ? 'unchanged' : 'changed';
      case 'bytes': {
        // a chart's packed dependency: the chart that holds it is rendered again when its bytes changed
        this.ws.setBytes(rel, r.bytes);
        return beforeBytes !== undefined && beforeBytes === this.ws.getBytes(rel) ? 'unchanged' : 'changed';
      }
      case 'missing': {
        const had = before !== undefined || beforeBytes !== undefined || this.published.has(rel) || wasOutside;
        this.ws.removeFile(rel);
        return had ? 'changed' : 'unchanged';
      }
      case 'directory': {
        // a file replaced by a folder of the same name: the file is gone
        const had = before !== undefined || beforeBytes !== undefined || this.published.has(rel) || wasOutside;
        this.ws.removeFile(rel);
        return (await this.loadDirectory(rel)) || had ? 'changed' : 'unchanged';
      }
      case 'skipped':
        if (r.reason === 'too-large') this.ws.skipFile(rel, 'file-too-large', `${rel} was skipped: ${r.detail}.`);
        else if (r.reason === 'outside') this.linkedOut(rel, r.target ?? 'outside');
        else {
          this.ws.removeFile(rel);
          if (r.reason !== 'binary') this.log(`skipped ${rel}: ${r.detail}`);
        }
        return 'changed';
    }
  }

  /** The config file (the one configured, else `.service-reach.yaml` or `.yml`). */
  isConfig(rel: string): boolean {
    return this.configPath ? rel === this.configPath : CONFIG_FILE_NAMES.includes(rel);
  }

  /** A file the config's `exclude` keeps out (never the config itself). */
  isExcluded(rel: string): boolean {
    return !this.isConfig(rel) && this.excluded(rel);
  }

  /** The `exclude` globs as the config held now says them; true when they changed. */
  refreshExclude(): boolean {
    const configRel = (this.configPath ? [this.configPath] : CONFIG_FILE_NAMES).find((p) => this.ws.hasFile(p));
    const text = configRel ? this.ws.getText(configRel) : undefined;
    const globs = configRel && text !== undefined ? readConfig(configRel, text).config.exclude ?? [] : [];
    const key = JSON.stringify(globs);
    if (key === this.excludeKey) return false;
    this.excludeKey = key;
    this.excluded = globFilter(globs);
    return true;
  }

  /** The `exclude` globs changed: what they name now leaves the workspace, what they no longer name is read. */
  async applyExclude(): Promise<void> {
    for (const p of [...this.ws.paths(), ...this.ws.archivePaths()]) if (this.isExcluded(p)) this.ws.removeFile(p);
    await this.loadDirectory('');
  }

  /** A folder appeared (created, moved in): read what is below it. */
  async loadDirectory(rel: string): Promise<boolean> {
    let changed = false;
    for await (const f of walkCandidates(this.root, path.join(this.root, ...rel.split('/')), this.configPath, this.outside(), this.excluded)) {
      if ((await this.load(f)) === 'changed') changed = true;
    }
    return changed;
  }

  /** A path was deleted: a file, or a folder with files below it. */
  removed(rel: string): boolean {
    if (this.open.has(rel)) return false;
    let changed = false;
    if (this.ws.hasFile(rel) || this.ws.getBytes(rel) !== undefined || this.published.has(rel) || this.outsideLinks.delete(rel)) { this.ws.removeFile(rel); changed = true; }
    const prefix = rel + '/';
    for (const p of [...this.ws.paths(), ...this.ws.archivePaths()]) {
      if (p.startsWith(prefix) && !this.open.has(p)) { this.ws.removeFile(p); changed = true; }
    }
    for (const p of this.outsideLinks) {
      if (p.startsWith(prefix)) { this.outsideLinks.delete(p); this.ws.removeFile(p); changed = true; }
    }
    return changed;
  }

  private outside(): OutsideLinks {
    return { realRoot: this.realRoot, found: (rel, target) => this.linkedOut(rel, target) };
  }

  /**
   * A link (to a file or a folder) that leads out of the workspace: never read; where the config names it (or a
   * file below it) the engine reports `config-path-outside-workspace` — the CLI's policy (cli/main.ts), same words.
   */
  private linkedOut(rel: string, target: string): void {
    this.outsideLinks.add(rel);
    this.ws.skipFile(rel, 'config-path-outside-workspace', `a symbolic link to ${target}`);
    this.log(`skipped ${rel}: is a link to ${target}, outside the workspace`);
  }
}

async function isDirectory(abs: string): Promise<boolean> {
  try {
    return (await lstat(abs)).isDirectory(); // a linked folder is never followed
  } catch {
    return false;
  }
}
