/**
 * The workspace: every file the host hands in (by workspace-relative path and text), parsed once per text,
 * classified, and analysed as a whole. This is the engine's entry point for the CLI and the language server
 * alike; it takes text and returns plain data.
 */
import { finding, type Finding } from './findings/finding';
import { CODES, type Code } from './findings/codes';
import { YamlFile, isTemplateText, type DocumentMove, type YDocument, type YNode } from './parse/yaml';
import { objectsOf, isService, selectorMatches, workloadOf, type K8sObject, type Workload } from './k8s/manifests';
import { serviceOf, type ServiceModel } from './k8s/service';
import { DEFAULT_CONFIG, readConfig, type ConfigRef, type ServiceReachConfig } from './config/config';
import { checkServiceApi } from './checks/service-api';
import { checkUnknownFields } from './checks/unknown-fields';
import { checkNodePortConflicts, checkSelectorAndTargetPorts, nodePortUses } from './checks/references';
import { checkOci } from './checks/oci';
import { checkReachability, type Layers } from './checks/reachability';
import type { CheckContext } from './checks/context';
import { exposureOf, type Exposure, type Provider } from './exposure/requirements';
import type { GuardSource } from './exposure/matcher';
import { isOciAnnotationKey } from './oci/annotations';
import { readFirewalldXml } from './sources/firewalld-zone';
import { expandZone } from './sources/firewalld-expand';
import { builtinService } from './sources/firewalld-builtin';
import { readFirewalldConf } from './sources/firewalld-conf';
import { readOciSecurityListsJson } from './sources/oci-json';
import { readTerraform, readTerraformSymbols } from './sources/terraform';
import type {
  FirewalldConf, FirewalldServiceDef, FirewalldServiceFile, FirewalldZoneFile, OciNsgRuleResource,
  OciSecurityList, ParseProblem, TerraformFile, TerraformSymbols,
} from './sources/model';
import { parseCidr, type Cidr } from './net/cidr';
import type { Span } from './text/span';
import { LineIndex } from './text/line-index';
import { dirName } from './util/paths';
import { classify, type FileKind } from './util/file-kinds';

export { classify, type FileKind } from './util/file-kinds';

interface ParsedManifest {
  documents: YDocument[];
  objects: K8sObject[];
  problems: ParseProblem[];
  template: boolean;
}

interface FileEntry {
  path: string;
  text: string;
  kind: FileKind;
  manifest?: ParsedManifest;
  xml?: { value: FirewalldZoneFile | FirewalldServiceFile | null; problems: ParseProblem[] };
  json?: { lists: OciSecurityList[] | null; problems: ParseProblem[] };
  conf?: FirewalldConf | null;
  symbols?: TerraformSymbols;
  terraform?: { key: string; value: TerraformFile | null; problems: ParseProblem[] };
  /** its line index, built when first asked for */
  lines?: LineIndex;
}

export interface ServiceAnalysis {
  service: ServiceModel;
  exposure?: Exposure;
}

export interface Analysis {
  findings: Finding[];
  services: ServiceAnalysis[];
  workloads: Workload[];
  config: ServiceReachConfig;
  provider: Provider;
  layers: Layers;
}

/** How much work the analyses of a Workspace did, counted since it was made (for tests and the benchmark). */
export interface WorkspaceStats {
  analyses: number;
  /** pieces of YAML files parsed (a piece is one document, or the comments and markers around it) */
  yamlDocumentsParsed: number;
  /** YAML files parsed as a whole (directives, a limit hit, a syntax error that reaches past its document) */
  yamlWholeFileParses: number;
  /** Services whose own checks ran (API rules, unknown fields, OCI annotations, reachability) */
  servicesChecked: number;
  /** Services whose selector and target ports were checked against the workloads */
  selectorsChecked: number;
  /** Services checked for node ports shared with another Service */
  nodePortServicesChecked: number;
  /** how long the last analysis took (milliseconds; a host may wait longer after a change when it is slow) */
  lastAnalysisMs: number;
}

/** What the Service checks read besides the Service: the same object while none of it changes. */
interface CheckingContext {
  config: ServiceReachConfig;
  provider: Provider;
  layers: Layers;
}

interface OwnFindings {
  api: Finding[];
  unknown: Finding[];
  oci: Finding[];
  reach: Finding[];
}

interface ServiceResult {
  service: ServiceModel;
  /** where the Service started when its results were worked out (it moved when that changed) */
  at: number;
  context: CheckingContext;
  own: OwnFindings;
  selector: Finding[];
  analysis: ServiceAnalysis;
}

/** One manifest as the last analysis saw it. */
interface FileState {
  path: string;
  manifest: ParsedManifest;
  /** its syntax problem and limits hit */
  problems: Finding[];
  services: ServiceModel[];
  workloads: Workload[];
  results: ServiceResult[];
  /** its Services' findings, in order */
  findings: Finding[];
  /** the files those findings point into */
  refs: Set<string>;
}

interface SourcePhase {
  /** findings before the manifests' (skipped files, the config's own), and after them (rule sources, config paths) */
  head: Finding[];
  tail: Finding[];
  config: ServiceReachConfig;
  layers: Layers;
  hasSources: boolean;
}

export interface WorkspaceOptions {
  /** workspace-relative path of the config file; default `.service-reach.yaml` (or `.yml`) at the root */
  configPath?: string;
}

