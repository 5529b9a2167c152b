/**
 * `kustomize build` in process, for one kustomization: its resources (files, folders holding a kustomization,
 * built first), its components (their resources join, their patches and transformers apply to all), then its
 * patches and transformers in kustomize's order — strategic merge patches, `patches`, namespace, prefix and
 * suffix, labels, annotations, JSON 6902 patches, replicas — and, once, for the overlay, the name references.
 * Pure: it reads the texts the workspace hands in (`KustomizeFiles`), fetches nothing (a remote resource is
 * unknown: noted, left out) and never throws: a build that fails says why and where.
 */
import type { YDocument, YMap, YNode } from '../parse/yaml';
import { asMap, asSeq, getValue } from '../parse/yaml';
import { normaliseWorkspacePath, dirName } from '../util/paths';
import type { Span } from '../text/span';
import { applyImages } from './images';
import { inlineDocuments } from './inline';
import { jsonPatch } from './json-patch';
import { fieldSpecs, labelEntriesOf, patchEntryOf, readKustomization, type Entry, type Kustomization, type PatchEntry } from './kustomization';
import { fixNameReferences } from './name-references';
import { currentId, kindOf, namedBy, sameId, selects, groupVersion, apiVersionOf, type Resource } from './resource';
import { strategicMerge } from './strategic-merge';
import { applyAnnotations, applyLabels, applyNamespace, applyPrefixSuffix, applyReplicas } from './transformers';
import { Budget, BuildError, copyNode, Segments, type Origin } from './vtree';

/** The texts of the workspace, as the builder reads them. */
export interface KustomizeFiles {
  /** a file's text and YAML documents; undefined when the workspace holds no such file */
  read(path: string): { text: string; documents: readonly YDocument[]; syntaxError: boolean } | undefined;
}

/** The names kustomize looks for in a folder, in its order. */
export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface Note {
  message: string;
  at: Origin | undefined;
}

export interface BuildOutput {
  /** the kustomization file built */
  path: string;
  /** the built objects, in kustomize's output order (the order they were accumulated) */
  resources: Resource[];
  segments: Segments;
  /** every file the build read (a change to any of them builds it again) */
  files: Set<string>;
  /** the files it read objects from, and those it used as patches */
  resourceFiles: Set<string>;
  patchFiles: Set<string>;
  /** what it could not know (remote resources, fields it does not evaluate): the output may hold more */
  unknown: Note[];
  /** why it could not be built */
  error?: Note;
}

export const BUILD_LIMITS = { nodes: 200_000, depth: 32 };

export function kustomizationIn(dir: string, has: (path: string) => boolean): string | undefined {
  for (const name of KUSTOMIZATION_NAMES) {
    const p = dir === '' ? name : `${dir}/${name}`;
    if (has(p)) return p;
  }
  return undefined;
}

/** Is this entry of `resources` remote (a URL, a Git repository)? */
export function isRemote(entry: string): boolean {
  return /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(entry) || entry.startsWith('git@') || /^(github\.com|gitlab\.com|bitbucket\.org)\//.test(entry) || entry.includes('?ref=') || entry.includes('//');
}

export function build(path: string, files: KustomizeFiles, limits = BUILD_LIMITS): BuildOutput {
  const b = new Builder(files, limits);
  const out: BuildOutput = { path, resources: [], segments: b.segments, files: b.read, resourceFiles: b.resourceFiles, patchFiles: b.patchFiles, unknown: b.unknown };
  try {
    out.resources = b.kustomization(path, [], undefined);
    fixNameReferences(out.resources);
  } catch (e) {
    // a build never breaks the analysis: what is not a BuildError is a fault of the builder, reported as one
    out.resources = [];
    if (e instanceof BuildError) out.error = { message: e.message, at: e.at ? b.segments.origin(e.at) : undefined };
    else out.error = { message: `the builder failed (${e instanceof Error ? e.message : String(e)})`, at: undefined };
  }
  return out;
}

class Builder {
  readonly segments = new Segments();
  readonly read = new Set<string>();
  readonly resourceFiles = new Set<string>();
  readonly patchFiles = new Set<string>();
  readonly unknown: Note[] = [];
  private readonly budget: Budget;
  private readonly stack: string[] = [];

  constructor(private readonly files: KustomizeFiles, private readonly limits: typeof BUILD_LIMITS) {
    this.budget = new Budget(limits.nodes);
  }

  /** A file's documents copied into the build's offset space. */
  private load(path: string, at: Span | undefined): { nodes: YNode[]; text: string; start: number } {
    this.read.add(path);
    const f = this.files.read(path);
    if (!f) throw new BuildError(`\`${path}\` does not exist`, at);
    if (f.syntaxError) throw new BuildError(`\`${path}\` has a YAML syntax error`, at);
    const start = this.segments.start(path, f.text.length);
    const nodes: YNode[] = [];
    for (const d of f.documents) if (d.contents && !(d.contents.kind === 'scalar' && d.contents.value === null)) nodes.push(copyNode(d.contents, start, this.budget));
    return { nodes, text: f.text, start };
  }

