/**
 * Rule sources: what guards the traffic (README.md). Every reader turns one file into these plain objects,
 * with spans pointing back into that file, and never throws: problems come back as `ParseProblem`s.
 */
import type { TopologyFacts } from '../topology/model';
import type { JsonNode } from '../parse/json';
import type { ParseProblem } from '../parse/problem';
import type { Span } from '../text/span';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface PortRange {
  min: number;
  max: number;
}

/** Which protocol a rule covers. `other` is a protocol we do not model (ICMP, GRE, ...): it never matches. */
export type RuleProtocol =
  | { kind: 'all' }
  | { kind: 'one'; protocol: Protocol }
  | { kind: 'other'; text: string }
  | { kind: 'unknown'; text: string };

/** Which destination ports a rule covers. */
export type RulePorts =
  | { kind: 'all' }
  | { kind: 'ranges'; ranges: PortRange[] }
  | { kind: 'unknown'; text: string };

/** Where the traffic a rule covers may come from. */
export type RuleSourceAddr =
  /** no restriction on the source */
  | { kind: 'any' }
  /** a CIDR in canonical text (a single address becomes /32 or /128); `invert` for firewalld `invert="True"` */
  | { kind: 'cidr'; cidr: string; invert?: boolean }
  /** an OCI NSG rule whose source is another NSG: matches only traffic that comes from a load balancer */
  | { kind: 'load-balancer'; text: string }
  /** a source that can never match a requirement (OCI SERVICE_CIDR_BLOCK, firewalld ipset/mac) */
  | { kind: 'never'; reason: string }
  /** a value we cannot evaluate (a Terraform expression without a literal value) */
  | { kind: 'unknown'; text: string };

/** One rule, already normalised: firewalld and OCI alike. */
export interface Rule {
  action: 'allow' | 'deny';
  protocol: RuleProtocol;
  ports: RulePorts;
  source: RuleSourceAddr;
  /** firewalld rich rule `family`; a rule with a family matches only addresses of that family */
  family?: 'ipv4' | 'ipv6';
  /** the rule's element, object or block in its file */
  span: Span;
  /** a short text that names the rule to a person: `<port port="443" protocol="tcp"/>`, `ingress rule "ssh"` */
  origin: string;
  /**
   * Set when some value of the rule (protocol, ports, source or destination) could not be evaluated: what was
   * unknown, in words a person can act on ("`data.oci_core_services.all` is a data source"), and where to say
   * so — the `for_each` / `count` / `dynamic` line for a generated rule (one report per such line), else the
   * rule itself. The unknown values themselves stay `kind: 'unknown'` in the fields above.
   */
  unevaluated?: { reasons: string[]; at: Span };
  /**
   * The file that holds the rule when it is not its source's own file: a `firewall-cmd` line in a script, an
   * Ansible task, that changed a zone (`span` and `unevaluated.at` are offsets into this file).
   */
  path?: string;
}

// ---------------------------------------------------------------------------------------------- firewalld

/**
 * Where an entry of a zone was written when it is not in the zone's file: a firewall command (script, cloud-init,
 * Ansible task) that added it (`span` is then in that file), and how a person names it there.
 */
export interface CommandOrigin {
  path?: string;
  origin?: string;
}

export interface ZonePortEntry extends CommandOrigin {
  kind: 'port';
  protocol: string; // as written, lower-case expected: tcp | udp | sctp | dccp
  range: PortRange | null; // null when the port attribute is not a valid port or range
  span: Span;
}

export interface ZoneProtocolEntry extends CommandOrigin {
  kind: 'protocol';
  value: string;
  span: Span;
}

export interface ZoneServiceEntry extends CommandOrigin {
  kind: 'service';
  name: string;
  span: Span;
}

export interface RichRuleSource {
  address?: string;
  ipset?: string;
  mac?: string;
  invert: boolean;
}