export class Workspace {
  private readonly files = new Map<string, FileEntry>();
  private readonly skipped = new Map<string, { code: Code; message: string }>();
  private cached: Analysis | undefined;
  private sortedPaths: string[] | undefined;
  /** files whose text changed since the last analysis (a file that came or went resets `sortedPaths` instead) */
  private readonly dirty = new Set<string>();
  // ---- incremental analysis (see `run`)
  /** per manifest path: its documents, parsed one at a time and kept while their text does not change */
  private readonly yamlFiles = new Map<string, YamlFile>();
  /** per manifest path: what each parse since the last analysis kept of the one before ([] = nothing) */
  private readonly pendingMoves = new Map<string, DocumentMove[][]>();
  /** bumped when a file other than a manifest changes, or a file comes, goes or is skipped */
  private sourcesVersion = 0;
  private sourcesCache: { version: number; value: SourcePhase } | undefined;
  private configMemo: { path: string; text: string; result: ReturnType<typeof readConfig> } | undefined;
  private layersMemo: { inputs: unknown[]; layers: Layers } | undefined;
  private readonly objectsByDocument = new WeakMap<YDocument, { index: number; objects: K8sObject[] }>();
  private readonly derivedByObject = new WeakMap<K8sObject, { service?: ServiceModel; workload?: Workload }>();
  private readonly manifestFindingsOf = new WeakMap<ParsedManifest, Finding[]>();
  private contextCache: CheckingContext | undefined;
  /** per manifest: what the last analysis worked out (objects, Services, workloads, results) */
  private readonly fileStates = new Map<string, FileState>();
  private readonly resultOf = new WeakMap<ServiceModel, ServiceResult>();
  /** where a Service or workload is in its file's list (with the file's rank: the order of the workspace) */
  private readonly localIndex = new WeakMap<ServiceModel | Workload, number>();
  private pathRank = new Map<string, number>();
  private readonly workloadIndex = new WorkloadIndex();
  private readonly serviceIndex = new ServiceIndex();
  private workloadCount = 0;
  private ociServices = 0;
  /** node-port number → the Services that use it; the numbers more than one Service uses */
  private readonly nodePortUsers = new Map<number, Set<ServiceModel>>();
  private readonly sharedNodePorts = new Set<number>();
  /** the manifests of the last analysis, in workspace order (and where each is in that list) */
  private stateList: FileState[] | undefined;
  private stateAt = new Map<string, number>();
  private lastContext: CheckingContext | undefined;
  private hadWorkloads = false;
  private readonly counters: WorkspaceStats = {
    analyses: 0, yamlDocumentsParsed: 0, yamlWholeFileParses: 0, servicesChecked: 0, selectorsChecked: 0, nodePortServicesChecked: 0,
    lastAnalysisMs: 0,
  };

  constructor(private readonly options: WorkspaceOptions = {}) {}

  setFile(path: string, text: string): void {
    if (this.skipped.delete(path)) { this.cached = undefined; this.sourcesVersion++; }
    const prev = this.files.get(path);
    if (prev && prev.text === text) return;
    const kind = classify(path, this.options.configPath);
    this.files.set(path, { path, text, kind });
    this.dirty.add(path);
    if (!prev) this.sortedPaths = undefined;
    if (!prev || kind !== 'manifest') this.sourcesVersion++;
    this.cached = undefined;
  }

  removeFile(path: string): void {
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
    if (this.files.delete(path)) this.forget(path);
    this.skipped.set(path, { code, message });
    this.cached = undefined;
    this.sourcesVersion++;
  }

  /** A file left the workspace: nothing of its documents is kept (and nothing said about them can be moved). */
  private forget(path: string): void {
    this.sortedPaths = undefined;
    this.yamlFiles.delete(path);
    this.pendingMoves.set(path, [[]]);
  }

  /** How much work the analyses did so far (for tests and the benchmark; see `WorkspaceStats`). */
  get stats(): WorkspaceStats {
    return { ...this.counters };
  }

  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  getText(path: string): string | undefined {
    return this.files.get(path)?.text;
  }

  /** The line index of a file's text, built once per text (hover, the CLI's formats: line numbers of related files). */
  lineIndex(path: string): LineIndex {
    const f = this.files.get(path);
    if (!f) return new LineIndex('');
    if (!f.lines) f.lines = new LineIndex(f.text);
    return f.lines;
  }

  paths(): string[] {
    return [...this.files.keys()].sort();
  }

  /** The parsed YAML documents and Kubernetes objects of a manifest file (cached by text). */
  manifest(path: string): ParsedManifest | undefined {
    const f = this.files.get(path);
    if (!f) return undefined;
    if (f.kind === 'manifest' || (f.kind === 'json' && this.jsonOf(f).lists === null)) return this.manifestOf(f);
    return undefined;
  }

  analyze(): Analysis {
    if (!this.cached) {
      const started = performance.now();
      this.cached = this.run();
      this.counters.lastAnalysisMs = performance.now() - started;
    }
    return this.cached;
  }

  // ------------------------------------------------------------------------------------------ parsing

