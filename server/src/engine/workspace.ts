/**
 * The workspace: every file the host hands in (by workspace-relative path and text), parsed once per text,
 * classified, and analysed as a whole. This is the engine's entry point for the CLI and the language server
 * alike; it takes text and returns plain data.
 */
import { finding, type Finding } from './findings/finding';
import { CODES, type Code } from './findings/codes';
import { parseYaml, isTemplateText, type YDocument } from './parse/yaml';
import { objectsOf, isService, workloadOf, type K8sObject, type Workload } from './k8s/manifests';
import { serviceOf, type ServiceModel } from './k8s/service';
import { CONFIG_FILE_NAMES, DEFAULT_CONFIG, readConfig, type ConfigRef, type ServiceReachConfig } from './config/config';
import { checkServiceApi } from './checks/service-api';
import { checkUnknownFields } from './checks/unknown-fields';
import { checkNodePortConflicts, checkSelectorAndTargetPorts } from './checks/references';
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
import { baseName, dirName, extName } from './util/paths';

export type FileKind = 'manifest' | 'config' | 'xml' | 'json' | 'terraform' | 'firewalld-conf' | 'other';

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

export interface WorkspaceOptions {
  /** workspace-relative path of the config file; default `.service-reach.yaml` (or `.yml`) at the root */
  configPath?: string;
}

export function classify(path: string, configPath?: string): FileKind {
  const base = baseName(path);
  if (configPath ? path === configPath : CONFIG_FILE_NAMES.includes(path)) return 'config';
  if (base === 'firewalld.conf') return 'firewalld-conf';
  switch (extName(path)) {
    case '.yaml': case '.yml': return 'manifest';
    case '.json': return 'json';
    case '.xml': return 'xml';
    case '.tf': return 'terraform';
    default: return 'other';
  }
}

export class Workspace {
  private readonly files = new Map<string, FileEntry>();
  private readonly skipped = new Map<string, { code: Code; message: string }>();
  private cached: Analysis | undefined;

  constructor(private readonly options: WorkspaceOptions = {}) {}

  setFile(path: string, text: string): void {
    if (this.skipped.delete(path)) this.cached = undefined;
    const prev = this.files.get(path);
    if (prev && prev.text === text) return;
    this.files.set(path, { path, text, kind: classify(path, this.options.configPath) });
    this.cached = undefined;
  }

  removeFile(path: string): void {
    if (this.files.delete(path) || this.skipped.delete(path)) this.cached = undefined;
  }

  /**
   * The host did not read this file (too large, …): the analysis reports it at the file's start. A path with
   * code `config-path-outside-workspace` (a symbolic link, or a linked folder, that leads out of the workspace;
   * `message` says where, e.g. "a link to /etc/x") is not reported at the path itself, but where the config
   * names it (or a file under it).
   */
  skipFile(path: string, code: Code, message: string): void {
    this.files.delete(path);
    this.skipped.set(path, { code, message });
    this.cached = undefined;
  }

  hasFile(path: string): boolean {
    return this.files.has(path);
  }

  getText(path: string): string | undefined {
    return this.files.get(path)?.text;
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
    if (!this.cached) this.cached = this.run();
    return this.cached;
  }

  // ------------------------------------------------------------------------------------------ parsing

  private manifestOf(f: FileEntry): ParsedManifest {
    if (!f.manifest) {
      const template = isTemplateText(f.text);
      const parsed = parseYaml(f.text, { template });
      f.manifest = { documents: parsed.documents, objects: objectsOf(f.path, parsed.documents), problems: parsed.problems, template };
    }
    return f.manifest;
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

  private run(): Analysis {
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
    const entries = [...this.files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    // config
    let config: ServiceReachConfig = { ...DEFAULT_CONFIG };
    const configEntry = entries.find((e) => e.kind === 'config');
    if (configEntry) {
      const r = readConfig(configEntry.path, configEntry.text);
      config = r.config;
      for (const f of r.findings) findings.push(f);
    }

    // manifests
    const objects: K8sObject[] = [];
    for (const f of entries) {
      if (f.kind !== 'manifest' && f.kind !== 'json') continue;
      if (f.kind === 'json' && this.jsonOf(f).lists !== null) continue;
      const m = this.manifestOf(f);
      for (const o of m.objects) objects.push(o);
      if (f.kind === 'manifest' || m.objects.length > 0) {
        problems('yaml-syntax', f.path, m.problems, !m.template && m.objects.length > 0 && f.kind === 'manifest');
      }
    }
    const services = objects.filter(isService).map(serviceOf);
    const workloads = objects.map(workloadOf).filter((w): w is Workload => !!w);

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
    const layers: Layers = {
      firewalld,
      workerLists: workerSources.length ? { sources: workerSources } : null,
      lbLists: lbSources.length ? { sources: lbSources } : null,
    };

    const provider: Provider = config.provider
      ?? (allSources.length > 0 || services.some((s) => [...s.annotations.keys()].some(isOciAnnotationKey)) ? 'oci' : 'generic');

    // checks
    const ctx: CheckContext = { config, report: (f) => findings.push(f) };
    const analysed: ServiceAnalysis[] = [];
    for (const svc of services) {
      checkServiceApi(svc, ctx);
      checkUnknownFields(svc, ctx);
      checkSelectorAndTargetPorts(svc, workloads, ctx);
      if (provider === 'oci') checkOci(svc, ctx);
      const exposure = exposureOf(svc, { config, provider });
      if (exposure) checkReachability(svc, exposure, layers, ctx);
      analysed.push({ service: svc, exposure });
    }
    checkNodePortConflicts(services, ctx);

    return { findings: dedupe(findings), services: analysed, workloads, config, provider, layers };
  }
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