export type RichRuleMatch =
  | { kind: 'none' } // no <port>/<service>/<protocol>: all ports
  | { kind: 'port'; protocol: string; range: PortRange | null }
  | { kind: 'service'; name: string }
  | { kind: 'protocol'; value: string }
  | { kind: 'other'; element: string }; // icmp-block, forward-port, masquerade, source-port...: not a port allow

export interface ZoneRichRuleEntry extends CommandOrigin {
  kind: 'rich';
  action: 'accept' | 'drop' | 'reject' | 'mark' | 'none';
  family?: 'ipv4' | 'ipv6';
  source?: RichRuleSource;
  match: RichRuleMatch;
  span: Span;
}

/**
 * A firewall command whose value could not be evaluated (`--add-port=$PORT/tcp`, `port: "{{ port }}"` with no
 * definition): a rule with unknown ports (and protocol, unless it was written), never a guess.
 */
export interface ZoneUnknownEntry extends CommandOrigin {
  kind: 'unknown';
  /** the protocol, when it is written literally (`$PORT/tcp`) */
  protocol?: string;
  /** what could not be evaluated, in words */
  reasons: string[];
  /** where the unknown value is written */
  at: Span;
  span: Span;
}

export type ZoneEntry = ZonePortEntry | ZoneProtocolEntry | ZoneServiceEntry | ZoneRichRuleEntry | ZoneUnknownEntry;

/** Where a fix inserts a new child element into an XML root element. */
export interface XmlInsertPoint {
  /** offset at which the new line(s) go: right after the last child element's line, or before `</root>` */
  offset: number;
  /** indentation of the existing children (or two spaces when there are none) */
  indent: string;
  /** the file's newline: "\n" or "\r\n" */
  newline: string;
  /** true when the root is self-closing (`<zone/>`), so the fix must rewrite it */
  selfClosing: boolean;
  /**
   * true when `offset` is not at the start of a line (the last child, or the root's start tag, shares its line
   * with `</root>`): the fix then inserts `newline + indent + element + newline` instead of `indent + element +
   * newline`. Absent (false) in the usual case.
   */
  leadingNewline?: boolean;
  /** the span of the self-closing root tag, when `selfClosing` */
  rootTagSpan?: Span;
}

export interface FirewalldZoneFile {
  kind: 'firewalld-zone';
  path: string;
  /** zone name = file name without `.xml` */
  name: string;
  /** the root `<zone>` element */
  span: Span;
  target: 'default' | 'ACCEPT' | 'DROP' | 'REJECT';
  entries: ZoneEntry[];
  /** `<source address="…"/>` bindings: traffic from these addresses is governed by this zone */
  sourceBindings: { address: string; span: Span }[];
  insert: XmlInsertPoint;
}

export interface FirewalldServiceDef {
  name: string;
  ports: { protocol: string; range: PortRange }[];
  protocols: string[];
  includes: string[];
}

export interface FirewalldServiceFile extends FirewalldServiceDef {
  kind: 'firewalld-service';
  path: string;
  span: Span;
}

export interface FirewalldConf {
  kind: 'firewalld-conf';
  path: string;
  defaultZone?: { value: string; span: Span };
  strictForwardPorts?: { value: boolean; span: Span };
}

// ---------------------------------------------------------------------------------------------------- OCI

export interface OciJsonListInfo {
  /** key style of the file: `ingress-security-rules` (kebab) or `ingressSecurityRules` (camel) */
  keyStyle: 'kebab' | 'camel';
  /** jsonc-parser path to the ingress rule array, e.g. ['data', 'ingress-security-rules'] or ['data', 0, '…'] */
  rulesPath: (string | number)[];
  /** span of the ingress rule array */
  rulesSpan: Span;
  /** the ingress rule array as parsed (read-only): a fix appends to it without parsing the file again */
  rulesNode: JsonNode;
}