  private manifestOf(f: FileEntry): ParsedManifest {
    if (!f.manifest) {
      const template = isTemplateText(f.text);
      let yaml = this.yamlFiles.get(f.path);
      if (!yaml) this.yamlFiles.set(f.path, (yaml = new YamlFile()));
      const before = { ...yaml.stats };
      const parsed = yaml.parse(f.text, { template });
      this.counters.yamlDocumentsParsed += yaml.stats.piecesParsed - before.piecesParsed;
      this.counters.yamlWholeFileParses += yaml.stats.wholeFile - before.wholeFile;
      const moves = this.pendingMoves.get(f.path) ?? [];
      moves.push(yaml.moves);
      this.pendingMoves.set(f.path, moves);
      const objects: K8sObject[] = [];
      for (const d of parsed.documents) for (const o of this.objectsIn(f.path, d)) objects.push(o);
      f.manifest = { documents: parsed.documents, objects, problems: parsed.problems, template };
    }
    return f.manifest;
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

  private derived(o: K8sObject): { service?: ServiceModel; workload?: Workload } {
    let d = this.derivedByObject.get(o);
    if (!d) {
      d = isService(o) ? { service: serviceOf(o) } : { workload: workloadOf(o) };
      this.derivedByObject.set(o, d);
    }
    return d;
  }

  private xmlOf(f: FileEntry) {
    if (!f.xml) f.xml = readFirewalldXml(f.path, f.text);
    return f.xml;
  }

  private jsonOf(f: FileEntry) {
    if (!f.json) {
      const r = readOciSecurityListsJson(f.path, f.text);
      f.json = { lists: r.value, problems: r.problems };
    }
    return f.json;
  }

  private confOf(f: FileEntry): FirewalldConf | null {
    if (f.conf === undefined) f.conf = readFirewalldConf(f.path, f.text).value;
    return f.conf;
  }

  private symbolsOf(f: FileEntry): TerraformSymbols {
    if (!f.symbols) f.symbols = readTerraformSymbols(f.path, f.text);
    return f.symbols;
  }

  private terraformOf(f: FileEntry, symbols: TerraformSymbols, key: string) {
    if (!f.terraform || f.terraform.key !== key) {
      const r = readTerraform(f.path, f.text, symbols);
      f.terraform = { key, value: r.value, problems: r.problems };
    }
    return f.terraform;
  }

  // ----------------------------------------------------------------------------------------- analysis

  /**
   * The config and the rule sources, worked out again only when one of them, the set of files or the skipped
   * files changed (`sourcesVersion`): a manifest edit reuses them, and the layers keep their identity.
   */
  private sources(entriesOf: () => readonly FileEntry[]): SourcePhase {
    if (this.sourcesCache?.version === this.sourcesVersion) return this.sourcesCache.value;
    const entries = entriesOf();
    const findings: Finding[] = [];
    for (const [path, s] of this.skipped) {
      if (s.code !== 'config-path-outside-workspace') findings.push(finding(s.code, path, { start: 0, end: 0 }, s.message));
    }
    const problem = (code: Code, path: string, p: ParseProblem) => findings.push(finding(code, path, p.span, p.message));
    /** the first syntax problem as `code`, every safety limit hit as `input-too-complex` */
    const problems = (code: Code, path: string, ps: readonly ParseProblem[], syntax = true) => {
      const first = ps.find((p) => !p.limit);
      if (first && syntax) problem(code, path, first);
      for (const p of ps) if (p.limit) problem('input-too-complex', path, p);
    };
    // config
    let config: ServiceReachConfig = { ...DEFAULT_CONFIG };
    const configEntry = entries.find((e) => e.kind === 'config');
    if (configEntry) {
      const memo = this.configMemo;
      const r = memo && memo.path === configEntry.path && memo.text === configEntry.text ? memo.result : readConfig(configEntry.path, configEntry.text);
      this.configMemo = { path: configEntry.path, text: configEntry.text, result: r };
      config = r.config;
      for (const f of r.findings) findings.push(f);
    }

    const head = findings.length;

    // rule sources
    const zones: FirewalldZoneFile[] = [];
    const serviceFiles: FirewalldServiceFile[] = [];
    const confs: FirewalldConf[] = [];
    const lists: OciSecurityList[] = [];
    const nsgRules: { res: OciNsgRuleResource; path: string }[] = [];
    const nsgSpans = new Map<string, { path: string; span: { start: number; end: number }; displayName?: string }>();
    const tfByDir = new Map<string, FileEntry[]>();
    for (const f of entries) {
      if (f.kind === 'xml') {
        const r = this.xmlOf(f);
        problems('xml-syntax', f.path, r.problems);
        if (r.value?.kind === 'firewalld-zone') zones.push(r.value);
        else if (r.value?.kind === 'firewalld-service') serviceFiles.push(r.value);
      } else if (f.kind === 'json') {
        const r = this.jsonOf(f);
        problems('json-syntax', f.path, r.problems);
        for (const l of r.lists ?? []) lists.push(l);
      } else if (f.kind === 'firewalld-conf') {
        const c = this.confOf(f);
        if (c) confs.push(c);
      } else if (f.kind === 'terraform') {
        const d = dirName(f.path);
        tfByDir.set(d, [...(tfByDir.get(d) ?? []), f]);
      }
    }
    for (const files of tfByDir.values()) {
      const symbols: TerraformSymbols = { variables: new Map(), locals: new Map() };
      for (const f of files) {
        const s = this.symbolsOf(f);
        for (const [k, v] of s.variables) symbols.variables.set(k, v);
        for (const [k, v] of s.locals) symbols.locals.set(k, v);
      }
      const key = JSON.stringify([[...symbols.variables].sort(), [...symbols.locals].sort()]);
      for (const f of files) {
        const r = this.terraformOf(f, symbols, key);
        problems('hcl-syntax', f.path, r.problems);
        if (!r.value) continue;
        for (const l of r.value.securityLists) lists.push(l);
        for (const res of r.value.nsgRules) nsgRules.push({ res, path: f.path });
        for (const n of r.value.nsgs) nsgSpans.set(n.address, { path: f.path, span: n.span, displayName: n.displayName });
      }
    }

    const configFindings = (code: Code, ref: ConfigRef, message: string) => {
      if (config.path) findings.push(finding(code, config.path, ref.span, message));
    };
    /** a configured path that is not in the workspace: skipped by the host (too large, a link leading out) or missing */
    const missingRef = (ref: ConfigRef) => {
      for (const [path, s] of this.skipped) {
        if (ref.path !== path && !ref.path.startsWith(path + '/')) continue;
        if (s.code === 'config-path-outside-workspace') {
          configFindings(s.code, ref, `"${ref.text}" leads out of the workspace (${s.message}) and is ignored.`);
        } else configFindings('config-path-not-found', ref, `"${ref.text}" was not read (${CODES[s.code].title.toLowerCase()}).`);
        return;
      }
      configFindings('config-path-not-found', ref, `"${ref.text}" does not exist in the workspace.`);
    };

    // firewalld layer
    const lookupService = serviceTable(serviceFiles);
    const zoneSource = (z: FirewalldZoneFile): GuardSource => ({
      kind: 'firewalld-zone', label: `firewalld zone "${z.name}"`, path: z.path, span: z.span, key: z.name,
      rules: expandZone(z, lookupService).rules,
      bindings: z.sourceBindings.map((b) => parseCidrOrAddress(b.address)).filter((c): c is Cidr => !!c),
    });
    const effectiveZones = effective(zones);
    const conf = preferEtc(confs);
    let nodeZoneFiles: FirewalldZoneFile[] = [];
    if (config.firewalldZones) {
      for (const ref of config.firewalldZones) {
        const z = zones.find((x) => x.path === ref.path);
        if (z) nodeZoneFiles.push(z);
        else if (!this.files.has(ref.path)) missingRef(ref);
        else configFindings('config-path-not-found', ref, `"${ref.text}" is not a firewalld zone file (its root element is not <zone>).`);
      }
    } else {
      const name = conf?.defaultZone?.value ?? 'public';
      nodeZoneFiles = effectiveZones.filter((z) => z.name === name);
    }
    const bindingZoneFiles = effectiveZones.filter((z) => z.sourceBindings.length > 0);
    const strictForwardPorts = config.strictForwardPorts ?? conf?.strictForwardPorts?.value ?? false;
    const firewalld = nodeZoneFiles.length > 0 ? {
      nodeZones: nodeZoneFiles.map(zoneSource),
      bindingZones: bindingZoneFiles.map(zoneSource).filter((z) => z.bindings!.length > 0),
      strictForwardPorts,
      strictOrigin: config.strictForwardPorts !== undefined ? 'nodes.firewalld.strictForwardPorts in the config' : conf?.strictForwardPorts ? conf.path : undefined,
    } : null;

    // OCI lists and NSGs
    const listSource = (l: OciSecurityList): GuardSource => ({
      kind: 'oci-security-list', label: `security list "${l.name}"`, path: l.path, span: l.span, rules: l.rules,
      key: l.terraform?.address ?? l.displayName ?? l.id ?? l.name,
    });
    const nsgGroups = new Map<string, { res: OciNsgRuleResource; path: string }[]>();
    for (const r of nsgRules) {
      const k = r.res.nsgAddress ?? r.res.nsgExpr;
      nsgGroups.set(k, [...(nsgGroups.get(k) ?? []), r]);
    }
    const nsgSource = (k: string, rules: { res: OciNsgRuleResource; path: string }[]): GuardSource => {
      const where = nsgSpans.get(k);
      return {
        kind: 'oci-nsg', label: `NSG ${where?.displayName ? `"${where.displayName}"` : k}`,
        path: where?.path ?? rules[0].path, span: where?.span ?? rules[0].res.terraform.blockSpan,
        rules: rules.map((r) => r.res.rule), key: k,
      };
    };
    const allSources: { source: GuardSource; files: string[]; names: string[] }[] = [
      ...lists.map((l) => ({ source: listSource(l), files: [l.path], names: [l.terraform?.address, l.displayName, l.id, l.name].filter((x): x is string => !!x) })),
      ...[...nsgGroups].map(([k, rules]) => {
        const s = nsgSource(k, rules);
        return { source: s, files: [s.path, ...rules.map((r) => r.path)], names: [k] };
      }),
    ];
    const resolveRefs = (refs: ConfigRef[]): GuardSource[] => {
      const out: GuardSource[] = [];
      for (const ref of refs) {
        const inFile = allSources.filter((s) => s.files.includes(ref.path));
        const hits = ref.fragment ? inFile.filter((s) => s.names.includes(ref.fragment!)) : inFile;
        if (hits.length === 0) {
          if (!this.files.has(ref.path)) missingRef(ref);
          else configFindings('config-path-not-found', ref, ref.fragment ? `"${ref.path}" holds no security list or NSG named "${ref.fragment}".` : `"${ref.path}" holds no OCI security list or NSG rule.`);
        }
        for (const h of hits) if (!out.includes(h.source)) out.push(h.source);
      }
      return out;
    };
    const lbSources = config.lbLists ? resolveRefs(config.lbLists) : [];
    const workerSources = config.workerLists ? resolveRefs(config.workerLists) : allSources.map((s) => s.source).filter((s) => !lbSources.includes(s));
    // the same rule sources (the same parsed files) and config: the same layers, so that no Service is checked again
    const inputs: unknown[] = [config, ...zones, 0, ...serviceFiles, 0, ...confs, 0, ...lists, 0, ...nsgRules.map((r) => r.res)];
    const memo = this.layersMemo;
    const layers: Layers = memo && memo.inputs.length === inputs.length && memo.inputs.every((x, i) => x === inputs[i]) ? memo.layers : {
      firewalld,
      workerLists: workerSources.length ? { sources: workerSources } : null,
      lbLists: lbSources.length ? { sources: lbSources } : null,
    };
    this.layersMemo = { inputs, layers };

    const value: SourcePhase = { head: findings.slice(0, head), tail: findings.slice(head), config, layers, hasSources: allSources.length > 0 };
    this.sourcesCache = { version: this.sourcesVersion, value };
    return value;
  }

  private sortedEntries(): FileEntry[] {
    if (!this.sortedPaths) {
      this.sortedPaths = [...this.files.keys()].sort();
      this.pathRank = new Map(this.sortedPaths.map((p, i) => [p, i]));
    }
    return this.sortedPaths.map((p) => this.files.get(p)!);
  }

  /** The workspace order of a Service or workload: by file, then within the file. */
  private rank(x: ServiceModel | Workload): number {
    return (this.pathRank.get(x.object.path) ?? 0) * 0x100000 + (this.localIndex.get(x) ?? 0);
  }

  /** A manifest's syntax problem and limits hit, as findings (once per parse). */
  private manifestFindings(f: FileEntry, m: ParsedManifest): Finding[] {
    let out = this.manifestFindingsOf.get(m);
    if (!out) {
      out = [];
      const syntax = !m.template && m.objects.length > 0 && f.kind === 'manifest';
      const first = m.problems.find((p) => !p.limit);
      if (first && syntax) out.push(finding('yaml-syntax', f.path, first.span, first.message));
      for (const p of m.problems) if (p.limit) out.push(finding('input-too-complex', f.path, p.span, p.message));
      this.manifestFindingsOf.set(m, out);
    }
    return out;
  }

  private ociAnnotated(svc: ServiceModel): boolean {
    for (const k of svc.annotations.keys()) if (isOciAnnotationKey(k)) return true;
    return false;
  }

  private checkContext(config: ServiceReachConfig, provider: Provider, layers: Layers): CheckingContext {
    const c = this.contextCache;
    if (c && c.config === config && c.provider === provider && c.layers === layers) return c;
    return (this.contextCache = { config, provider, layers });
  }

  /** The moves of every manifest parsed since the last analysis (taken: the next analysis starts from here). */
  private takeMoves(): Map<string, DocumentMove[][]> {
    const out = new Map(this.pendingMoves);
    this.pendingMoves.clear();
    return out;
  }

  /** The checks of one Service that read nothing but the Service, the config and the rule sources. */
  private checkOwn(svc: ServiceModel, context: CheckingContext): { own: OwnFindings; exposure: Exposure | undefined } {
    this.counters.servicesChecked++;
    const own: OwnFindings = { api: [], unknown: [], oci: [], reach: [] };
    const into = (list: Finding[]): CheckContext => ({ config: context.config, report: (f) => list.push(detach(f)) });
    checkServiceApi(svc, into(own.api));
    checkUnknownFields(svc, into(own.unknown));
    if (context.provider === 'oci') checkOci(svc, into(own.oci));
    const exposure = exposureOf(svc, { config: context.config, provider: context.provider });
    if (exposure) checkReachability(svc, exposure, context.layers, into(own.reach));
    return { own, exposure };
  }

  /** Selector and target ports, against the workloads the selector may concern (found through the index). */
  private checkSelector(svc: ServiceModel, all: () => readonly Workload[], config: ServiceReachConfig): Finding[] {
    this.counters.selectorsChecked++;
    const out: Finding[] = [];
    const candidates = this.workloadIndex.candidates(svc, (w) => this.rank(w));
    // no candidate: the check still needs to know that there are workloads (it then says the selector matches nothing)
    checkSelectorAndTargetPorts(svc, candidates.length > 0 ? candidates : all(), { config, report: (f) => out.push(detach(f)) });
    return out;
  }

  /** Node-port conflicts among the Services that share a number with another (a number is one cluster-wide pool). */
  private checkNodePorts(config: ServiceReachConfig): Finding[] {
    const sharing = new Set<ServiceModel>();
    for (const n of this.sharedNodePorts) for (const u of this.nodePortUsers.get(n) ?? []) sharing.add(u);
    if (sharing.size === 0) return [];
    this.counters.nodePortServicesChecked += sharing.size;
    const out: Finding[] = [];
    const ordered = [...sharing].sort((a, b) => this.rank(a) - this.rank(b));
    checkNodePortConflicts(ordered, { config, report: (f) => out.push(detach(f)) });
    return out;
  }

  /** A manifest parsed anew: its objects, Services and workloads (those of documents it kept are the same objects). */
  private fileState(f: FileEntry, m: ParsedManifest): FileState {
    const services: ServiceModel[] = [];
    const workloads: Workload[] = [];
    for (const o of m.objects) {
      const d = this.derived(o);
      if (d.service) { this.localIndex.set(d.service, services.length); services.push(d.service); }
      if (d.workload) { this.localIndex.set(d.workload, workloads.length); workloads.push(d.workload); }
    }
    const problems = f.kind === 'manifest' || m.objects.length > 0 ? this.manifestFindings(f, m) : [];
    return { path: f.path, manifest: m, problems, services, workloads, results: [], findings: [], refs: new Set() };
  }

  /**
   * A manifest came, went or changed: the indexes of workloads, OCI-annotated Services and node ports follow —
   * for the Services and workloads that came or went only (those of documents it kept are the same objects).
   */
  private account(before: FileState | undefined, after: FileState | undefined, changedWorkloads: Workload[]): void {
    const oldW = new Set(before?.workloads ?? []);
    const newW = new Set(after?.workloads ?? []);
    for (const w of oldW) if (!newW.has(w)) { this.workloadIndex.remove(w); this.workloadCount--; changedWorkloads.push(w); }
    for (const w of newW) if (!oldW.has(w)) { this.workloadIndex.add(w); this.workloadCount++; changedWorkloads.push(w); }
    const oldS = new Set(before?.services ?? []);
    const newS = new Set(after?.services ?? []);
    for (const svc of oldS) {
      if (newS.has(svc)) continue;
      this.resultOf.delete(svc); // gone: if its document comes back (undo), it is checked again
      this.serviceIndex.remove(svc);
      if (this.ociAnnotated(svc)) this.ociServices--;
      for (const u of nodePortUses(svc)) {
        const users = this.nodePortUsers.get(u.number);
        users?.delete(svc);
        if (users?.size === 0) this.nodePortUsers.delete(u.number);
        if (!users || users.size < 2) this.sharedNodePorts.delete(u.number);
      }
    }
    for (const svc of newS) {
      if (oldS.has(svc)) continue;
      this.serviceIndex.add(svc);
      if (this.ociAnnotated(svc)) this.ociServices++;
      for (const u of nodePortUses(svc)) {
        const users = this.nodePortUsers.get(u.number);
        if (users) users.add(svc); else this.nodePortUsers.set(u.number, new Set([svc]));
        if (users && users.size > 1) this.sharedNodePorts.add(u.number);
      }
    }
  }

  /**
   * The analysis, worked out again only where something changed. Manifests are parsed document by document
   * (YamlFile: a document whose text is unchanged is not parsed again, and keeps its tree, objects, Services and
   * workloads when it moved). A Service's own checks (API rules, unknown fields, OCI annotations, reachability)
   * run again only when it changed, or the config, the provider or the rule sources did; its selector and target
   * ports only when it changed or a workload it may select came, went or changed; node ports for the Services
   * that share a number. What was said about the others is moved with their text (`relocate`). A manifest that
   * did not change, and whose Services nothing concerns, is not looked at beyond its list.
   */
  private run(): Analysis {
    this.counters.analyses++;
    // files came or went (or json files, which may be manifests or security lists, changed): every file is
    // looked at; else only those whose text changed
    const walk = !this.stateList || this.sortedPaths === undefined || [...this.dirty].some((p) => this.files.get(p)?.kind === 'json');
    let entries: FileEntry[] | undefined;
    const entriesOf = () => (entries ??= this.sortedEntries());
    const src = this.sources(entriesOf);
    const { config, layers } = src;

    // manifests that changed since the last analysis (or came, or went)
    const changed = new Set<FileState>();
    const changedWorkloads: Workload[] = [];
    const update = (f: FileEntry): FileState => {
      const m = this.manifestOf(f);
      const before = this.fileStates.get(f.path);
      if (before?.manifest === m) return before;
      const after = this.fileState(f, m);
      this.account(before, after, changedWorkloads);
      this.fileStates.set(f.path, after);
      changed.add(after);
      return after;
    };
    const isManifest = (f: FileEntry) => f.kind === 'manifest' || (f.kind === 'json' && this.jsonOf(f).lists === null);
    let states: FileState[];
    if (walk) {
      states = [];
      for (const f of entriesOf()) if (isManifest(f)) states.push(update(f));
      if (this.fileStates.size > states.length) {
        const kept = new Set(states);
        for (const [path, before] of this.fileStates) {
          if (kept.has(before) || changed.has(before)) continue;
          this.account(before, undefined, changedWorkloads);
          this.fileStates.delete(path);
        }
      }
      this.stateList = states;
      this.stateAt = new Map(states.map((st, i) => [st.path, i]));
    } else {
      states = this.stateList!;
      for (const path of this.dirty) {
        const f = this.files.get(path);
        const at = this.stateAt.get(path);
        if (f && at !== undefined && isManifest(f)) states[at] = update(f);
      }
    }
    this.dirty.clear();

    // what moved since the last analysis (the parses above included)
    const moves = this.takeMoves();
    const relocate = relocator(moves);
    const provider: Provider = config.provider ?? (src.hasSources || this.ociServices > 0 ? 'oci' : 'generic');
    const context = this.checkContext(config, provider, layers);
    const contextChanged = context !== this.lastContext;
    this.lastContext = context;
    const anyWorkloads = this.workloadCount > 0;
    const emptinessChanged = anyWorkloads !== this.hadWorkloads;
    this.hadWorkloads = anyWorkloads;
    let all: Workload[] | undefined;
    const allWorkloads = () => (all ??= states.flatMap((s) => s.workloads));

    // the Services a workload that came, went or changed may concern
    const concerned = new Set<ServiceModel>();
    for (const w of changedWorkloads) for (const svc of this.serviceIndex.concerned(w)) concerned.add(svc);
    const movedPaths = [...moves.keys()];
    for (const st of states) {
      const moved = st.refs.size > 0 && movedPaths.some((p) => st.refs.has(p));
      if (!changed.has(st) && !contextChanged && !emptinessChanged && !moved && (concerned.size === 0 || !st.services.some((svc) => concerned.has(svc)))) continue;
      this.analyseFile(st, context, relocate, concerned, emptinessChanged, allWorkloads);
    }

    const findings: Finding[] = [...src.head];
    for (const st of states) for (const x of st.problems) findings.push(x);
    for (const x of src.tail) findings.push(x);
    const services: ServiceAnalysis[] = [];
    const workloads: Workload[] = [];
    for (const st of states) {
      for (const x of st.findings) findings.push(x);
      for (const r of st.results) services.push(r.analysis);
      for (const w of st.workloads) workloads.push(w);
    }
    // node ports: one pool; the Services that share a number with another are checked again
    for (const x of this.checkNodePorts(config)) findings.push(x);

    return { findings: dedupe(findings), services, workloads, config, provider, layers };
  }

  /** The results of one manifest's Services: kept, moved with their text, or worked out again. */
  private analyseFile(st: FileState, context: CheckingContext, relocate: Relocate, concerned: ReadonlySet<ServiceModel>,
    emptinessChanged: boolean, allWorkloads: () => readonly Workload[]): void {
    const { config, provider } = context;
    st.results = [];
    st.findings = [];
    st.refs = new Set();
    const broken = brokenRegions(st.manifest, st.services, () => this.lineIndex(st.path));
    for (const svc of st.services) {
      const before = this.resultOf.get(svc);
      const at = svc.object.span.start;
      // its own checks (API rules, unknown fields, OCI, reachability): again when the config, the provider or the
      // rule sources changed
      let own = before && before.context === context ? relocateOwn(before.own, relocate) : undefined;
      let sa: ServiceAnalysis;
      if (!own) {
        const checked = this.checkOwn(svc, context);
        own = checked.own;
        sa = { service: svc, exposure: checked.exposure };
      } else if (before!.at === at) sa = before!.analysis;
      else sa = movedAnalysis(svc, config, provider);
      // selector and target ports: again when a workload it may select came, went or changed
      let selector: Finding[] | undefined;
      if (before && !emptinessChanged && !concerned.has(svc)) selector = relocateList(before.selector, relocate);
      selector ??= this.checkSelector(svc, allWorkloads, config);
      const r: ServiceResult = { service: svc, at, context, own, selector, analysis: sa };
      this.resultOf.set(svc, r);
      st.results.push(r);
      for (const list of [own.api, own.unknown, selector, own.oci, own.reach]) {
        for (const x of list) {
          // what the parser's recovery made of a syntax error is not what the user wrote (see brokenRegions)
          if (x.path === st.path && broken.some((b) => x.span.start <= b.end && x.span.end >= b.start)) continue;
          st.findings.push(x);
          st.refs.add(x.path);
          for (const rel of x.related) st.refs.add(rel.path);
        }
      }
    }
  }
}

/**
 * Where a manifest's YAML syntax problems leave a Service's tree unreliable: the line of each problem inside a
 * Service, and the innermost collection (map or sequence) of the Service that holds it — what the parser's
 * recovery made of it (an item split in two, a key that swallowed its value) is not what the user wrote. A Service
 * finding there is left out, so that only the syntax problem is reported (SPEC §1.1); the rest of the document
 * and the file is analysed as usual. Problems outside the Services (a broken ConfigMap) are not looked at.
 */
function brokenRegions(m: ParsedManifest, services: readonly ServiceModel[], lines: () => LineIndex): Span[] {
  if (m.template || services.length === 0) return [];
  const out: Span[] = [];
  let seen = 0;
  for (const p of m.problems) {
    if (p.limit) continue;
    // (at most so many: garbage gives a problem per token; the first ones cover what follows them anyway)
    if (++seen > MAX_BROKEN_REGIONS) break;
    const svc = services.find((x) => x.object.span.start <= p.span.start && p.span.start <= x.object.span.end);
    if (!svc) continue;
    const index = lines();
    let start = index.lineStart(index.positionAt(p.span.start).line);
    let end = index.offsetAt({ line: index.positionAt(p.span.end).line, character: Number.MAX_SAFE_INTEGER });
    const holder = innermostCollection(svc.object.root, p.span.start);
    if (holder) { start = Math.min(start, holder.start); end = Math.max(end, holder.end); }
    out.push({ start, end });
  }
  return out;
}

const MAX_BROKEN_REGIONS = 50;

/** The span of the innermost map or sequence of a tree whose span holds `offset` (children are in text order). */
function innermostCollection(root: YNode | null, offset: number): Span | undefined {
  const holds = (n: YNode | null | undefined): n is YNode => !!n && n.kind !== 'scalar' && n.span.start <= offset && offset <= n.span.end;
  let found: Span | undefined;
  let n: YNode | null | undefined = root;
  for (let depth = 0; holds(n) && depth < 1000; depth++) {
    found = n.span;
    let next: YNode | null | undefined;
    if (n.kind === 'map') {
      // the last pair that starts at or before the offset (a binary search: maps may have thousands of keys)
      let lo = 0;
      let hi = n.pairs.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (n.pairs[mid].span.start <= offset) lo = mid; else hi = mid - 1;
      }
      next = n.pairs[lo]?.value;
    } else if (n.kind === 'seq') {
      for (const item of n.items) {
        if (item && item.span.start > offset) break;
        if (holds(item)) { next = item; break; }
      }
    }
    n = next;
  }
  return found;
}

