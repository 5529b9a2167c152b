/**
 * Errors are data: every finding code, its default severity, its title, the help text the docs and SARIF show,
 * and its documentation anchor. Where each code is detected, worded, fixed and tested: its entry in the registry
 * (registry/index.ts). A severity that depends on the situation is decided in the code's rule module (rules/)
 * and described in its help here.
 */
export type Severity = 'error' | 'warning' | 'info';

export type Category = 'api' | 'authoring' | 'reachability' | 'input';

export interface CodeInfo {
  severity: Severity;
  category: Category;
  /** a few words, used as the rule's name in SARIF and as a heading in the docs */
  title: string;
  /** what the finding means and how to fix it (markdown) */
  help: string;
  /** which fixes exist (empty: none) */
  fixes: string[];
}

export const DOCS_URL = 'https://github.com/service-reach/service-reach/blob/main/docs/rules.md';

const table = {
  // ------------------------------------------------------------------ what the API server would reject
  'invalid-service-type': {
    severity: 'error', category: 'api', title: 'Invalid Service type',
    help: '`spec.type` must be one of `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName` (case matters). The API server answers anything else with `Unsupported value`.',
    fixes: ['Replace with the closest valid type.'],
  },
  'invalid-port-number': {
    severity: 'error', category: 'api', title: 'Invalid port number',
    help: '`port`, `nodePort`, `healthCheckNodePort` and a numeric `targetPort` must be integers from 1 to 65535 (`nodePort: 0` and `healthCheckNodePort: 0` mean "pick one for me").',
    fixes: [],
  },
  'nodeport-out-of-range': {
    severity: 'error', category: 'api', title: 'nodePort outside the node-port range',
    help: 'The node-port allocator accepts only ports in `--service-node-port-range` (default 30000-32767; set `nodePortRange` in `.service-reach.yaml` when your cluster uses another), for `nodePort` and `healthCheckNodePort` alike.',
    fixes: ['Set `nodePort` to the lowest free port in the range.'],
  },
  'nodeport-not-allowed': {
    severity: 'error', category: 'api', title: 'nodePort on a ClusterIP Service',
    help: 'A `nodePort` may not be used when `type` is `ClusterIP`. Change the type to `NodePort` or `LoadBalancer`, or remove the `nodePort`.',
    fixes: [],
  },
  'nodeport-conflict': {
    severity: 'error', category: 'api', title: 'nodePort used by two Services',
    help: 'Node ports are one cluster-wide pool of numbers, whatever the protocol: the second Service that asks for a number already allocated is refused ("provided port is already allocated").',
    fixes: ['Set `nodePort` to the lowest free port in the range.'],
  },
  'duplicate-port': {
    severity: 'error', category: 'api', title: 'Duplicate port',
    help: 'Two ports of one Service may not share the same `port` and `protocol`, nor the same `nodePort` and `protocol`.',
    fixes: [],
  },
  'port-name-required': {
    severity: 'error', category: 'api', title: 'Port name required',
    help: 'When a Service has more than one port, every port needs a `name`.',
    fixes: ['Add a name derived from the port (`http` for 80, `https` for 443, else `port-N`).'],
  },
  'invalid-port-name': {
    severity: 'error', category: 'api', title: 'Invalid port name',
    help: 'A port name must be a DNS-1123 label (lower-case letters, digits and `-`, at most 63 characters, starting and ending with a letter or digit) and unique within the Service.',
    fixes: [],
  },
  'invalid-protocol': {
    severity: 'error', category: 'api', title: 'Invalid protocol',
    help: '`protocol` must be exactly `TCP`, `UDP` or `SCTP`; case matters (`tcp` is rejected).',
    fixes: ['Replace with the valid spelling.'],
  },
  'invalid-target-port': {
    severity: 'error', category: 'api', title: 'Invalid targetPort name',
    help: 'A named `targetPort` must be an IANA service name: at most 15 characters of `a-z`, `0-9` and `-`, at least one letter, no `--`, no leading or trailing `-`.',
    fixes: [],
  },
  'headless-not-allowed': {
    severity: 'error', category: 'api', title: 'Headless NodePort or LoadBalancer',
    help: '`clusterIP: None` (headless) may not be set for `NodePort` or `LoadBalancer` Services.',
    fixes: [],
  },
  'externalname-required': {
    severity: 'error', category: 'api', title: 'externalName required',
    help: 'A Service of type `ExternalName` needs `spec.externalName` (a DNS name).',
    fixes: [],
  },
  'missing-ports': {
    severity: 'error', category: 'api', title: 'No ports',
    help: '`spec.ports` is required unless the Service is headless (`clusterIP: None`) or of type `ExternalName`.',
    fixes: [],
  },
  'field-not-allowed': {
    severity: 'error', category: 'api', title: 'Field not allowed for this Service',
    help: '`loadBalancerSourceRanges` (or, when it is unset, the legacy annotation `service.beta.kubernetes.io/load-balancer-source-ranges`), `allocateLoadBalancerNodePorts` and `loadBalancerClass` are only for `LoadBalancer`; `healthCheckNodePort` only for `LoadBalancer` with `externalTrafficPolicy: Local`; `externalTrafficPolicy` only for externally reachable Services (NodePort, LoadBalancer, or ClusterIP with `externalIPs`). A field left empty (`null`, `0`, `""`, `[]`) is not set, and is no finding.',
    fixes: [],
  },
  'invalid-cidr': {
    severity: 'error', category: 'api', title: 'Invalid CIDR',
    help: 'Each `loadBalancerSourceRanges` entry, and each comma-separated entry of the legacy annotation `service.beta.kubernetes.io/load-balancer-source-ranges` (an empty one left by a stray comma too), must be a CIDR such as `203.0.113.0/24` or `2001:db8::/32`. The API server trims white space and accepts leading zeros, host bits set beyond the prefix and IPv4-mapped IPv6 (they only draw a warning).',
    fixes: [],
  },
  'invalid-value': {
    severity: 'error', category: 'api', title: 'Value the API server rejects',
    help: 'The API server rejects the value: `externalTrafficPolicy` and `internalTrafficPolicy` must be `Cluster` or `Local`; `sessionAffinity` `None` or `ClientIP`, with `sessionAffinityConfig.clientIP.timeoutSeconds` from 1 to 86400; `ipFamilies` entries `IPv4` or `IPv6`, each at most once; `ipFamilyPolicy` `SingleStack`, `PreferDualStack` or `RequireDualStack`; `trafficDistribution` `PreferClose`, `PreferSameZone` or `PreferSameNode` (case matters everywhere); `externalName` a DNS name (not a URL, no port); an ExternalName Service has no `clusterIP`, `ipFamilies` or `ipFamilyPolicy`; an `externalIPs` entry is an IP address that is not unspecified, loopback or link-local.',
    fixes: [],
  },
  // ------------------------------------------------------------------ authoring mistakes
  'unknown-field': {
    severity: 'warning', category: 'authoring', title: 'Unknown field',
    help: 'The Service schema has no such field; the API server drops it (or, with strict field validation, refuses the object). Usually a typo.',
    fixes: ['Replace with the suggested field name.'],
  },
  'selector-matches-nothing': {
    severity: 'warning', category: 'authoring', title: 'Selector matches no pod template',
    help: 'No workload in the Service\'s namespace has pod labels that match the selector, so the Service gets no endpoints. Checked only when the workspace holds at least one workload.',
    fixes: [],
  },
  'target-port-name-unknown': {
    severity: 'warning', category: 'authoring', title: 'targetPort name not declared',
    help: 'No container port of the pod templates the selector matches has this name (and protocol), so the Service gets no endpoints for this port.',
    fixes: [],
  },
  'target-port-not-declared': {
    severity: 'info', category: 'authoring', title: 'targetPort not declared by a container',
    help: 'No matched container declares this port number. Declaring container ports is optional, so this is only information; check the number.',
    fixes: [],
  },
  // ------------------------------------------------------------------ reachability
  'firewalld-port-closed': {
    severity: 'warning', category: 'reachability', title: 'Node firewalld zone does not allow the port',
    help: 'The firewalld zone that guards the nodes does not allow a node port or health-check port this Service needs. kube-proxy DNATs node-port traffic before firewalld\'s filter, so this is a warning, unless `StrictForwardPorts=yes`; the health-check port is served by kube-proxy on the host itself, so a closed health-check port is always an error.',
    fixes: ['Add `<port port="N" protocol="tcp"/>` (or `<service name="kube-nodeport-services"/>` for an unpinned port) to the zone file.', 'Copy the equivalent `firewall-cmd` commands.', 'When a rich rule you wrote drops or rejects the port, no fix is applied (fixes only add); the editor offers, as a separate action that is not preferred, to remove that rule.'],
  },
  'node-firewall-port-closed': {
    severity: 'warning', category: 'reachability', title: 'Node iptables or nftables rules block the port',
    help: 'The iptables-save file or nftables ruleset of the nodes drops or rejects a node port or health-check port this Service needs: the filter `INPUT` chain (iptables: first match wins, jumps and returns, the chain policy last) or the `input` hook chains (nftables: by priority, each must accept). The message names the rule that blocks. kube-proxy DNATs node-port traffic before the `INPUT` path, so for a node port this is a warning; the health-check port is served by kube-proxy on the host itself, so a closed health-check port is an error.',
    fixes: ['Insert an `ACCEPT` rule for exactly that port and source, in the file\'s own style, just before the catch-all rule that blocks it (nftables text: an `accept` rule).', 'Copy the equivalent `iptables -I INPUT …` / `nft insert rule …` command and the one that persists it.', 'When a rule you wrote for this port drops or rejects it, no fix is applied: remove that rule yourself if the port is meant to be open.'],
  },
  'security-list-port-closed': {
    severity: 'error', category: 'reachability', title: 'Worker security lists do not allow the port',
    help: 'No worker security list or network security group rule allows a node port or health-check port from the source that must reach it. In OCI mode `All` the cloud controller writes these rules; in `Frontend`, `None` or `NSG` without a backend NSG, they are yours to write.',
    fixes: ['Append an ingress rule to the security list (JSON or Terraform) or a new NSG rule resource.', 'Copy an `oci network security-list update` command.'],
  },
  'lb-listener-closed': {
    severity: 'error', category: 'reachability', title: 'Load-balancer subnet lists do not allow the listener',
    help: 'In management mode `None` (and for UDP in every mode: the cloud controller writes TCP rules only), the security lists of the load balancer\'s subnet must allow each listener port from each source range.',
    fixes: ['Append an ingress rule to the load-balancer subnet\'s list.', 'Copy an `oci network security-list update` command.'],
  },
  'lb-egress-closed': {
    severity: 'error', category: 'reachability', title: 'Load-balancer subnet lists do not allow egress to the nodes',
    help: 'The load balancer reaches the node ports and the health-check port through the egress rules of its subnet\'s security lists and attached NSGs. In management mode `All` the cloud controller writes them (TCP only); in `Frontend`, `None`, `NSG` without a backend NSG, and for UDP always, they are yours to write: an egress rule to the worker subnets on the port.',
    fixes: [],
  },
  'oci-no-node-ports': {
    severity: 'warning', category: 'reachability', title: 'OCI load balancer without node ports',
    help: 'With `allocateLoadBalancerNodePorts: false` a port without a `nodePort` gets none, and the OCI cloud controller registers its backends on port 0: the load balancer cannot reach the pods. Pin a `nodePort` for each port, or allocate node ports.',
    fixes: [],
  },
  'nodeport-unpinned': {
    severity: 'warning', category: 'reachability', title: 'Unpinned node port behind a firewall that does not open the range',
    help: 'The API server picks an unpinned node port at random from the range, but a firewall layer that you manage does not allow the whole range for this protocol: the port it picks may be closed. When the layer allows part of the range, pin the port to an allowed one (or open the range). When it allows no port of the range at all, and a closed port there is an error (security lists and NSGs, the health-check port, StrictForwardPorts), this is an error: the traffic is certain to be blocked, and pinning alone cannot help; open the port you pin, or the range.',
    fixes: ['Set `nodePort` to the lowest free port in the range.'],
  },
  'source-ranges-bypassed': {
    severity: 'warning', category: 'reachability', title: 'loadBalancerSourceRanges can be bypassed through the nodes',
    help: 'The source ranges restrict the load balancer, but the worker security lists and the node firewall let addresses outside those ranges (and outside the load-balancer subnets) reach the node ports directly: clients can go around the restriction through any node.',
    fixes: [],
  },
  'oci-udp-unsupported': {
    severity: 'error', category: 'reachability', title: 'UDP on an OCI load balancer',
    help: 'OCI load balancers (`lb`) do not support UDP; network load balancers (`nlb`) support UDP only when their security-list management mode (`oci-network-load-balancer.oraclecloud.com/security-list-management-mode`, default `None`) is `None`, whatever the rule management mode. The cloud controller refuses the Service, and builds no load balancer for it.',
    fixes: [],
  },
  'oci-session-affinity-unsupported': {
    severity: 'error', category: 'reachability', title: 'ClientIP session affinity on OCI',
    help: 'The OCI cloud controller only supports `sessionAffinity: None` for LoadBalancer Services.',
    fixes: [],
  },
  'oci-invalid-annotation': {
    severity: 'error', category: 'reachability', title: 'Invalid OCI annotation value',
    help: 'The OCI cloud controller does not accept this annotation value, and refuses the Service: it builds no load balancer for it. `security-rule-management-mode` takes `SL-All`, `SL-Frontend`, `NSG` in any case, and `None` exactly; NSG lists are split on `,` with spaces removed and duplicates dropped, an empty entry is refused, and at most 5 NSGs attach to a load balancer. (An invalid `oci-load-balancer-security-list-management-mode` is only a warning: the controller falls back to `All`.)',
    fixes: [],
  },
  // ------------------------------------------------------------------ input problems
  'yaml-syntax': {
    severity: 'error', category: 'input', title: 'YAML syntax error',
    help: 'The file is not valid YAML at this position. The rest of the file is still analysed where it can be read.',
    fixes: [],
  },
  'xml-syntax': {
    severity: 'error', category: 'input', title: 'XML syntax error',
    help: 'The firewalld file is not well-formed XML; firewalld would refuse to load it.',
    fixes: [],
  },
  'json-syntax': {
    severity: 'error', category: 'input', title: 'JSON syntax error',
    help: 'The security-list file is not valid JSON.',
    fixes: [],
  },
  'hcl-syntax': {
    severity: 'error', category: 'input', title: 'HCL syntax error',
    help: 'The Terraform file is not valid HCL at this position; the resources that can be read are still used.',
    fixes: [],
  },
  'netfilter-syntax': {
    severity: 'error', category: 'input', title: 'iptables or nftables syntax error',
    help: 'A line of an iptables-save file or nftables ruleset cannot be read (`iptables-restore` or `nft -f` would refuse the file). The rest of the file is still analysed.',
    fixes: [],
  },
  'firewall-command-invalid': {
    severity: 'warning', category: 'input', title: 'Firewall command not understood',
    help: 'A firewall-cmd line (in a script, cloud-init or an Ansible task) that firewall-cmd would refuse, or that cannot be read (an unclosed quote): it changes no zone here.',
    fixes: [],
  },
  'config-invalid': {
    severity: 'error', category: 'input', title: 'Invalid .service-reach.yaml',
    help: 'A setting in `.service-reach.yaml` has a wrong name, type or value. Analysis goes on with the default for that setting.',
    fixes: [],
  },
  'config-path-not-found': {
    severity: 'error', category: 'input', title: 'Configured file not found',
    help: 'A path in `.service-reach.yaml` names a file (or a resource in it) that does not exist in the workspace, or that is not the kind of rule source the setting expects.',
    fixes: [],
  },
  'config-path-outside-workspace': {
    severity: 'error', category: 'input', title: 'Configured path leaves the workspace',
    help: 'Paths in `.service-reach.yaml` must stay inside the workspace: no `..`, no absolute paths, no symbolic links that lead out. The path is ignored.',
    fixes: [],
  },
  'file-too-large': {
    severity: 'warning', category: 'input', title: 'File too large',
    help: 'The file is larger than `serviceReach.maxFileSize` (CLI: `--max-file-size`) and was skipped.',
    fixes: [],
  },
  'rules-not-evaluated': {
    severity: 'info', category: 'input', title: 'Rule not evaluated',
    help: 'A rule of a firewall, security list or NSG that guards the traffic has a protocol, ports, source or destination whose value could not be worked out: a Terraform expression without a value (a data source, a provider-computed attribute, a variable without a default), or a value a Terraform plan knows only after apply. Such a rule counts as allowing what it might allow, so it never causes a finding of its own; instead this finding says, at the rule (or at the `for_each`, `count` or `dynamic` line that generates several), what could not be evaluated, and hover, CodeLens and the exposure diagram show a verdict that depends on it as unknown, never as allowed.',
    fixes: [],
  },
  'template-not-rendered': {
    severity: 'info', category: 'input', title: 'Template not rendered',
    help: 'A Helm chart that could not be rendered as `helm template` renders it (a `fail`, a `required` value missing, a function that is not supported, a dependency found nowhere, a limit), a kustomization that could not be built as `kustomize build` builds it (a missing file, a loop, a patch that names no object, a failed JSON patch `test`), or an overlay built without what cannot be known here (a remote resource, a field such as `replacements` that is not evaluated). The finding names why; the templates of a chart that cannot be rendered are read as templates, the Services of a kustomization that cannot be built are read as plain manifests, and nothing that depends on what could not be rendered or built is reported as wrong.',
    fixes: [],
  },
  'input-too-complex': {
    severity: 'warning', category: 'input', title: 'Input too complex',
    help: 'The file goes past a safety limit (nesting depth, node count, alias expansion or parse time) and was only partly analysed.',
    fixes: [],
  },
  'unused-ignore': {
    severity: 'info', category: 'input', title: 'Suppression that matches nothing',
    help: 'A `# service-reach-ignore: CODE` comment or a `service-reach.io/ignore` annotation names a code that no finding has where it applies (the comment\'s line and the line below it; the annotation\'s Service), or a code that does not exist. Remove it, or correct the code.',
    fixes: [],
  },
} satisfies Record<string, CodeInfo>;

export type Code = keyof typeof table;

export const CODES: Readonly<Record<Code, CodeInfo>> = table;

export const ALL_CODES = Object.keys(table) as Code[];

export function docsUrl(code: Code): string {
  return `${DOCS_URL}#${code}`;
}
