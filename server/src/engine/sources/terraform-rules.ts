/**
 * OCI rules from evaluated Terraform blocks (`terraform/blocks.ts`): a security list's `ingress_security_rules`
 * / `egress_security_rules` (ports flattened in `tcp_options { min max }`), an NSG rule resource's body (ports
 * nested in `destination_port_range`). Values are exact where the evaluator knew them; an unknown one is
 * `kind: 'unknown'` (with the expression's text) and its reason goes into `Rule.unevaluated`.
 */
import type { ParseProblem } from '../parse/problem';
import type { EvalAttr, EvalBlock } from '../terraform/blocks';
import { asNumber, asString, type Val } from '../terraform/values';
import type { Span } from '../text/span';
import type { Rule, RulePorts, RuleProtocol, RuleSourceAddr } from './model';
import { cidrSource, describePorts, describeProtocol, describeSource, ociProtocol } from './source-common';

export const SECURITY_LIST = 'oci_core_security_list';
export const NSG_RULE = 'oci_core_network_security_group_security_rule';
export const NSG = 'oci_core_network_security_group';

/** What a rule's reading collects: problems (only for the first instance of a block), why values are unknown. */
export interface RuleReading {
  problems: ParseProblem[];
  reasons: Set<string>;
}

/** An argument's value; `null` counts as absent, as in Terraform. */
export function attr(b: EvalBlock, name: string): EvalAttr | undefined {
  const a = b.attrs.get(name);
  return a && a.value.k !== 'null' ? a : undefined;
}

/** A string from a known value (numbers and bools convert); `unknown` when the value is unknown. */
function text(a: EvalAttr | undefined, r: RuleReading): string | 'unknown' | undefined {
  if (!a) return undefined;
  if (a.value.k === 'unknown') {
    r.reasons.add(a.value.reason);
    return 'unknown';
  }
  return asString(a.value);
}

export function stringOf(a: EvalAttr | undefined): string | undefined {
  return a ? asString(a.value) : undefined;
}