function parseCidrOrAddress(text: string): Cidr | null {
  return parseCidr(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`);
}

/** Zone files in effect: a file under an `etc/firewalld/` path overrides one of the same name under `usr/lib/firewalld/`. */
function effective<T extends { name: string; path: string }>(files: T[]): T[] {
  const etcNames = new Set(files.filter((f) => isEtc(f.path)).map((f) => f.name));
  return files.filter((f) => !(isUsrLib(f.path) && etcNames.has(f.name)));
}

function isEtc(path: string): boolean {
  return ('/' + path).includes('/etc/firewalld/');
}

function isUsrLib(path: string): boolean {
  return ('/' + path).includes('/usr/lib/firewalld/');
}

function preferEtc<T extends { path: string }>(files: T[]): T | undefined {
  return files.find((f) => isEtc(f.path)) ?? files[0];
}

function serviceTable(files: FirewalldServiceFile[]): (name: string) => FirewalldServiceDef | undefined {
  const own = new Map<string, FirewalldServiceFile>();
  for (const f of effective(files)) if (!own.has(f.name) || isEtc(f.path)) own.set(f.name, f);
  return (name) => own.get(name) ?? builtinService(name);
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const k = `${f.path}|${f.span.start}|${f.code}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(f);
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.span.start - b.span.start));
}

