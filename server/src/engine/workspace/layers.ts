/**
 * The rule layers, built from what the source modules read (`SourceInputs`, `sources/registry.ts`) and the
 * config: the firewalld layer (the zones that guard the nodes, the zones bound to source addresses, strictness)
 * and the OCI worker and load-balancer lists (security lists and NSGs, as the config assigns them, else as the OKE
 * topology in the Terraform does, else every list guards the workers: `topology-layers.ts`). Pure: the same inputs give equal layers, and the findings about config paths that
 * name no rule source.
 */
import { finding, type Finding } from '../findings/finding';
import { CODES, type Code } from '../findings/codes';
import type { ConfigRef, NodeFirewallKind, ServiceReachConfig } from '../config/config';
import type { NfRuleset } from '../sources/netfilter-model';
import { baseName } from '../util/paths';
import type { Layers } from '../checks/reachability';
import type { GuardSource } from '../exposure/matcher';
import { expandZone } from '../sources/firewalld-expand';
import { applyCommands, type AppliedZone } from '../sources/firewalld-apply';
import { builtinService } from '../sources/firewalld-builtin';
import type { FirewalldServiceDef, FirewalldServiceFile, FirewalldZoneFile, OciSecurityList } from '../sources/model';
import type { NsgRuleInput, SourceInputs } from '../sources/source-module';
import { parseCidr, type Cidr } from '../net/cidr';
import { writtenAddress } from '../sources/terraform';
import { attribute } from './topology-layers';

/** A file the host did not read: why (the finding's code) and a message. */
export interface SkippedFile {
  code: Code;
  message: string;
}

/** What the builder asks about the workspace: which files it holds, which the host skipped. */
export interface LayerWorld {
  hasFile(path: string): boolean;
  skipped: ReadonlyMap<string, SkippedFile>;
}

export interface BuiltLayers {
  layers: Layers;
  /** about config paths (the config's `nodes` and OCI list settings) that name no rule source */
  findings: Finding[];
  /** any OCI security list or NSG at all (the provider is then OCI, unless the config says otherwise) */
  hasSources: boolean;
  /** the load-balancer subnets' addresses the topology gives (the config does not set them) */
  lbSubnetCidrs?: Cidr[];
}

