/**
 * OCI security lists in JSON, as the OCI CLI prints them:
 *  - `oci network security-list get`:  `{"data": { …list… }, "etag": "…"}`
 *  - `oci network security-list list`: `{"data": [ …lists… ]}`
 *  - a bare list object, or a top-level array of list objects.
 * Keys are kebab-case (CLI output: `ingress-security-rules`, `tcp-options`, `destination-port-range`) or
 * camelCase (SDK/API: `ingressSecurityRules`, `tcpOptions`, `destinationPortRange`). Null is normal for any
 * unused field. Ingress rules guard what reaches the subnet; egress rules (`destination` in place of `source`)
 * what a load balancer in it may send to the nodes.
 */
import {
  arrayItems,
  isJsonNull,
  jsonSpan,
  numberValue,
  parseJson,
  propertyValue,
  stringValue,
  type JsonNode,
} from '../parse/json';
import type { ParseProblem } from '../parse/problem';
import type { OciSecurityList, PortRange, ReadResult, Rule, RulePorts, RuleProtocol, RuleSourceAddr } from './model';
import { baseName, cidrSource, describePorts, describeProtocol, describeSource, ociProtocol } from './source-common';

type KeyStyle = 'kebab' | 'camel';

const KEYS = {
  kebab: {
    ingress: 'ingress-security-rules',
    egress: 'egress-security-rules',
    destinationType: 'destination-type',
    displayName: 'display-name',
    sourceType: 'source-type',
    tcpOptions: 'tcp-options',
    udpOptions: 'udp-options',
    destinationPortRange: 'destination-port-range',
    sourcePortRange: 'source-port-range',
    isStateless: 'is-stateless',
  },
  camel: {
    ingress: 'ingressSecurityRules',
    egress: 'egressSecurityRules',
    destinationType: 'destinationType',
    displayName: 'displayName',
    sourceType: 'sourceType',
    tcpOptions: 'tcpOptions',
    udpOptions: 'udpOptions',
    destinationPortRange: 'destinationPortRange',
    sourcePortRange: 'sourcePortRange',
    isStateless: 'isStateless',
  },
} as const;

/** Property lookup that prefers the file's key style but accepts the other (the CLI accepts both as input). */
function prop(obj: JsonNode, style: KeyStyle, key: keyof (typeof KEYS)['kebab']): JsonNode | undefined {
  const v = propertyValue(obj, KEYS[style][key]);
  if (v !== undefined) return v;
  return propertyValue(obj, KEYS[style === 'kebab' ? 'camel' : 'kebab'][key]);
}

interface Candidate {
  node: JsonNode;
  path: (string | number)[];
}

/** The objects that may be security lists: `data` (object or array items), the root, or root array items. */
function candidates(root: JsonNode): Candidate[] {
  if (root.type === 'array') return arrayItems(root).map((node, i) => ({ node, path: [i] }));
  if (root.type !== 'object') return [];
  const data = propertyValue(root, 'data');
  if (data && data.type === 'object') return [{ node: data, path: ['data'] }, { node: root, path: [] }];
  if (data && data.type === 'array') return arrayItems(data).map((node, i) => ({ node, path: ['data', i] }));
  return [{ node: root, path: [] }];
}

function ingressKey(obj: JsonNode): { style: KeyStyle; value: JsonNode } | undefined {
  if (obj.type !== 'object') return undefined;
  const kebab = propertyValue(obj, KEYS.kebab.ingress);
  if (kebab) return { style: 'kebab', value: kebab };
  const camel = propertyValue(obj, KEYS.camel.ingress);
  if (camel) return { style: 'camel', value: camel };
  return undefined;
}

/**
 * Reads the security lists of a JSON file. Value null (and no problems) when the file holds none, e.g. a
 * package.json or a Kubernetes manifest. JSON syntax problems are reported only when the file is evidently
 * meant to hold a security list: the tolerant parse still finds one, or the text contains one of the ingress
 * rule keys.
 */
export function readOciSecurityListsJson(path: string, text: string): ReadResult<OciSecurityList[]> {
  const { root, problems: syntax } = parseJson(text);
  const lists: OciSecurityList[] = [];
  const problems: ParseProblem[] = [];
  if (root) {
    for (const c of candidates(root)) {
      const found = ingressKey(c.node);
      if (!found) continue;
      lists.push(readList(path, c.node, found.style, found.value, [...c.path, KEYS[found.style].ingress], lists.length, problems));
      if (c.path.length === 1 && c.path[0] === 'data') break; // `get` output: the root itself is not a list
    }
  }
  const meant = lists.length > 0 || text.includes(KEYS.kebab.ingress) || text.includes(KEYS.camel.ingress);
  if (!meant) return { value: null, problems: [] };
  return { value: lists.length > 0 ? lists : null, problems: [...syntax, ...problems] };
}

function readList(
  path: string,
  obj: JsonNode,
  style: KeyStyle,
  rulesNode: JsonNode,
  rulesPath: (string | number)[],
  index: number,
  problems: ParseProblem[],
): OciSecurityList {
  const displayName = stringValue(prop(obj, style, 'displayName'));
  const id = stringValue(propertyValue(obj, 'id'));
  const egressRules: Rule[] = [];
  const list: OciSecurityList = {
    kind: 'oci-security-list',
    path,
    name: displayName ?? id ?? `${baseName(path)} list #${index + 1}`,
    span: jsonSpan(obj),
    rules: [],
    egressRules,
    json: { keyStyle: style, rulesPath, rulesSpan: jsonSpan(rulesNode), rulesNode },
  };
  if (displayName !== undefined) list.displayName = displayName;
  if (id !== undefined) list.id = id;
  readRules(rulesNode, style, 'ingress', list.rules, problems);
  const egressNode = prop(obj, style, 'egress');
  // (what an egress rule lacks is not reported: egress only matters for a load balancer's way to the nodes)
  if (egressNode) readRules(egressNode, style, 'egress', egressRules, []);
  return list;
}