// ------------------------------------------------------------------------------------ incremental analysis

/** An offset's place in the current text, or undefined when the text around it changed. */
type Relocate = (path: string, span: Span) => Span | undefined;

function relocator(moves: ReadonlyMap<string, readonly (readonly DocumentMove[])[]>): Relocate {
  return (path, span) => {
    const chain = moves.get(path);
    if (!chain) return span;
    let start = span.start;
    const length = span.end - span.start;
    for (const list of chain) {
      const m = moveAt(list, start);
      if (!m || start + length > m.end) return undefined;
      start += m.delta;
    }
    return start === span.start ? span : { start, end: start + length };
  };
}

/** The move whose range holds `offset` (ranges are sorted and do not overlap). */
function moveAt(list: readonly DocumentMove[], offset: number): DocumentMove | undefined {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const m = list[mid];
    if (offset < m.start) hi = mid - 1;
    else if (offset >= m.end) lo = mid + 1;
    else return m;
  }
  return undefined;
}

/**
 * A finding whose spans are its own: a check may hand out a span of the YAML tree itself, which moves with its
 * document (YamlFile moves trees in place); what is kept from one analysis to the next is moved by `relocate`.
 */
function detach(f: Finding): Finding {
  return relocateFinding(f, (_path, s) => ({ start: s.start, end: s.end }))!;
}