export interface TerraformBlockInfo {
  /** the resource's address, e.g. `oci_core_security_list.workers` */
  address: string;
  /** the whole `resource "…" "…" { … }` block */
  blockSpan: Span;
  /** offset of the closing `}` of the resource body */
  bodyEnd: number;
  /** indentation used inside the resource body (two spaces when it cannot be seen) */
  indent: string;
  newline: string;
}

export interface OciSecurityList {
  kind: 'oci-security-list';
  path: string;
  /** how a person names it: the display name, else the Terraform address, else the id */
  name: string;
  displayName?: string;
  id?: string;
  /** the list object (JSON) or the resource block (Terraform) */
  span: Span;
  /** the ingress rules */
  rules: Rule[];
  /** the egress rules (a rule's `source` holds its destination); absent: none were read */
  egressRules?: Rule[];
  json?: OciJsonListInfo;
  terraform?: TerraformBlockInfo;
  /** a list read from a Terraform plan or state (`terraform show -json`): its resource there (a generated file: no edits) */
  terraformJson?: TerraformJsonResourceInfo;
}

/**
 * One `oci_core_network_security_group_security_rule` resource with direction INGRESS (in `nsgRules`) or EGRESS
 * (in `nsgEgressRules`, its rule's `source` holding the destination).
 */
export interface OciNsgRuleResource {
  /** the expression that names the NSG, e.g. `oci_core_network_security_group.workers.id` */
  nsgExpr: string;
  /** the NSG's resource address when the expression refers to one: `oci_core_network_security_group.workers` */
  nsgAddress?: string;
  /** the NSG's OCID, when the plan or state knows it */
  nsgId?: string;
  rule: Rule;
  terraform: TerraformBlockInfo;
}

/** An `oci_core_network_security_group` resource (the group itself; its rules are separate resources). */
export interface OciNsgResource {
  address: string;
  displayName?: string;
  /** its OCID, when known (Terraform state, or a plan of a group that exists) */
  id?: string;
  span: Span;
}

/** A resource as a Terraform plan or state JSON holds it. */
export interface TerraformJsonResourceInfo {
  /** the full address, `module.network.oci_core_security_list.workers["a"]` */
  address: string;
  /** `planned_values` of a plan (values known only after apply are unknown), or `values` of a state */
  from: 'plan' | 'state';
  /** a security list's `ingress_security_rules` array as parsed (read-only), when known: for the copyable command */
  ingressNode?: JsonNode;
}

/**
 * What a Terraform plan or state JSON (`terraform show -json`) holds that Service Reach reads: the same resource
 * types as the `.tf` reader, every value exact, with their OCIDs where known. The NSG rules' `terraform` info
 * points at the resource object in the JSON (its address and span; nothing there is edited).
 */
export interface TerraformJsonFile {
  kind: 'terraform-json';
  path: string;
  from: 'plan' | 'state';
  securityLists: OciSecurityList[];
  nsgRules: OciNsgRuleResource[];
  nsgEgressRules: OciNsgRuleResource[];
  nsgs: OciNsgResource[];
  /** the OKE topology it holds: node pools, clusters, subnets */
  topology?: TopologyFacts;
}

/** Everything one Terraform file holds that Service Reach reads. */
export interface TerraformFile {
  kind: 'terraform';
  path: string;
  securityLists: OciSecurityList[];
  nsgRules: OciNsgRuleResource[];
  nsgEgressRules: OciNsgRuleResource[];
  nsgs: OciNsgResource[];
  /** the address (`type.name`) of every resource block, ours or not: a new resource must not take one */
  resources: string[];
  newline: string;
}

/** Values a Terraform module defines, used to resolve `var.x` and `local.x` in rules. */
export interface TerraformSymbols {
  /** `variable "x" { default = … }` literal defaults */
  variables: Map<string, string | number>;
  /** `locals { x = … }` literal values */
  locals: Map<string, string | number>;
}

export interface ReadResult<T> {
  value: T | null;
  problems: ParseProblem[];
}
