/**
 * The manifests' parse caches: per path a `YamlFile` (documents parsed one at a time and kept while their text
 * does not change, moved in place when it moves), per document its objects, per object its Service or workload
 * model — each worked out once and kept with its identity, which the incremental analysis relies on (a Service
 * that is the same object was not edited). Every parse's moves are kept until the next analysis takes them.
 * A reader of one place (`documentsAround`: completion) gets the documents there without the trees of the rest of
 * the file being moved; `parsed` moves them all before anything derived from them is read.
 */
import { finding, type Finding } from '../findings/finding';
import { YamlFile, isTemplateText, type DocumentMove, type YamlParseOptions, type YDocument } from '../parse/yaml';
import { objectsOf, isService, workloadOf, type K8sObject, type Workload } from '../k8s/manifests';
import { serviceOf, type ServiceModel } from '../k8s/service';
import type { FileEntry } from './files';
import type { ParsedManifest, WorkspaceStats } from './types';

/**
 * How a manifest's text is read: as a template when it holds template syntax (worked out once per text), and
 * kinds whose body no analysis reads (CustomResourceDefinitions) kept as their header. What a host parses ahead
 * for the manifests (`reads-ahead.ts`) is read with these options too.
 */
export function manifestReadOptions(f: FileEntry): YamlParseOptions {
  return { template: f.memo('manifest-template', () => isTemplateText(f.text, (w) => f.words.has(w))), headersOnly: true };
}

export class ManifestReader {
  /** per manifest path: its documents, parsed one at a time and kept while their text does not change */
  private readonly yamlFiles = new Map<string, YamlFile>();
  /** per manifest path: what each parse since the last analysis kept of the one before ([] = nothing) */
  private readonly pendingMoves = new Map<string, DocumentMove[][]>();
  private readonly objectsByDocument = new WeakMap<YDocument, { index: number; objects: K8sObject[] }>();
  private readonly derivedByObject = new WeakMap<K8sObject, { service?: ServiceModel; workload?: Workload }>();
  private readonly findingsOf = new WeakMap<ParsedManifest, Finding[]>();
  /** the entries whose text the path's `YamlFile` read (and whose moves are pending) */
  private readonly read = new WeakSet<FileEntry>();

  constructor(private readonly counters: WorkspaceStats) {}

  /** The documents and objects of a manifest's text (parsed once per text; kept on the entry). */
  parsed(f: FileEntry): ParsedManifest {
    if (!f.manifest) {
      const parsed = this.moving(this.readText(f), (yaml) => yaml.result());
      const objects: K8sObject[] = [];
      for (const d of parsed.documents) for (const o of this.objectsIn(f.path, d)) objects.push(o);
      f.manifest = { documents: parsed.documents, objects, problems: parsed.problems, template: manifestReadOptions(f).template! };
    }
    return f.manifest;
  }

  /**
   * The documents of a manifest's text around `offset` (`YamlFile.documentsAround`: the one that holds it, the
   * next one, and those between): read without moving the trees of the rest of the file.
   */
  documentsAround(f: FileEntry, offset: number): YDocument[] {
    if (f.manifest) return f.manifest.documents;
    return this.moving(this.readText(f), (yaml) => yaml.documentsAround(offset));
  }

  /**
   * Read a manifest before the analysis asks, moving at most `limit` documents' trees (its objects once all are
   * moved); true when it is read.
   */
  prepare(f: FileEntry, limit: number): boolean {
    if (f.manifest) return true;
    const done = this.moving(this.readText(f), (yaml) => yaml.settleSome(limit));
    if (done) this.parsed(f);
    return done;
  }