/** A finding with its spans where they are now (the same object when nothing moved), or undefined. */
function relocateFinding(f: Finding, relocate: Relocate): Finding | undefined {
  const span = relocate(f.path, f.span);
  if (!span) return undefined;
  let related = f.related;
  for (let i = 0; i < f.related.length; i++) {
    const r = f.related[i];
    const s = relocate(r.path, r.span);
    if (!s) return undefined;
    if (s !== r.span) {
      if (related === f.related) related = [...f.related];
      related[i] = { ...r, span: s };
    }
  }
  // a fix's spans are in the finding's file
  const fix = f.fix ? relocateValue(f.fix, (s) => relocate(f.path, s)) : undefined;
  if (fix === null) return undefined;
  if (span === f.span && related === f.related && fix === f.fix) return f;
  return { ...f, span, related, ...(fix ? { fix: fix as Finding['fix'] } : {}) };
}

function isSpan(v: object): v is Span {
  const o = v as Record<string, unknown>;
  return typeof o.start === 'number' && typeof o.end === 'number' && Object.keys(o).length === 2;
}

/** Plain data with every span in it relocated; the same object when nothing moved; null when a span cannot be. */
function relocateValue(v: unknown, move: (s: Span) => Span | undefined): unknown {
  if (!v || typeof v !== 'object') return v;
  if (isSpan(v)) return move(v) ?? null;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = relocateValue(v[i], move);
      if (x === null && v[i] !== null) return null;
      if (x !== v[i]) (out ??= [...v])[i] = x;
    }
    return out ?? v;
  }
  let out: Record<string, unknown> | undefined;
  for (const [k, x] of Object.entries(v)) {
    const y = relocateValue(x, move);
    if (y === null && x !== null) return null;
    if (y !== x) (out ??= { ...(v as Record<string, unknown>) })[k] = y;
  }
  return out ?? v;
}