function port(v: Val | undefined): number | undefined {
  const n = v ? asNumber(v) : undefined;
  return n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

function readProtocol(b: EvalBlock, span: Span, r: RuleReading): RuleProtocol {
  const a = attr(b, 'protocol');
  const s = text(a, r);
  if (s === undefined) {
    if (!a) r.problems.push({ message: 'the rule has no protocol', span });
    return a ? { kind: 'other', text: a.value.k } : { kind: 'other', text: '(none)' };
  }
  if (s === 'unknown') return { kind: 'unknown', text: a!.expr.text };
  return ociProtocol(s);
}

function optionsName(protocol: RuleProtocol, b: EvalBlock): 'tcp_options' | 'udp_options' | null {
  if (protocol.kind === 'one') return protocol.protocol === 'TCP' ? 'tcp_options' : protocol.protocol === 'UDP' ? 'udp_options' : null;
  if (protocol.kind === 'unknown') {
    const has = (n: string) => b.blocks.some((x) => x.type === n) || b.source.body.blocks.some((x) => x.type === 'dynamic' && x.labels[0]?.value === n);
    return has('tcp_options') ? 'tcp_options' : has('udp_options') ? 'udp_options' : null;
  }
  return null;
}

function readPorts(b: EvalBlock, protocol: RuleProtocol, nested: boolean, r: RuleReading): RulePorts {
  const name = optionsName(protocol, b);
  if (!name) return { kind: 'all' };
  const options = b.blocks.find((x) => x.type === name);
  if (!options) return { kind: 'all' };
  if (options.dynamic?.reason) {
    r.reasons.add(options.dynamic.reason);
    return { kind: 'unknown', text: `dynamic "${name}"` };
  }
  const range = options.blocks.find((x) => x.type === 'destination_port_range');
  let minMax: EvalBlock | null;
  if (nested) {
    if (!range && (options.attrs.has('min') || options.attrs.has('max'))) {
      r.problems.push({ message: `in ${NSG_RULE}, min and max belong in ${name} { destination_port_range { … } }`, span: options.source.span });
      return { kind: 'unknown', text: `${name} without destination_port_range` };
    }
    minMax = range ?? null;
  } else {
    if (range) {
      r.problems.push({ message: `in ${SECURITY_LIST}, min and max sit directly in ${name} { … } (there is no destination_port_range block)`, span: range.source.span });
      return { kind: 'unknown', text: `${name} with destination_port_range` };
    }
    minMax = options.attrs.has('min') || options.attrs.has('max') ? options : null;
  }
  if (!minMax) {
    // only the source port limited: the rule admits packets sent from those ports, which a client's connection (from
    // an ephemeral port) is not — no destination port is opened for it; empty options: every port
    const source = options.blocks.find((x) => x.type === 'source_port_range');
    if (!source) return { kind: 'all' };
    const sMin = attr(source, 'min');
    const sMax = attr(source, 'max');
    const lo = port(sMin?.value);
    const hi = port(sMax?.value);
    if (lo !== undefined && hi !== undefined && lo <= 1 && hi >= 65535) return { kind: 'all' };
    if (lo === undefined || hi === undefined) {
      for (const x of [sMin, sMax]) if (x?.value.k === 'unknown') r.reasons.add(x.value.reason);
      return { kind: 'unknown', text: `${name} with source_port_range only` };
    }
    return { kind: 'ranges', ranges: [] };
  }
  const minA = attr(minMax, 'min');
  const maxA = attr(minMax, 'max');
  const min = port(minA?.value);
  const max = port(maxA?.value);
  if (min !== undefined && max !== undefined && min <= max) return { kind: 'ranges', ranges: [{ min, max }] };
  const unresolved = [minA, maxA].filter((x) => x?.value.k === 'unknown');
  for (const x of unresolved) if (x?.value.k === 'unknown') r.reasons.add(x.value.reason);
  if (unresolved.length === 0) r.problems.push({ message: 'the port range needs min and max, 1–65535, with min ≤ max', span: minMax.source.body.span });
  return { kind: 'unknown', text: `${minA?.expr.text ?? '?'}-${maxA?.expr.text ?? '?'}` };
}

function readPeer(b: EvalBlock, span: Span, r: RuleReading, allowNsg: boolean, direction: 'ingress' | 'egress'): RuleSourceAddr {
  const peer = direction === 'ingress' ? 'source' : 'destination';
  const typeA = attr(b, `${peer}_type`);
  const type = text(typeA, r);
  if (type === 'unknown') return { kind: 'unknown', text: `${peer}_type = ${typeA!.expr.text}` };
  const sourceType = type ?? 'CIDR_BLOCK';
  const srcA = attr(b, peer);
  if (sourceType === 'SERVICE_CIDR_BLOCK') {
    const label = srcA ? asString(srcA.value) : undefined;
    return { kind: 'never', reason: `service CIDR label${label ? ` "${label}"` : ''} (SERVICE_CIDR_BLOCK)` };
  }
  if (sourceType === 'NETWORK_SECURITY_GROUP' && allowNsg) {
    const identity = srcA?.value.k === 'unknown' ? srcA.value.identity : undefined;
    return { kind: 'load-balancer', text: identity ?? srcA?.expr.text ?? '(network security group)' };
  }
  const s = text(srcA, r);
  if (s === undefined) {
    if (!srcA) {
      r.problems.push({ message: `the ${direction} rule has no ${peer}`, span });
      return { kind: 'never', reason: `no ${peer}` };
    }
    return { kind: 'never', reason: `the ${peer} is not a CIDR block` };
  }
  if (s === 'unknown') return { kind: 'unknown', text: srcA!.expr.text };
  const src = cidrSource(s);
  if (src.kind === 'never') r.problems.push({ message: `"${s}" is not a CIDR block`, span: srcA!.expr.span });
  return src;
}

export function summary(rule: Pick<Rule, 'protocol' | 'ports' | 'source'>, direction: 'ingress' | 'egress' = 'ingress'): string {
  return `${describeProtocol(rule.protocol)} ${describePorts(rule.ports)} ${direction === 'ingress' ? 'from' : 'to'} ${describeSource(rule.source)}`;
}

/** The values of a security list rule block (or of an NSG rule resource, `nsg`). */
export function readRuleValues(b: EvalBlock, span: Span, direction: 'ingress' | 'egress', nsg: boolean, r: RuleReading): Pick<Rule, 'protocol' | 'ports' | 'source'> {
  const protocol = readProtocol(b, span, r);
  const ports = readPorts(b, protocol, nsg, r);
  const source = readPeer(b, span, r, nsg, direction);
  return { protocol, ports, source };
}

/** Sets `unevaluated` when a value of the rule stayed unknown: the reasons, at `at` (a generated rule's line). */
export function markUnevaluated(rule: Rule, r: RuleReading, at: Span): void {
  const unknown = rule.protocol.kind === 'unknown' || rule.ports.kind === 'unknown' || rule.source.kind === 'unknown';
  if (!unknown) return;
  const reasons = [...r.reasons];
  rule.unevaluated = { reasons: reasons.length > 0 ? reasons : ['a value could not be evaluated'], at };
}