export function buildLayers(inputs: SourceInputs, config: ServiceReachConfig, world: LayerWorld): BuiltLayers {
  const findings: Finding[] = [];
  const configFinding = (code: Code, ref: ConfigRef, message: string) => {
    if (config.path) findings.push(finding(code, config.path, ref.span, message));
  };
  /** a configured path that is not in the workspace: skipped by the host (too large, a link leading out) or missing */
  const missingRef = (ref: ConfigRef) => {
    for (const [path, s] of world.skipped) {
      if (ref.path !== path && !ref.path.startsWith(path + '/')) continue;
      if (s.code === 'config-path-outside-workspace') {
        configFinding(s.code, ref, `"${ref.text}" leads out of the workspace (${s.message}) and is ignored.`);
      } else configFinding('config-path-not-found', ref, `"${ref.text}" was not read (${CODES[s.code].title.toLowerCase()}).`);
      return;
    }
    configFinding('config-path-not-found', ref, `"${ref.text}" does not exist in the workspace.`);
  };

  // firewalld layer: the zone files in effect, with the firewall commands (scripts, cloud-init, Ansible) applied
  const lookupService = serviceTable(inputs.firewalldServices);
  const conf = preferEtc(inputs.firewalldConfs);
  const commandFiles = [...inputs.firewallCommands].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const applied = applyCommands(effective(inputs.firewalldZones), commandFiles, conf?.defaultZone?.value ?? 'public');
  const appliedOf = new Map<FirewalldZoneFile, AppliedZone>(applied.zones.map((a) => [a.zone, a]));
  const zoneSource = (z: FirewalldZoneFile): GuardSource => {
    const a = appliedOf.get(z);
    // a zone only commands made is found where it was last changed; a zone file, where it is
    const at = a && !a.fromFile && a.lastCommand ? a.lastCommand : { path: z.path, span: z.span };
    const by = a?.commandFiles.length ? ` (after the firewall commands in ${a.commandFiles.join(', ')})` : '';
    const source: GuardSource = {
      kind: 'firewalld-zone', label: `firewalld zone "${z.name}"${by}`, path: at.path, span: at.span, key: z.name,
      rules: expandZone(z, lookupService).rules,
      bindings: z.sourceBindings.map((b) => parseCidrOrAddress(b.address)).filter((c): c is Cidr => !!c),
    };
    if (a?.addedIn ?? a?.commandFiles.length) source.commandFile = a.addedIn ?? a.commandFiles[a.commandFiles.length - 1];
    return source;
  };
  const zones = applied.zones.map((a) => a.zone);
  const effectiveZones = zones;
  let nodeZoneFiles: FirewalldZoneFile[] = [];
  if (config.firewalldZones) {
    for (const ref of config.firewalldZones) {
      const z = zones.find((x) => x.path === ref.path && appliedOf.get(x)?.fromFile);
      if (z) nodeZoneFiles.push(z);
      else if (!world.hasFile(ref.path)) missingRef(ref);
      else configFinding('config-path-not-found', ref, `"${ref.text}" is not a firewalld zone file (its root element is not <zone>).`);
    }
  } else {
    // commands that set the default zone run after firewalld.conf is in place
    const name = applied.defaultZone?.value ?? conf?.defaultZone?.value ?? 'public';
    nodeZoneFiles = effectiveZones.filter((z) => z.name === name && (appliedOf.get(z)?.fromFile || applied.touched.has(name)));
  }
  // `systemctl disable --now firewalld`: the nodes run no firewalld, whatever its zones say
  if (applied.disabled) nodeZoneFiles = [];
  const bindingZoneFiles = effectiveZones.filter((z) => z.sourceBindings.length > 0);
  const strictForwardPorts = config.strictForwardPorts ?? conf?.strictForwardPorts?.value ?? false;
  const wants = (k: NodeFirewallKind) => !config.nodeFirewalls || config.nodeFirewalls.includes(k);
  const firewalld = nodeZoneFiles.length > 0 && wants('firewalld') ? {
    nodeZones: nodeZoneFiles.map(zoneSource),
    bindingZones: bindingZoneFiles.map(zoneSource).filter((z) => z.bindings!.length > 0),
    strictForwardPorts,
    strictOrigin: config.strictForwardPorts !== undefined ? 'nodes.firewalld.strictForwardPorts in the config' : conf?.strictForwardPorts ? conf.path : undefined,
  } : null;

  // OCI lists and NSGs
  const listSource = (l: OciSecurityList): GuardSource => ({
    kind: 'oci-security-list', label: `security list "${l.name}"`, path: l.path, span: l.span, rules: l.rules, egress: l.egressRules,
    key: l.terraform?.address ?? l.displayName ?? l.id ?? l.name,
  });
  const nsgSpans = new Map<string, { path: string; span: { start: number; end: number }; displayName?: string; id?: string }>();
  for (const { nsg, path } of inputs.ociNsgs) nsgSpans.set(nsg.address, { path, span: nsg.span, displayName: nsg.displayName, id: nsg.id });
  const nsgGroups = new Map<string, NsgRuleInput[]>();
  for (const r of inputs.ociNsgRules) {
    const k = r.res.nsgAddress ?? r.res.nsgExpr;
    nsgGroups.set(k, [...(nsgGroups.get(k) ?? []), r]);
  }
  const nsgSource = (k: string, rules: NsgRuleInput[]): GuardSource => {
    const where = nsgSpans.get(k);
    return {
      kind: 'oci-nsg', label: `NSG ${where?.displayName ? `"${where.displayName}"` : k}`,
      path: where?.path ?? rules[0].path, span: where?.span ?? rules[0].res.terraform.blockSpan,
      rules: rules.filter((r) => !r.egress).map((r) => r.res.rule),
      egress: rules.filter((r) => r.egress).map((r) => r.res.rule), key: k,
    };
  };
  const defined = (xs: (string | undefined)[]) => xs.filter((x): x is string => !!x);
  const allSources: { source: GuardSource; files: string[]; names: string[]; keys: string[]; id?: string }[] = [
    ...inputs.ociLists.map((l) => ({
      source: listSource(l), files: [l.path],
      // (a Terraform list also by its address as written, whichever module instance or `count`/`for_each` instance it is)
      names: defined([l.terraform?.address, l.terraform && writtenAddress(l.terraform.address), l.displayName, l.id, l.name]),
      // (what a subnet's `security_list_ids` may name it by: its instance's address, its OCID)
      keys: defined([l.terraform?.address, l.terraformJson?.address, l.id]),
    })),
    ...[...nsgGroups].map(([k, rules]) => {
      const s = nsgSource(k, rules);
      const id = nsgSpans.get(k)?.id ?? rules.find((r) => r.res.nsgId)?.res.nsgId;
      return { source: s, files: [s.path, ...rules.map((r) => r.path)], names: [k, writtenAddress(k)], keys: defined([k, id]), id };
    }),
  ];
  const resolveRefs = (refs: ConfigRef[]): GuardSource[] => {
    const out: GuardSource[] = [];
    for (const ref of refs) {
      const inFile = allSources.filter((s) => s.files.includes(ref.path));
      const hits = ref.fragment ? inFile.filter((s) => s.names.includes(ref.fragment!)) : inFile;
      if (hits.length === 0) {
        if (!world.hasFile(ref.path)) missingRef(ref);
        else configFinding('config-path-not-found', ref, ref.fragment ? `"${ref.path}" holds no security list or NSG named "${ref.fragment}".` : `"${ref.path}" holds no OCI security list or NSG rule.`);
      }
      for (const h of hits) if (!out.includes(h.source)) out.push(h.source);
    }
    return out;
  };
  // who guards what: the config, else the topology, else (neither) every list and NSG guards the workers
  const who = attribute(allSources, config, inputs.topology, resolveRefs);
  const lbSources = who.loadBalancers;
  const workerSources = who.workers;
  // the node packet filter: iptables-save files and nftables rulesets (each file a source; traffic passes them all)
  const pickRulesets = (kind: 'iptables' | 'nftables', refs: ConfigRef[] | undefined): GuardSource[] => {
    if (!wants(kind)) return [];
    const all = inputs.nodeRulesets.filter((r) => (r.format === 'iptables') === (kind === 'iptables'));
    let chosen = all;
    if (refs) {
      chosen = [];
      for (const ref of refs) {
        const hits = all.filter((r) => r.path === ref.path || r.path.startsWith(ref.path + '/'));
        if (hits.length === 0) {
          if (!world.hasFile(ref.path)) missingRef(ref);
          else configFinding('config-path-not-found', ref, `"${ref.text}" is not ${kind === 'iptables' ? 'an iptables-save file' : 'an nftables ruleset'}.`);
        }
        for (const h of hits) if (!chosen.includes(h)) chosen.push(h);
      }
    }
    return chosen.map((rs) => ({
      kind, label: kind === 'iptables' ? `iptables rules "${baseName(rs.path)}"` : `nftables ruleset "${baseName(rs.path)}"`,
      path: rs.path, span: rulesetSpan(rs), rules: [], key: rs.path, netfilter: rs,
    }));
  };
  const nodeRulesets = [...pickRulesets('iptables', config.iptablesFiles), ...pickRulesets('nftables', config.nftablesFiles)];

  const layers: Layers = {
    firewalld,
    nodeFirewall: nodeRulesets.length ? { sources: nodeRulesets } : null,
    workerLists: workerSources.length ? { sources: workerSources } : null,
    lbLists: lbSources.length ? { sources: lbSources } : null,
  };
  if (allSources.length > 0 || inputs.topology.length > 0) layers.topology = who.report;
  if (who.nsgsByOcid.size > 0) layers.nsgsByOcid = who.nsgsByOcid;
  return { layers, findings, hasSources: allSources.length > 0, ...(who.lbSubnetCidrs ? { lbSubnetCidrs: who.lbSubnetCidrs } : {}) };
}

/**
 * What the layers are built from, as a list of objects: equal lists (the same config and the same objects in every
 * input of `SourceInputs`, in the same order) give equal layers, so that a caller can keep the layers it has (and
 * their identity).
 */
export function layerInputsOf(inputs: SourceInputs, config: ServiceReachConfig): unknown[] {
  const out: unknown[] = [config];
  for (const list of Object.values(inputs) as unknown[][]) {
    out.push(0); // (a separator: an object that moves from one input to the next is a different input)
    for (const x of list) out.push(x);
  }
  return out;
}

/** Where a ruleset is named: its first input chain (iptables: `:INPUT …`), else its first table. */
function rulesetSpan(rs: NfRuleset): { start: number; end: number } {
  for (const t of rs.tables) for (const c of t.chains.values()) if (c.input) return { start: c.policySpan.start, end: c.policySpan.end };
  const t = rs.tables[0];
  return t ? { start: t.span.start, end: t.span.start } : { start: 0, end: 0 };
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
