/**
 * `rules-not-evaluated` (docs/rules.md): every rule of the layers the analysis uses (the node firewall zones, the
 * worker and load-balancer lists and NSGs, whatever their format) whose protocol, ports, source or destination
 * could not be evaluated — one finding per place (`rules/not-evaluated.ts` words it) — and the count of the rules
 * those layers hold, for the summary. A rule source that guards nothing is not reported: what it says does not
 * enter into any verdict.
 */
import type { Finding } from '../findings/finding';
import type { GuardSource } from '../exposure/matcher';
import type { Rule } from '../sources/model';
import type { SourceInputs } from '../sources/source-module';
import { rulesNotEvaluated, unevaluatedOf, type UnevaluatedRule } from '../rules/not-evaluated';
import type { Layers } from './reachability';
import type { ServiceReachConfig } from '../config/config';
import { AddressSet } from '../net/cidr';
import { evaluateRuleset, inputChains, portSegments, rulesetFamilies } from '../exposure/netfilter';
import type { NfRule } from '../sources/netfilter-model';
import { baseName } from '../util/paths';

/** The rule sources of every layer, each once, in layer order (firewalld, worker lists, load-balancer lists). */
export function layerSources(layers: Layers): GuardSource[] {
  const out: GuardSource[] = [];
  const seen = new Set<GuardSource>();
  const add = (list: readonly GuardSource[] | undefined) => {
    for (const s of list ?? []) if (!seen.has(s)) { seen.add(s); out.push(s); }
  };
  add(layers.firewalld?.nodeZones);
  add(layers.firewalld?.bindingZones);
  add(layers.workerLists?.sources);
  add(layers.lbLists?.sources);
  return out;
}

/** Each rule of the layers once, with whether it is an egress rule and the source it belongs to. */
function* layerRules(layers: Layers): Generator<{ rule: Rule; egress: boolean; source: GuardSource }> {
  const seen = new Set<Rule>();
  for (const source of layerSources(layers)) {
    for (const [rules, egress] of [[source.rules, false], [source.egress ?? [], true]] as const) {
      for (const rule of rules) {
        if (seen.has(rule)) continue;
        seen.add(rule);
        yield { rule, egress, source };
      }
    }
  }
}

/** How many rules the layers the analysis uses hold, and how many of them could not be evaluated. */
export interface RuleCounts {
  read: number;
  notEvaluated: number;
}

export function ruleCounts(layers: Layers, config?: Pick<ServiceReachConfig, 'nodePortRange' | 'kubeProxyHealthPort'>): RuleCounts {
  let read = 0;
  let notEvaluated = 0;
  for (const { rule, egress } of layerRules(layers)) {
    read++;
    if (unevaluatedOf(rule, egress)) notEvaluated++;
  }
  for (const s of layers.nodeFirewall?.sources ?? []) {
    for (const { chain } of inputChains(s.netfilter!)) read += chain.rules.length;
  }
  if (config) notEvaluated += nodeFirewallUnknowns(layers, config).length;
  return { read, notEvaluated };
}

/**
 * The node packet-filter rules (iptables-save, nftables) that decide traffic a Service may need — a node port of
 * the range or the health-check port, TCP or UDP, from anywhere — on something that cannot be known for a node (an
 * interface, a mark, a rate limit, a target not modelled): each with why. Kept per layers object.
 */
function nodeFirewallUnknowns(layers: Layers, config: Pick<ServiceReachConfig, 'nodePortRange' | 'kubeProxyHealthPort'>): { rule: NfRule | null; why: string; source: GuardSource }[] {
  const layer = layers.nodeFirewall;
  if (!layer) return [];
  const key = `${config.nodePortRange.min}-${config.nodePortRange.max}|${config.kubeProxyHealthPort}`;
  const kept = unknownsMemo.get(layer);
  if (kept && kept.key === key) return kept.value;
  const out: { rule: NfRule | null; why: string; source: GuardSource }[] = [];
  for (const source of layer.sources) {
    const rs = source.netfilter!;
    const seen = new Set<NfRule>();
    const ports = [...portSegments([rs], config.nodePortRange).map((r) => r.min), config.kubeProxyHealthPort];
    for (const family of rulesetFamilies(rs)) {
      for (const protocol of ['TCP', 'UDP'] as const) {
        for (const port of ports) {
          const a = evaluateRuleset(rs, AddressSet.family(family), { protocol, port }, `any${family}`);
          for (const u of a.unknownRules) if (!seen.has(u.rule)) { seen.add(u.rule); out.push({ rule: u.rule, why: u.why, source }); }
        }
      }
    }
    for (const u of rs.unresolved) out.push({ rule: null, why: u, source });
  }
  unknownsMemo.set(layer, { key, value: out });
  return out;
}
const unknownsMemo = new WeakMap<object, { key: string; value: { rule: NfRule | null; why: string; source: GuardSource }[] }>();

/**
 * The `rules-not-evaluated` findings of the layers: one per place a rule's `unevaluated.at` (or the rule itself)
 * names. `inputs` tells which file each rule is in (an NSG's rules may sit in other files than the NSG).
 */
export function checkRulesNotEvaluated(layers: Layers, inputs: SourceInputs, config?: Pick<ServiceReachConfig, 'nodePortRange' | 'kubeProxyHealthPort'>): Finding[] {
  let pathOf: Map<Rule, string> | undefined;
  const fileOf = (rule: Rule, source: GuardSource): string => {
    if (!pathOf) {
      pathOf = new Map();
      for (const l of inputs.ociLists) for (const r of [...l.rules, ...(l.egressRules ?? [])]) pathOf.set(r, l.path);
      for (const r of inputs.ociNsgRules) pathOf.set(r.res.rule, r.path);
    }
    return pathOf.get(rule) ?? source.path;
  };
  const groups = new Map<string, { path: string; rules: UnevaluatedRule[] }>();
  for (const { rule, egress, source } of layerRules(layers)) {
    const note = unevaluatedOf(rule, egress);
    if (!note) continue;
    const path = fileOf(rule, source);
    const key = `${path}|${note.at.start}|${note.at.end}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { path, rules: [] }));
    g.rules.push({ rule, path, sourceLabel: source.label, note });
  }
  const out = [...groups.values()].map((g) => rulesNotEvaluated(g.path, g.rules[0].note.at, g.rules));
  // the node's packet filter: each rule that decides such traffic on what cannot be known, once
  for (const u of config ? nodeFirewallUnknowns(layers, config) : []) {
    const span = u.rule?.span ?? { start: 0, end: 0 };
    const origin = u.rule ? `${baseName(u.source.path)}:${u.rule.line} ${u.rule.text}` : `(${u.why})`;
    const rule: Rule = {
      action: 'allow', protocol: { kind: 'all' }, ports: { kind: 'all' }, source: { kind: 'any' }, span, origin,
      unevaluated: { reasons: [u.why], at: span },
    };
    out.push(rulesNotEvaluated(u.source.path, span, [{ rule, path: u.source.path, sourceLabel: u.source.label, note: { fields: [], reasons: [u.why], at: span } }]));
  }
  return out;
}