function relocateList(list: Finding[], relocate: Relocate): Finding[] | undefined {
  let out: Finding[] | undefined;
  for (let i = 0; i < list.length; i++) {
    const f = relocateFinding(list[i], relocate);
    if (!f) return undefined;
    if (f !== list[i]) (out ??= [...list])[i] = f;
  }
  return out ?? list;
}

function relocateOwn(own: OwnFindings, relocate: Relocate): OwnFindings | undefined {
  const api = relocateList(own.api, relocate);
  const unknown = relocateList(own.unknown, relocate);
  const oci = relocateList(own.oci, relocate);
  const reach = relocateList(own.reach, relocate);
  return api && unknown && oci && reach ? { api, unknown, oci, reach } : undefined;
}

/** A Service that moved: its exposure (anchors are copies of spans) is worked out again when it is read. */
function movedAnalysis(svc: ServiceModel, config: ServiceReachConfig, provider: Provider): ServiceAnalysis {
  let exposure: { value: Exposure | undefined } | undefined;
  return {
    service: svc,
    get exposure() {
      return (exposure ??= { value: exposureOf(svc, { config, provider }) }).value;
    },
  };
}

/**
 * Services by one entry of their selector, to find those a workload may concern — whose selector check it can
 * change: those it matches (in any namespace: hints name other namespaces), all of them when its labels are
 * unknown — without looking at every Service.
 */