type Direction = 'ingress' | 'egress';

function readRules(rulesNode: JsonNode, style: KeyStyle, direction: Direction, into: Rule[], problems: ParseProblem[]): void {
  if (rulesNode.type === 'array') {
    arrayItems(rulesNode).forEach((ruleNode, i) => {
      const rule = readRule(ruleNode, style, direction, i, problems);
      if (rule) into.push(rule);
    });
  } else if (!isJsonNull(rulesNode)) {
    problems.push({ message: `${KEYS[style][direction]} should be an array of rules`, span: jsonSpan(rulesNode) });
  }
}

function readRule(node: JsonNode, style: KeyStyle, direction: Direction, index: number, problems: ParseProblem[]): Rule | null {
  const span = jsonSpan(node);
  if (node.type !== 'object') {
    problems.push({ message: `an ${direction} rule should be an object`, span });
    return null;
  }
  // protocol
  const protocolNode = propertyValue(node, 'protocol');
  const protocolValue = stringValue(protocolNode) ?? numberValue(protocolNode);
  let protocol: RuleProtocol;
  if (protocolValue === undefined) {
    problems.push({ message: `the ${direction} rule has no protocol`, span: protocolNode ? jsonSpan(protocolNode) : span });
    protocol = { kind: 'other', text: '(none)' };
  } else protocol = ociProtocol(protocolValue);

  // destination ports: options of the rule's own protocol; none means every port
  let ports: RulePorts = { kind: 'all' };
  if (protocol.kind === 'one' && protocol.protocol !== 'SCTP') {
    const options = prop(node, style, protocol.protocol === 'TCP' ? 'tcpOptions' : 'udpOptions');
    if (options && options.type === 'object') {
      const range = prop(options, style, 'destinationPortRange');
      const sourceRange = prop(options, style, 'sourcePortRange');
      if (range && range.type === 'object') ports = readRange(range, problems);
      // only the source port limited: the rule admits packets sent from those ports, which a client's connection
      // (from an ephemeral port) is not — no destination port is opened for it
      else if (sourceRange && sourceRange.type === 'object') {
        const source = readRange(sourceRange, []);
        if (source.kind === 'unknown') ports = source;
        else if (!wholePortRange(source)) ports = { kind: 'ranges', ranges: [] };
      }
    }
  }

  // source (an egress rule's destination)
  const peer = direction === 'ingress' ? 'source' : 'destination';
  const sourceType = stringValue(prop(node, style, direction === 'ingress' ? 'sourceType' : 'destinationType'));
  const sourceNode = propertyValue(node, peer);
  const sourceText = stringValue(sourceNode);
  let source: RuleSourceAddr;
  if (sourceType === 'SERVICE_CIDR_BLOCK') {
    source = { kind: 'never', reason: `service CIDR label${sourceText ? ` "${sourceText}"` : ''} (SERVICE_CIDR_BLOCK)` };
  } else if (sourceType === 'NETWORK_SECURITY_GROUP') {
    source = { kind: 'load-balancer', text: sourceText ?? '(network security group)' };
  } else if (sourceText === undefined) {
    problems.push({ message: `the ${direction} rule has no ${peer}`, span: sourceNode ? jsonSpan(sourceNode) : span });
    source = { kind: 'never', reason: `no ${peer}` };
  } else {
    source = cidrSource(sourceText);
    if (source.kind === 'never' && sourceNode) problems.push({ message: `"${sourceText}" is not a CIDR block`, span: jsonSpan(sourceNode) });
  }

  // `is-stateless` does not matter here: stateless or not, an ingress rule admits the traffic it matches
  const description = stringValue(propertyValue(node, 'description'));
  const summary = `${describeProtocol(protocol)} ${describePorts(ports)} ${direction === 'ingress' ? 'from' : 'to'} ${describeSource(source)}`;
  const origin = description ? `${direction} rule "${description}" (${summary})` : `${direction} rule #${index + 1} (${summary})`;
  return { action: 'allow', protocol, ports, source, span, origin };
}

function readRange(range: JsonNode, problems: ParseProblem[]): RulePorts {
  const minNode = propertyValue(range, 'min');
  const maxNode = propertyValue(range, 'max');
  const min = numberValue(minNode);
  const max = numberValue(maxNode);
  const ok = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n >= 1 && n <= 65535;
  if (ok(min) && ok(max) && min <= max) {
    const r: PortRange = { min, max };
    return { kind: 'ranges', ranges: [r] };
  }
  problems.push({ message: 'destination port range needs min and max, 1–65535, with min ≤ max', span: jsonSpan(range) });
  return { kind: 'unknown', text: `${minNode ? minNode.value : '?'}-${maxNode ? maxNode.value : '?'}` };
}

/** A port range that is every port (1–65535): no restriction. */
function wholePortRange(p: RulePorts): boolean {
  return p.kind === 'all' || (p.kind === 'ranges' && p.ranges.some((r) => r.min <= 1 && r.max >= 65535));
}
