/**
 * `.service-reach.yaml` (README.md): read with positions, checked key by key. A wrong setting is a
 * `config-invalid` finding on the config file and that setting falls back to its default; analysis goes on.
 */
import { finding, type Finding } from '../findings/finding';
import { asMap, asScalar, asSeq, parseYaml, type YMap, type YNode, type YPair } from '../parse/yaml';
import { parseCidr, type Cidr } from '../net/cidr';
import type { Span } from '../text/span';
import { closest } from '../util/edit-distance';
import { normaliseWorkspacePath } from '../util/paths';

export { CONFIG_FILE_NAMES } from '../util/file-kinds';

/** At most this many findings about one config file (beside its YAML syntax problems). */
const MAX_CONFIG_FINDINGS = 100;

export interface PortRangeSetting {
  min: number;
  max: number;
}

/** A configured rule source: `path` or `path#fragment`, already normalised and inside the workspace. */
export interface ConfigRef {
  text: string;
  path: string;
  fragment?: string;
  span: Span;
}

export interface ServiceReachConfig {
  /** the config file's own path, when there is one */
  path?: string;
  nodePortRange: PortRangeSetting;
  kubeProxyHealthPort: number;
  provider?: 'oci' | 'generic';
  /** undefined: any source */
  clientCidrs?: Cidr[];
  firewalldZones?: ConfigRef[];
  strictForwardPorts?: boolean;
  /** `nodes.firewall`: which node firewalls apply (undefined: every kind found in the workspace) */
  nodeFirewalls?: NodeFirewallKind[];
  /** `nodes.iptables.files` / `nodes.nftables.files` (undefined: every file of that kind found) */
  iptablesFiles?: ConfigRef[];
  nftablesFiles?: ConfigRef[];
  workerLists?: ConfigRef[];
  /** undefined: any source */
  lbSubnetCidrs?: Cidr[];
  lbLists?: ConfigRef[];
  /** `oci.nsgs`: the NSG resources that OCIDs in Service annotations name */
  ociNsgs?: { ocid: string; ref: ConfigRef }[];
  /** `terraform.varFiles`: variable files read after each root module's own (`terraform.tfvars`, `*.auto.tfvars`) */
  terraformVarFiles?: ConfigRef[];
  /** globs of files kept out of the workspace (`util/glob.ts`); the hosts do not read them */
  exclude?: string[];
  /** `helm.charts`: the values, release name and namespace to render a chart with (docs/helm.md) */
  helmCharts?: HelmChartConfig[];
}

/** One entry of `helm.charts`; `path` is the chart's folder ('' for the workspace root). */
export interface HelmChartConfig {
  path: string;
  span: Span;
  /** values files merged over the chart's `values.yaml`, in order (later wins) */
  values: ConfigRef[];
  releaseName?: string;
  namespace?: string;
}

export type NodeFirewallKind = 'firewalld' | 'iptables' | 'nftables';
const NODE_FIREWALL_KINDS: readonly NodeFirewallKind[] = ['firewalld', 'iptables', 'nftables'];

export const DEFAULT_CONFIG: ServiceReachConfig = {
  nodePortRange: { min: 30000, max: 32767 },
  kubeProxyHealthPort: 10256,
};

type Shape = { [key: string]: Shape | 'portRange' | 'port' | 'provider' | 'cidrs' | 'paths' | 'bool' | 'globs' | 'firewalls' | 'nsgMap' | 'charts' };

const SHAPE: Shape = {
  nodePortRange: 'portRange',
  kubeProxyHealthPort: 'port',
  provider: 'provider',
  nodes: {
    clientCidrs: 'cidrs',
    firewalld: { zones: 'paths', strictForwardPorts: 'bool' },
    firewall: 'firewalls',
    iptables: { files: 'paths' },
    nftables: { files: 'paths' },
    securityLists: 'paths',
  },
  loadBalancers: { subnetCidrs: 'cidrs', securityLists: 'paths' },
  oci: { nsgs: 'nsgMap' },
  terraform: { varFiles: 'paths' },
  helm: { charts: 'charts' },
  exclude: 'globs',
};