  /** Builds a kustomization into `acc` (a component adds to its parent's resources; others start empty). */
  kustomization(path: string, acc: Resource[], at: Span | undefined): Resource[] {
    if (this.stack.includes(path)) throw new BuildError(`a cycle of kustomizations: ${[...this.stack, path].map((p) => `\`${p}\``).join(' → ')}`, at);
    if (this.stack.length >= this.limits.depth) throw new BuildError(`kustomizations nested deeper than ${this.limits.depth}`, at);
    this.stack.push(path);
    try {
      const { nodes, text, start } = this.load(path, at);
      const root = asMap(nodes[0] ?? null);
      if (!root) throw new BuildError(`\`${path}\` is not a kustomization (no map)`, at);
      const k = readKustomization(root);
      const dir = dirName(path);
      for (const u of k.unsupported) this.unknown.push({ message: `\`${u.name}\` is not evaluated: what it changes is unknown`, at: this.segments.origin(u.span) });
      for (const e of k.resources) this.resource(dir, e, acc);
      for (const e of k.components) {
        const sub = this.folder(dir, e, 'component');
        this.kustomization(sub, acc, e.span);
      }
      this.transform(k, acc, dir, text, start);
      return acc;
    } finally {
      this.stack.pop();
    }
  }

  private folder(dir: string, e: Entry, what: string): string {
    const p = this.resolve(dir, e);
    const k = kustomizationIn(p, (x) => this.files.read(x) !== undefined);
    if (!k) throw new BuildError(`${what} \`${e.value}\` is not a folder with a kustomization`, e.span);
    return k;
  }

  private resolve(dir: string, e: Entry): string {
    const p = normaliseWorkspacePath(dir === '' ? e.value : `${dir}/${e.value}`);
    if (p === null) throw new BuildError(`\`${e.value}\` is outside the workspace`, e.span);
    return p;
  }

  private resource(dir: string, e: Entry, acc: Resource[]): void {
    if (isRemote(e.value)) {
      this.unknown.push({ message: `the remote resource \`${e.value}\` is not fetched: what it adds is unknown`, at: this.segments.origin(e.span) });
      return;
    }
    const p = this.resolve(dir, e);
    const added: Resource[] = [];
    if (this.files.read(p) !== undefined && !KUSTOMIZATION_NAMES.some((n) => p === n || p.endsWith(`/${n}`))) {
      this.resourceFiles.add(p);
      for (const n of this.load(p, e.span).nodes) {
        const m = asMap(n);
        if (!m) throw new BuildError(`\`${p}\` holds a document that is not a map`, e.span);
        const items = asSeq(m.pairs.find((x) => x.name === 'items')?.value ?? null);
        const kind = kindOf({ root: m, previous: [], file: p });
        // a List's items are resources of their own (kustomize reads them so)
        const roots = kind?.endsWith('List') && items ? items.items.map(asMap).filter((x): x is YMap => !!x) : [m];
        for (const root of roots) {
          const r: Resource = { root, previous: [], file: p };
          if (!kindOf(r)) throw new BuildError(`\`${p}\` holds a document without \`kind\``, root.span);
          added.push(r);
        }
      }
    } else {
      const k = kustomizationIn(p, (x) => this.files.read(x) !== undefined);
      if (!k) throw new BuildError(`resource \`${e.value}\` does not exist (no such file, nor a folder with a kustomization)`, e.span);
      added.push(...this.kustomization(k, [], e.span));
    }
    for (const r of added) {
      const clash = acc.find((x) => kindOf(x) === kindOf(r) && groupVersion(apiVersionOf(x)).group === groupVersion(apiVersionOf(r)).group && sameId(currentId(x), currentId(r)));
      if (clash) throw new BuildError(`${kindOf(r)} \`${currentId(r).name ?? ''}\` is added twice (may not add resource with an already registered id)`, e.span);
      acc.push(r);
    }
  }

  private transform(k: Kustomization, acc: Resource[], dir: string, text: string, start: number): void {
    for (const p of k.patchesStrategicMerge) {
      for (const patch of this.patchNodes(dir, p, text, start)) {
        const m = asMap(patch);
        if (!m) throw new BuildError('a strategic merge patch is not a map', patch.span);
        this.strategic(acc, m, undefined, p.span);
      }
    }
    this.patches(k.patches, dir, acc, text, start);
    if (k.namespace) applyNamespace(acc, k.namespace);
    applyPrefixSuffix(acc, k.namePrefix, k.nameSuffix);
    for (const set of k.labels) applyLabels(acc, set);
    applyAnnotations(acc, k.commonAnnotations);
    for (const p of k.patchesJson6902) {
      if (!p.target) throw new BuildError('`patchesJson6902` needs a `target`', p.span);
      for (const patch of this.patchNodes(dir, p, text, start)) {
        const ops = asSeq(patch);
        if (!ops) throw new BuildError('a JSON 6902 patch is a list of operations', patch.span);
        for (const r of acc.filter((x) => selects(p.target!, x))) jsonPatch(r.root, ops, this.budget);
      }
    }
    applyReplicas(acc, k.replicas);
    applyImages(acc, k.images);
    for (const e of k.transformers) this.transformer(dir, e, acc);
  }

  /**
   * A `transformers` entry: the configuration of a built-in transformer (`apiVersion: builtin`) — labels,
   * annotations with their own field specs, a patch — is applied; anything else (a plugin, a folder) is unknown.
   */
  private transformer(dir: string, e: Entry, acc: Resource[]): void {
    const p = isRemote(e.value) ? null : this.resolve(dir, e);
    if (p === null || this.files.read(p) === undefined) {
      this.unknown.push({ message: `the transformer \`${e.value}\` is not evaluated: what it changes is unknown`, at: this.segments.origin(e.span) });
      return;
    }
    this.patchFiles.add(p);
    const loaded = this.load(p, e.span);
    for (const n of loaded.nodes) {
      const m = asMap(n);
      const kind = m ? kindOf({ root: m, previous: [], file: p }) : undefined;
      const builtin = m && apiVersionOf({ root: m, previous: [], file: p }) === 'builtin';
      if (m && builtin && (kind === 'LabelTransformer' || kind === 'AnnotationsTransformer')) {
        const pairs = labelEntriesOf(getValue(m, kind === 'LabelTransformer' ? 'labels' : 'annotations'));
        const fields = fieldSpecs(getValue(m, 'fieldSpecs'));
        applyLabels(acc, { pairs, includeSelectors: false, includeTemplates: false, fields }, true);
      } else if (m && builtin && kind === 'PatchTransformer') {
        this.patches([patchEntryOf(m)], dirName(p), acc, loaded.text, loaded.start);
      } else {
        this.unknown.push({ message: `the transformer ${kind ?? '?'} in \`${p}\` is not evaluated: what it changes is unknown`, at: this.segments.origin(n.span) });
      }
    }
  }

  /** The entries of `patches` (or a PatchTransformer's): JSON 6902 when a list of operations, else strategic merge. */
  private patches(entries: readonly PatchEntry[], dir: string, acc: Resource[], text: string, start: number): void {
    for (const p of entries) {
      for (const patch of this.patchNodes(dir, p, text, start)) {
        const ops = asSeq(patch);
        if (ops) {
          if (!p.target) throw new BuildError('a JSON 6902 patch needs a `target`', p.span);
          for (const r of acc.filter((x) => selects(p.target!, x))) jsonPatch(r.root, ops, this.budget);
          continue;
        }
        const m = asMap(patch);
        if (!m) throw new BuildError('a patch is neither a map nor a list of operations', patch.span);
        this.strategic(acc, m, p.target, p.span);
      }
    }
  }

  /** A strategic merge patch: on the objects `target` selects, else on the one it names itself. */
  private strategic(acc: Resource[], patch: YMap, target: PatchEntry['target'], at: Span): void {
    const hits = target ? acc.filter((r) => selects(target, r)) : acc.filter((r) => namedBy(r, patch));
    // ConfigMaps and Secrets may come from generators, which are not built (they hold no Service or workload)
    const generated = ['ConfigMap', 'Secret'].includes(kindOf({ root: patch, previous: [], file: '' }) ?? '');
    if (!target && hits.length === 0 && !generated) {
      const meta = asMap(patch.pairs.find((p) => p.name === 'metadata')?.value ?? null);
      const name = meta?.pairs.find((p) => p.name === 'name')?.value;
      // it may name an object of what could not be read (a remote resource): unknown, not an error
      if (this.unknown.length > 0) return;
      throw new BuildError(`the patch names no object of the build (${kindOf({ root: patch, previous: [], file: '' }) ?? '?'} \`${name?.kind === 'scalar' ? String(name.value) : '?'}\`)`, at);
    }
    for (const r of hits) {
      if (!strategicMerge(r.root, patch, kindOf(r), this.budget)) acc.splice(acc.indexOf(r), 1);
    }
  }

  /** The patches of an entry: from its file, or written inline. */
  private patchNodes(dir: string, p: PatchEntry, text: string, start: number): YNode[] {
    if (p.path) {
      if (isRemote(p.path.value)) {
        this.unknown.push({ message: `the remote patch \`${p.path.value}\` is not fetched: what it changes is unknown`, at: this.segments.origin(p.path.span) });
        return [];
      }
      const file = this.resolve(dir, p.path);
      this.patchFiles.add(file);
      return this.load(file, p.path.span).nodes;
    }
    if (p.inline) return inlineDocuments(p.inline, text, start, this.budget);
    if (p.node) return [p.node];
    throw new BuildError('a patch needs `path` or `patch`', p.span);
  }
}