class ServiceIndex {
  private readonly byEntry = new Map<string, Set<ServiceModel>>();
  private readonly all = new Set<ServiceModel>();

  private static entry(svc: ServiceModel): string | undefined {
    const first = svc.selector && svc.selector.size > 0 ? [...svc.selector][0] : undefined;
    if (!first) return undefined;
    return first[1] === null ? `${first[0]}\u0000?` : `${first[0]}\u0000=${first[1]}`;
  }

  add(svc: ServiceModel): void {
    const k = ServiceIndex.entry(svc);
    if (k === undefined) return;
    this.all.add(svc);
    const set = this.byEntry.get(k);
    if (set) set.add(svc); else this.byEntry.set(k, new Set([svc]));
  }

  remove(svc: ServiceModel): void {
    const k = ServiceIndex.entry(svc);
    if (k === undefined) return;
    this.all.delete(svc);
    const set = this.byEntry.get(k);
    set?.delete(svc);
    if (set?.size === 0) this.byEntry.delete(k);
  }

  concerned(w: Workload): Iterable<ServiceModel> {
    if (w.labels === null) return this.all;
    const out: ServiceModel[] = [];
    for (const [k, v] of w.labels) {
      // a Service whose first selector entry is k=v, or k=(unknown); a label value that is unknown matches any
      const keys = v === null ? [...this.byEntry.keys()].filter((x) => x.startsWith(`${k}\u0000`)) : [`${k}\u0000=${v}`, `${k}\u0000?`];
      for (const key of keys) for (const svc of this.byEntry.get(key) ?? []) if (selectorMatches(svc.selector!, w.labels)) out.push(svc);
    }
    return out;
  }
}

/** Workloads by pod-template label, to find those a selector may concern without looking at every workload. */
class WorkloadIndex {
  private readonly byLabel = new Map<string, Set<Workload>>();
  private readonly byKey = new Map<string, Set<Workload>>();
  /** workloads whose labels cannot be known */
  private readonly unknown = new Set<Workload>();

  private static keys(w: Workload): { key: string; label: string }[] {
    return [...w.labels!].map(([k, v]) => ({ key: k, label: v === null ? `${k}\u0000?` : `${k}\u0000=${v}` }));
  }

  add(w: Workload): void {
    if (w.labels === null) { this.unknown.add(w); return; }
    const put = (map: Map<string, Set<Workload>>, k: string) => {
      const set = map.get(k);
      if (set) set.add(w); else map.set(k, new Set([w]));
    };
    for (const { key, label } of WorkloadIndex.keys(w)) { put(this.byKey, key); put(this.byLabel, label); }
  }

  remove(w: Workload): void {
    if (w.labels === null) { this.unknown.delete(w); return; }
    const drop = (map: Map<string, Set<Workload>>, k: string) => {
      const set = map.get(k);
      set?.delete(w);
      if (set?.size === 0) map.delete(k);
    };
    for (const { key, label } of WorkloadIndex.keys(w)) { drop(this.byKey, key); drop(this.byLabel, label); }
  }

  /** The workloads the selector matches (in any namespace) and those with unknown labels, in workspace order. */
  candidates(svc: ServiceModel, rank: (w: Workload) => number): Workload[] {
    const selector = svc.selector;
    if (!selector || selector.size === 0) return [];
    let best: Workload[] | undefined;
    for (const [k, v] of selector) {
      const list = v === null
        ? [...(this.byKey.get(k) ?? [])]
        : [...(this.byLabel.get(`${k}\u0000=${v}`) ?? []), ...(this.byLabel.get(`${k}\u0000?`) ?? [])];
      if (!best || list.length < best.length) best = list;
      if (best.length === 0) break;
    }
    const picked = new Set<Workload>(this.unknown);
    for (const w of best ?? []) if (selectorMatches(selector, w.labels!)) picked.add(w);
    return [...picked].sort((a, b) => rank(a) - rank(b));
  }
}