export function readConfig(path: string, text: string): { config: ServiceReachConfig; findings: Finding[] } {
  const findings: Finding[] = [];
  const config: ServiceReachConfig = { ...DEFAULT_CONFIG, path };
  const parsed = parseYaml(text, { template: false });
  for (const p of parsed.problems) {
    findings.push(p.limit ? finding('input-too-complex', path, p.span, p.message) : finding('yaml-syntax', path, p.span, `YAML syntax error in the config: ${p.message}`));
  }
  const docs = parsed.documents.filter((d) => d.contents !== null);
  if (docs.length === 0) return { config, findings };
  const root = asMap(docs[0].contents);
  if (!root) {
    findings.push(finding('config-invalid', path, docs[0].contents!.span, 'The config must be a mapping of settings (see the README).'));
    return { config, findings };
  }
  // a hostile config (thousands of wrong keys) gives a bounded number of findings; valid settings still apply
  const report = (f: Finding) => { if (findings.length < MAX_CONFIG_FINDINGS) findings.push(f); };
  const bad = (span: Span, message: string) => report(finding('config-invalid', path, span, message));

  const walk = (map: YMap, shape: Shape, prefix: string) => {
    for (const pair of map.pairs) {
      // an own property only: the keys are the user's text, and `constructor` or `toString` is no setting
      const kind = Object.hasOwn(shape, pair.name) ? shape[pair.name] : undefined;
      const where = prefix + pair.name;
      if (kind === undefined) {
        if (findings.length >= MAX_CONFIG_FINDINGS) continue;
        const hint = closest(Object.keys(shape), pair.name);
        bad(pair.key.span, `Unknown setting "${where}"${hint ? `; did you mean "${prefix}${hint}"?` : '.'}`);
        continue;
      }
      if (typeof kind === 'object') {
        const m = asMap(pair.value);
        if (!m) bad(valueSpan(pair), `"${where}" must be a mapping.`);
        else walk(m, kind, where + '.');
        continue;
      }
      apply(where, kind, pair);
    }
  };

  /** A path (`path` or `path#fragment`) inside the workspace, or undefined (said why). */
  const refOf = (item: YNode | null, where: string, pair?: YPair): ConfigRef | undefined => {
    const s = asScalar(item);
    if (!s || typeof s.value !== 'string' || s.value.trim() === '') { bad(item?.span ?? (pair ? valueSpan(pair) : { start: 0, end: 0 }), `"${where}" entries must be paths.`); return undefined; }
    const raw = s.value.trim();
    const hash = raw.indexOf('#');
    const filePart = hash < 0 ? raw : raw.slice(0, hash);
    const norm = normaliseWorkspacePath(filePart);
    if (!norm) {
      report(finding('config-path-outside-workspace', path, s.span, `"${raw}" leaves the workspace (absolute path or "..") and is ignored.`));
      return undefined;
    }
    return { text: raw, path: norm, fragment: hash < 0 ? undefined : raw.slice(hash + 1), span: s.span };
  };

  const apply = (where: string, kind: string, pair: YPair) => {
    const v = pair.value;
    switch (kind) {
      case 'portRange': {
        const r = portRangeOf(v);
        if (!r) bad(valueSpan(pair), `"${where}" must be a range like 30000-32767 (1–65535, low end first).`);
        else config.nodePortRange = r;
        return;
      }
      case 'port': {
        const s = asScalar(v);
        if (!s || typeof s.value !== 'number' || !Number.isInteger(s.value) || s.value < 1 || s.value > 65535) bad(valueSpan(pair), `"${where}" must be a port number (1–65535).`);
        else config.kubeProxyHealthPort = s.value;
        return;
      }
      case 'provider': {
        const s = asScalar(v);
        if (!s || (s.value !== 'oci' && s.value !== 'generic')) bad(valueSpan(pair), `"${where}" must be "oci" or "generic".`);
        else config.provider = s.value;
        return;
      }
      case 'bool': {
        const s = asScalar(v);
        if (!s || typeof s.value !== 'boolean') bad(valueSpan(pair), `"${where}" must be true or false.`);
        else config.strictForwardPorts = s.value;
        return;
      }
      case 'firewalls': {
        const list = listOf(v);
        if (!list) { bad(valueSpan(pair), `"${where}" must be a list of node firewalls (${NODE_FIREWALL_KINDS.join(', ')}).`); return; }
        const kinds: NodeFirewallKind[] = [];
        for (const item of list) {
          const s = asScalar(item);
          const k = NODE_FIREWALL_KINDS.find((x) => x === s?.value);
          if (!k) bad(item?.span ?? valueSpan(pair), `"${where}" entries must be one of ${NODE_FIREWALL_KINDS.join(', ')}.`);
          else if (!kinds.includes(k)) kinds.push(k);
        }
        config.nodeFirewalls = kinds;
        return;
      }
      case 'cidrs': {
        const list = listOf(v);
        if (!list) { bad(valueSpan(pair), `"${where}" must be a list of CIDRs.`); return; }
        const cidrs: Cidr[] = [];
        for (const item of list) {
          const s = asScalar(item);
          const c = s && typeof s.value === 'string' ? parseCidr(s.value) : null;
          if (!c) bad(item?.span ?? valueSpan(pair), `"${where}" entry ${s ? `"${String(s.value)}"` : ''} is not a CIDR (like 10.0.20.0/24).`);
          else cidrs.push(c);
        }
        if (where === 'nodes.clientCidrs') config.clientCidrs = cidrs;
        else config.lbSubnetCidrs = cidrs;
        return;
      }
      case 'globs': {
        // one glob or a list of them, inside the workspace
        const list = asScalar(v) && typeof asScalar(v)!.value === 'string' ? [v] : listOf(v);
        if (!list) { bad(valueSpan(pair), `"${where}" must be a list of globs (like legacy/** or "**/*.template.yaml").`); return; }
        const globs: string[] = [];
        for (const item of list) {
          const s = asScalar(item);
          const g = s && typeof s.value === 'string' ? s.value.trim() : '';
          if (!s || g === '') bad(item?.span ?? valueSpan(pair), `"${where}" entries must be globs.`);
          else if (g.startsWith('/') || /^[A-Za-z]:/.test(g) || g.split('/').includes('..')) {
            report(finding('config-path-outside-workspace', path, s.span, `"${g}" leaves the workspace (absolute path or "..") and is ignored.`));
          } else globs.push(g);
        }
        config.exclude = globs;
        return;
      }
      case 'nsgMap': {
        const m = asMap(v);
        if (!m) { bad(valueSpan(pair), `"${where}" must be a mapping of NSG OCIDs to NSG resources (path#address).`); return; }
        const out: { ocid: string; ref: ConfigRef }[] = [];
        for (const p of m.pairs) {
          const ref = refOf(p.value, `${where}.${p.name}`, p);
          if (!p.name.startsWith('ocid1.')) bad(p.key.span, `"${where}" keys must be NSG OCIDs (ocid1.networksecuritygroup…).`);
          else if (ref) out.push({ ocid: p.name, ref });
        }
        config.ociNsgs = out;
        return;
      }
      case 'paths': {
        const refs = refsOf(v, where, pair);
        if (!refs) return;
        if (where === 'nodes.firewalld.zones') config.firewalldZones = refs;
        else if (where === 'nodes.securityLists') config.workerLists = refs;
        else if (where === 'nodes.iptables.files') config.iptablesFiles = refs;
        else if (where === 'nodes.nftables.files') config.nftablesFiles = refs;
        else if (where === 'terraform.varFiles') config.terraformVarFiles = refs;
        else config.lbLists = refs;
        return;
      }
      case 'charts': {
        const list = listOf(v);
        if (!list) { bad(valueSpan(pair), `"${where}" must be a list of charts, each with a "path".`); return; }
        const charts: HelmChartConfig[] = [];
        for (const item of list) {
          const chart = chartOf(item, where, pair);
          if (chart) charts.push(chart);
        }
        config.helmCharts = charts;
        return;
      }
    }
  };

  /** A list of workspace paths (`path` or `path#fragment`); those that leave the workspace are reported and left out. */
  const refsOf = (v: YNode | null, where: string, pair: YPair): ConfigRef[] | undefined => {
    const list = listOf(v);
    if (!list) { bad(valueSpan(pair), `"${where}" must be a list of paths.`); return undefined; }
    const refs: ConfigRef[] = [];
    for (const item of list) {
      const ref = refOf(item, where, pair);
      if (ref) refs.push(ref);
    }
    return refs;
  };

  /** One `helm.charts` entry: `path` (the chart's folder, inside the workspace), `values`, `releaseName`, `namespace`. */
  const chartOf = (item: YNode | null, where: string, pair: YPair): HelmChartConfig | undefined => {
    const m = asMap(item);
    if (!m) { bad(item?.span ?? valueSpan(pair), `"${where}" entries must be mappings with a "path" (the chart's folder).`); return undefined; }
    let chartPath: string | undefined;
    const out: Omit<HelmChartConfig, 'path'> = { span: m.span, values: [] };
    const KEYS = ['path', 'values', 'releaseName', 'namespace'];
    for (const p of m.pairs) {
      const s = asScalar(p.value);
      const text = s && typeof s.value === 'string' && s.value.trim() !== '' ? s.value.trim() : undefined;
      if (p.name === 'values') out.values = refsOf(p.value, `${where}.values`, p) ?? [];
      else if (!KEYS.includes(p.name)) {
        const hint = closest(KEYS, p.name);
        bad(p.key.span, `Unknown setting "${where}.${p.name}"${hint ? `; did you mean "${hint}"?` : '.'}`);
      } else if (text === undefined) bad(valueSpan(p), `"${where}.${p.name}" must be a non-empty string.`);
      else if (p.name === 'path') {
        const norm = text === '.' || text === './' ? '' : normaliseWorkspacePath(text);
        if (norm === null) report(finding('config-path-outside-workspace', path, s!.span, `"${text}" leaves the workspace (absolute path or "..") and is ignored.`));
        else chartPath = norm;
      } else if (p.name === 'releaseName') out.releaseName = text;
      else out.namespace = text;
    }
    if (chartPath === undefined) {
      if (!m.pairs.some((p) => p.name === 'path')) bad(m.span, `"${where}" entries need a "path" (the chart's folder).`);
      return undefined;
    }
    return { path: chartPath, ...out };
  };

  walk(root, SHAPE, '');
  return { config, findings };
}

function valueSpan(pair: YPair): Span {
  return pair.value?.span ?? pair.key.span;
}

function listOf(v: YNode | null): (YNode | null)[] | null {
  const seq = asSeq(v);
  if (seq) return seq.items;
  return null;
}

function portRangeOf(v: YNode | null): PortRangeSetting | null {
  const s = asScalar(v);
  if (!s || typeof s.value !== 'string') return null;
  const parts = s.value.trim().split('-');
  if (parts.length !== 2) return null;
  const [min, max] = parts.map((x) => (/^\d{1,5}$/.test(x.trim()) ? Number(x.trim()) : NaN));
  if (!(min >= 1 && max <= 65535 && min <= max)) return null;
  return { min, max };
}