  /**
   * What the analysis reads first, read before it asks: the entries' line indexes where an earlier text had one (moved past the change,
   * not built), then their manifests, moving at most `limit` documents' trees in all; true when every one is read.
   */
  prepareAll(entries: readonly FileEntry[], limit: number, lineIndex: (path: string) => unknown): boolean {
    let left = limit;
    for (const f of entries) {
      if (f.hasEarlierLineIndex()) lineIndex(f.path);
      if (!f.isManifest()) continue;
      const before = this.counters.yamlDocumentsMoved;
      const done = this.prepare(f, left);
      left -= this.counters.yamlDocumentsMoved - before;
      if (!done) return false;
    }
    return true;
  }

  /** A read of the file's trees, the pieces whose tree it moved counted (`yamlDocumentsMoved`). */
  private moving<T>(yaml: YamlFile, read: (yaml: YamlFile) => T): T {
    const before = yaml.stats.piecesMoved;
    const out = read(yaml);
    this.counters.yamlDocumentsMoved += yaml.stats.piecesMoved - before;
    return out;
  }

  /** The path's `YamlFile`, having read the entry's text (once per entry: its moves are pending from then on). */
  private readText(f: FileEntry): YamlFile {
    let yaml = this.yamlFiles.get(f.path);
    if (!yaml) this.yamlFiles.set(f.path, (yaml = new YamlFile()));
    if (!this.read.has(f)) {
      this.read.add(f);
      const before = { ...yaml.stats };
      yaml.update(f.text, manifestReadOptions(f), (b) => f.changedSince(b));
      this.counters.yamlDocumentsParsed += yaml.stats.piecesParsed - before.piecesParsed;
      this.counters.yamlWholeFileParses += yaml.stats.wholeFile - before.wholeFile;
      const moves = this.pendingMoves.get(f.path) ?? [];
      moves.push(yaml.moves);
      this.pendingMoves.set(f.path, moves);
    }
    return yaml;
  }

  /** A file left the workspace: nothing of its documents is kept (and nothing said about them can be moved). */
  forget(path: string): void {
    this.yamlFiles.delete(path);
    this.pendingMoves.set(path, [[]]);
  }

  /** The moves of every manifest parsed since the last analysis (taken: the next analysis starts from here). */
  takeMoves(): Map<string, DocumentMove[][]> {
    const out = new Map(this.pendingMoves);
    this.pendingMoves.clear();
    return out;
  }

  /**
   * The objects of one document, worked out once per document: a document that moved keeps its tree (moved in
   * place, see YamlFile), and so its objects, Services and workloads, which hold the tree's spans by reference;
   * when it was renumbered (a document came or went before it), its objects take the new number.
   */
  private objectsIn(path: string, doc: YDocument): K8sObject[] {
    const cached = this.objectsByDocument.get(doc);
    if (cached) {
      if (cached.index !== doc.index) {
        const before = `${path}#${cached.index}`;
        for (const o of cached.objects) {
          o.id = `${path}#${doc.index}${o.id.slice(before.length)}`;
          o.docIndex = doc.index;
        }
        cached.index = doc.index;
      }
      return cached.objects;
    }
    const objects = objectsOf(path, [doc]);
    this.objectsByDocument.set(doc, { index: doc.index, objects });
    return objects;
  }

  /** An object's Service or workload model (once per object). */
  derived(o: K8sObject): { service?: ServiceModel; workload?: Workload } {
    let d = this.derivedByObject.get(o);
    if (!d) {
      d = isService(o) ? { service: serviceOf(o) } : { workload: workloadOf(o) };
      this.derivedByObject.set(o, d);
    }
    return d;
  }

  /** A manifest's syntax problem and limits hit, as findings (once per parse). */
  findings(f: FileEntry, m: ParsedManifest): Finding[] {
    let out = this.findingsOf.get(m);
    if (!out) {
      out = [];
      const syntax = !m.template && m.objects.length > 0 && f.kind === 'manifest';
      const first = m.problems.find((p) => !p.limit);
      if (first && syntax) out.push(finding('yaml-syntax', f.path, first.span, first.message));
      for (const p of m.problems) if (p.limit) out.push(finding('input-too-complex', f.path, p.span, p.message));
      this.findingsOf.set(m, out);
    }
    return out;
  }
}
