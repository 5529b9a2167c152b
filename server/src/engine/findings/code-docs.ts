/**
 * The reference text of every finding code beyond its help: why it matters, an example that makes it, and how to
 * fix it by hand. `scripts/gen-rules-doc.mjs` writes docs/rules.md from this and `codes.ts`; a test runs every
 * example through the CLI and expects its code. Documentation only: nothing in the engine reads it.
 */
import type { Code } from './codes';

export interface CodeDoc {
  /** what goes wrong if the finding is left (markdown) */
  why: string;
  /** a small repository that makes the finding: files by path, and extra `check` arguments */
  example: { files: Record<string, string>; args?: string[] };
  /** how to fix it by hand (markdown); the quick fixes are `CODES[code].fixes` */
  fix: string;
}

const svc = (name: string, spec: string, meta = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n${meta}spec:\n${spec}`;

const zone = (body: string) => `<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n${body}</zone>\n`;

const docs = {
  'invalid-service-type': {
    why: 'The API server refuses the whole Service (`Unsupported value`): nothing of it is created, and an apply of the file stops there.',
    example: { files: { 'web.yaml': svc('web', '  type: Nodeport\n  selector: {app: web}\n  ports:\n    - port: 80\n') } },
    fix: 'Write the type exactly as the API spells it: `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.',
  },
  'invalid-port-number': {
    why: 'The API server refuses the Service. A port out of range is usually a typo or two numbers run together.',
    example: { files: { 'web.yaml': svc('web', '  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: 80800\n') } },
    fix: 'Use a whole number from 1 to 65535. To let the cluster pick a node port, leave `nodePort` out (or write `0`).',
  },
  'nodeport-out-of-range': {
    why: 'The node-port allocator refuses the Service ("provided port is not in the valid range"), so it is never created.',
    example: { files: { 'web.yaml': svc('web', '  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      nodePort: 8080\n') } },
    fix: 'Pick a port inside the range (30000-32767 unless the cluster says otherwise), or leave `nodePort` out. If your cluster runs with another `--service-node-port-range`, say so with `nodePortRange` in `.service-reach.yaml`.',
  },
  'nodeport-not-allowed': {
    why: 'The API server refuses the Service. It is often left behind when a Service was changed from `NodePort` back to `ClusterIP`.',
    example: { files: { 'cache.yaml': svc('cache', '  selector: {app: cache}\n  ports:\n    - port: 6379\n      nodePort: 30379\n') } },
    fix: 'Remove the `nodePort`, or set `type: NodePort` (or `LoadBalancer`) if the port must be reachable on the nodes.',
  },
  'nodeport-conflict': {
    why: 'Whichever of the two Services is applied second is refused ("provided port is already allocated"). Which one fails depends on the order they reach the cluster, so it can work in one cluster and fail in the next.',
    example: {
      files: {
        'grafana.yaml': svc('grafana', '  type: NodePort\n  selector: {app: grafana}\n  ports:\n    - port: 3000\n      nodePort: 30500\n'),
        'kibana.yaml': svc('kibana', '  type: NodePort\n  selector: {app: kibana}\n  ports:\n    - port: 5601\n      nodePort: 30500\n'),
      },
    },
    fix: 'Give one of the Services another free node port, or leave its `nodePort` out. A TCP and a UDP port of the *same* Service may share a number.',
  },
  'duplicate-port': {
    why: 'The API server refuses the Service (`Duplicate value`). Usually the second entry was meant for the other protocol.',
    example: { files: { 'dns.yaml': svc('dns', '  selector: {app: dns}\n  ports:\n    - name: dns-tcp\n      port: 53\n    - name: dns-udp\n      port: 53\n') } },
    fix: 'Give the second port another number or another protocol (here: `protocol: UDP` on `dns-udp`).',
  },
  'port-name-required': {
    why: 'The API server refuses the Service (`Required value`): with more than one port, endpoints tell the ports apart by name.',
    example: { files: { 'api.yaml': svc('api', '  selector: {app: api}\n  ports:\n    - port: 80\n    - port: 9090\n') } },
    fix: 'Name every port (`name: http`, `name: metrics`, …).',
  },
  'invalid-port-name': {
    why: 'The API server refuses the Service. Port names must be DNS labels so that SRV records can be made from them.',
    example: { files: { 'api.yaml': svc('api', '  selector: {app: api}\n  ports:\n    - name: HTTP\n      port: 80\n') } },
    fix: 'Use lower-case letters, digits and `-` (at most 63, starting and ending with a letter or digit), and a different name for each port.',
  },
  'invalid-protocol': {
    why: 'The API server refuses the Service (`Unsupported value: "tcp"`): the protocol is case-sensitive.',
    example: { files: { 'api.yaml': svc('api', '  selector: {app: api}\n  ports:\n    - port: 80\n      protocol: tcp\n') } },
    fix: 'Write `TCP`, `UDP` or `SCTP` in capitals.',
  },
  'invalid-target-port': {
    why: 'The API server refuses the Service: a named `targetPort` refers to a container port name, and those are at most 15 characters.',
    example: { files: { 'api.yaml': svc('api', '  selector: {app: api}\n  ports:\n    - port: 9090\n      targetPort: metrics-endpoint\n') } },
    fix: 'Use the container port\'s name (shorten both to at most 15 characters of `a-z`, `0-9` and `-`), or its number.',
  },
  'headless-not-allowed': {
    why: 'The API server refuses the Service: a headless Service has no cluster IP, and node ports and load balancers forward to one.',
    example: { files: { 'db.yaml': svc('db', '  type: NodePort\n  clusterIP: None\n  selector: {app: db}\n  ports:\n    - port: 5432\n') } },
    fix: 'Remove `clusterIP: None`, or keep the headless Service as `ClusterIP` and add a second Service for the outside.',
  },
  'externalname-required': {
    why: 'The API server refuses the Service (`Required value`): an `ExternalName` Service is nothing but a DNS alias.',
    example: { files: { 'db.yaml': svc('db', '  type: ExternalName\n') } },
    fix: 'Set `spec.externalName` to the DNS name the Service stands for (`db.example.com`).',
  },
  'missing-ports': {
    why: 'The API server refuses the Service (`spec.ports: Required value`).',
    example: { files: { 'web.yaml': svc('web', '  selector: {app: web}\n') } },
    fix: 'Add the ports the Service serves, or make it headless (`clusterIP: None`) if it exists only for DNS.',
  },
  'field-not-allowed': {
    why: 'The API server refuses the Service. Such a field is usually left behind from an earlier type.',
    example: { files: { 'web.yaml': svc('web', '  type: NodePort\n  loadBalancerSourceRanges: [203.0.113.0/24]\n  selector: {app: web}\n  ports:\n    - port: 80\n') } },
    fix: 'Remove the field, or change the type to one that takes it.',
  },
  'invalid-cidr': {
    why: 'The API server refuses the Service, so the restriction you meant to put on the load balancer never exists.',
    example: { files: { 'web.yaml': svc('web', '  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/33]\n  selector: {app: web}\n  ports:\n    - port: 443\n') } },
    fix: 'Write each entry as an address and a prefix length: `203.0.113.0/24`, `2001:db8::/32`.',
  },
  'invalid-value': {
    why: 'The API server refuses the whole Service (`Unsupported value` or `Invalid value`): nothing of it is created. Values are case-sensitive: `local` is not `Local`.',
    example: { files: { 'web.yaml': svc('web', '  type: NodePort\n  externalTrafficPolicy: local\n  selector: {app: web}\n  ports:\n    - port: 80\n') } },
    fix: 'Use one of the values the message lists, spelt exactly (here `Local`); for `externalName`, a host name without a scheme or port; for `externalIPs`, addresses that are not loopback, link-local or unspecified.',
  },
  'unknown-field': {
    why: 'The API server drops a field it does not know (with strict field validation it refuses the object), so the setting you wrote silently does nothing.',
    example: { files: { 'web.yaml': svc('web', '  selector: {app: web}\n  ports:\n    - port: 80\n      targetport: 8080\n') } },
    fix: 'Correct the spelling (here `targetPort`).',
  },
  'selector-matches-nothing': {
    why: 'The Service gets no endpoints: its name resolves, but every connection is refused or times out.',
    example: {
      files: {
        'web.yaml': svc('web', '  selector: {app: web}\n  ports:\n    - port: 80\n')
          + '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web-frontend}\n  template:\n    metadata:\n      labels: {app: web-frontend}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n',
      },
    },
    fix: 'Make the selector match the labels of the pod template (`spec.template.metadata.labels`, not the workload\'s own labels) of a workload in the Service\'s namespace.',
  },
  'target-port-name-unknown': {
    why: 'The endpoints have no such port, so traffic to this Service port goes nowhere.',
    example: {
      files: {
        'web.yaml': svc('web', '  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: htpp\n')
          + '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n            - name: http\n              containerPort: 8080\n',
      },
    },
    fix: 'Use the name of a container port of the selected pods (with the same protocol), or its number.',
  },
  'target-port-not-declared': {
    why: 'Declaring container ports is optional, so the port may be served all the same; but a wrong number sends traffic to a port nothing listens on.',
    example: {
      files: {
        'web.yaml': svc('web', '  selector: {app: web}\n  ports:\n    - port: 80\n      targetPort: 8081\n')
          + '---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports:\n            - containerPort: 8080\n',
      },
    },
    fix: 'Check the number; if it is right, declare it as a `containerPort` so that the next reader knows.',
  },
  'firewalld-port-closed': {
    why: 'With `StrictForwardPorts=yes` or kube-proxy in IPVS mode, firewalld drops node-port traffic that its zone does not allow. The health-check port is served by kube-proxy on the host itself, so when it is closed the load balancer marks every node unhealthy.',
    example: {
      files: {
        'web.yaml': svc('web', '  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      nodePort: 30080\n'),
        'etc/firewalld/zones/public.xml': zone(''),
      },
    },
    fix: 'Add `<port port="30080" protocol="tcp"/>` to the zone file (or a rich rule from the sources that need it), or run `firewall-cmd --permanent --zone=public --add-port=30080/tcp` and `firewall-cmd --reload` on the nodes. When the message names a rich rule of yours that drops or rejects the port, that rule says the port is meant to be closed: remove it yourself if it is not.',
  },
  'node-firewall-port-closed': {
    why: 'Oracle\'s Ubuntu images ship `/etc/iptables/rules.v4` ending in `-A INPUT -j REJECT --reject-with icmp-host-prohibited`: a port open in every security list is still refused by the node itself. The health-check port is served by kube-proxy on the host, so when it is closed the load balancer marks every node unhealthy; node-port traffic is DNATed by kube-proxy before `INPUT`, which usually gets it through, but not for a port served on the host.',
    example: {
      files: {
        'web.yaml': svc('web', '  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      nodePort: 30080\n'),
        'etc/iptables/rules.v4': '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\nCOMMIT\n',
      },
    },
    fix: 'Insert `-A INPUT -p tcp -m state --state NEW -m tcp --dport 30080 -j ACCEPT` just before the `REJECT` line (or, in an nftables ruleset, `tcp dport 30080 accept` before the rule that drops it), or run `iptables -I INPUT -p tcp -m state --state NEW -m tcp --dport 30080 -j ACCEPT` and `netfilter-persistent save` on the nodes. When the message names a rule of yours written for this port that drops or rejects it, that rule says the port is meant to be closed: remove it yourself if it is not.',
  },
  'security-list-port-closed': {
    why: 'OCI security lists and NSGs filter traffic before it reaches the worker nodes: without a rule the packets are dropped, and a load balancer marks its backends unhealthy.',
    example: {
      files: {
        'web.yaml': svc('web', '  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      nodePort: 30080\n'),
        'workers.json': '{"data": {"display-name": "workers", "ingress-security-rules": [\n  {"protocol": "6", "source": "0.0.0.0/0", "tcp-options": {"destination-port-range": {"min": 22, "max": 22}}}\n]}}\n',
      },
    },
    fix: 'Add an ingress rule for the port and protocol, from the source named in the message (the load-balancer subnet, the clients), to a security list of the worker subnet or an NSG of the workers — or let the cloud controller manage the worker rules (management mode `All`).',
  },
  'lb-listener-closed': {
    why: 'In mode `None` nobody opens the load balancer\'s own subnet for you: clients cannot reach the listener at all.',
    example: {
      files: {
        '.service-reach.yaml': 'loadBalancers:\n  securityLists: [lb.tf#oci_core_security_list.lb]\n',
        'lb.tf': 'resource "oci_core_security_list" "lb" {\n  ingress_security_rules {\n    protocol = "6"\n    source   = "0.0.0.0/0"\n    tcp_options {\n      min = 80\n      max = 80\n    }\n  }\n  egress_security_rules {\n    protocol    = "6"\n    destination = "0.0.0.0/0"\n  }\n}\n',
        'web.yaml': svc('web', '  type: LoadBalancer\n  selector: {app: web}\n  ports:\n    - name: https\n      port: 443\n      nodePort: 30443\n',
          '  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode: None\n'),
      },
    },
    fix: 'Add an ingress rule for the listener port from each source range (0.0.0.0/0 when the Service has none) to the load-balancer subnet\'s security list.',
  },
  'lb-egress-closed': {
    why: 'The load balancer\'s own subnet must let it out towards the node ports and the health-check port: without an egress rule its health checks fail, it marks every backend unhealthy and serves nothing. In mode `All` the cloud controller writes these rules; in `Frontend`, `None` (and for UDP in every mode) they are yours.',
    example: {
      files: {
        '.service-reach.yaml': 'loadBalancers:\n  securityLists: [lb.tf#oci_core_security_list.lb]\n',
        'lb.tf': 'resource "oci_core_security_list" "lb" {\n  ingress_security_rules {\n    protocol = "6"\n    source   = "0.0.0.0/0"\n    tcp_options {\n      min = 443\n      max = 443\n    }\n  }\n}\n',
        'web.yaml': svc('web', '  type: LoadBalancer\n  selector: {app: web}\n  ports:\n    - name: https\n      port: 443\n      nodePort: 30443\n',
          '  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-security-list-management-mode: Frontend\n'),
      },
    },
    fix: 'Add an egress rule to the load-balancer subnet\'s security list (or its NSG) towards the worker subnet on the node-port range and the health-check port (10256 unless `externalTrafficPolicy: Local`), for TCP (and UDP for UDP ports).',
  },
  'oci-no-node-ports': {
    why: 'With `allocateLoadBalancerNodePorts: false` a port without `nodePort` gets no node port, and the OCI cloud controller registers the load balancer\'s backends on port 0: the load balancer is built, but cannot reach the pods.',
    example: { files: { 'web.yaml': svc('web', '  type: LoadBalancer\n  allocateLoadBalancerNodePorts: false\n  selector: {app: web}\n  ports:\n    - port: 443\n', '  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-shape: flexible\n') } },
    fix: 'Pin a `nodePort` for every port, or leave node ports allocated (remove `allocateLoadBalancerNodePorts: false`).',
  },
  'nodeport-unpinned': {
    why: 'The cluster picks the port at random: it may happen to be open today and closed after the Service is re-created.',
    example: {
      files: {
        'web.yaml': svc('web', '  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n'),
        'etc/firewalld/zones/public.xml': zone('  <port port="30080" protocol="tcp"/>\n'),
      },
    },
    fix: 'Every fix offered clears it in one step. Preferred: pin `nodePort` to a free port the rules already open; when they open none, pin it to the lowest free port **and** add the rule for that port, in one action. Or open the whole range for the protocol (firewalld\'s `kube-nodeport-services` service does it for TCP). A pin that would leave the port closed is never offered.',
  },
  'source-ranges-bypassed': {
    why: '`loadBalancerSourceRanges` is enforced by the load balancer only. When the nodes accept the node port from anywhere, anyone can skip the load balancer and reach the Service through any node.',
    example: {
      files: {
        'admin.yaml': svc('admin', '  type: LoadBalancer\n  loadBalancerSourceRanges: [203.0.113.0/24]\n  selector: {app: admin}\n  ports:\n    - port: 443\n      nodePort: 30100\n'),
        'workers.tf': 'resource "oci_core_security_list" "workers" {\n  ingress_security_rules {\n    protocol = "6"\n    source   = "0.0.0.0/0"\n    tcp_options {\n      min = 30000\n      max = 32767\n    }\n  }\n}\n',
      },
    },
    fix: 'Allow the node ports only from the load-balancer subnet (set it as `loadBalancers.subnetCidrs` in `.service-reach.yaml`) in the worker rules and the node zone.',
  },
  'oci-udp-unsupported': {
    why: 'The cloud controller refuses to build the load balancer: the Service stays without an external address.',
    example: { files: { 'dns.yaml': svc('dns', '  type: LoadBalancer\n  selector: {app: dns}\n  ports:\n    - port: 53\n      protocol: UDP\n', '  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-shape: flexible\n') } },
    fix: 'Use a network load balancer (`oci.oraclecloud.com/load-balancer-type: nlb`) in security-list management mode `None`, or TCP.',
  },
  'oci-session-affinity-unsupported': {
    why: 'The cloud controller refuses to build the load balancer: the Service stays without an external address.',
    example: { files: { 'web.yaml': svc('web', '  type: LoadBalancer\n  sessionAffinity: ClientIP\n  selector: {app: web}\n  ports:\n    - port: 443\n', '  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-shape: flexible\n') } },
    fix: 'Set `sessionAffinity: None` (or leave it out) on OCI load balancers.',
  },
  'oci-invalid-annotation': {
    why: 'The cloud controller refuses the Service, or (for an invalid load-balancer security-list mode) falls back to `All` and writes rules you did not ask for.',
    example: { files: { 'web.yaml': svc('web', '  type: LoadBalancer\n  selector: {app: web}\n  ports:\n    - port: 443\n', '  annotations:\n    service.beta.kubernetes.io/oci-load-balancer-shape: flexible\n    service.beta.kubernetes.io/oci-load-balancer-shape-flex-min: "ten"\n') } },
    fix: 'Use one of the values the message lists (hover on the annotation shows them).',
  },
  'yaml-syntax': {
    why: '`kubectl apply` refuses the whole file. Service Reach reads what it can, but the broken part is not checked.',
    example: { files: { 'web.yaml': svc('web', '  selector: {app: web\n  ports:\n    - port: 80\n') } },
    fix: 'Correct the YAML at the position given (unclosed brackets and quotes, indentation, a tab).',
  },
  'xml-syntax': {
    why: 'firewalld refuses to load a zone file that is not well-formed XML; the rules in it are not checked either.',
    example: { files: { 'etc/firewalld/zones/public.xml': '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <port port=30080 protocol="tcp"/>\n</zone>\n' } },
    fix: 'Correct the XML at the position given (quoted attribute values, closed elements).',
  },
  'json-syntax': {
    why: 'Neither the OCI CLI (`--ingress-security-rules file://…`) nor Service Reach can read the list: the ports it would open are unknown.',
    example: { files: { 'workers.json': '{"data": {"display-name": "workers", "ingress-security-rules": [\n  {"protocol": "6" "source": "0.0.0.0/0"}\n]}}\n' } },
    fix: 'Correct the JSON at the position given (a missing comma, a trailing comma, a comment).',
  },
  'hcl-syntax': {
    why: '`terraform plan` fails on the file; the resources Service Reach can still read are used, the broken one may not be.',
    example: { files: { 'network.tf': 'resource "oci_core_security_list" "workers" {\n  ingress_security_rules {\n    protocol = = "6"\n    source   = "0.0.0.0/0"\n  }\n}\n' } },
    fix: 'Correct the HCL at the position given (`terraform fmt` points at the same place).',
  },
  'netfilter-syntax': {
    why: '`iptables-restore` or `nft -f` refuses the file, so the node keeps whatever rules it had; the lines that can be read are still checked.',
    example: { files: { 'etc/iptables/rules.v4': '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 22 -j "ACCEPT\nCOMMIT\n' } },
    fix: 'Correct the line given (`iptables-restore --test FILE` or `nft -c -f FILE` points at the same place).',
  },
  'firewall-command-invalid': {
    why: 'firewall-cmd refuses the command (`INVALID_PORT`, a rich rule it cannot parse) or the line cannot be read (an unclosed quote), so the port it was meant to open stays closed on the node; Service Reach does not count it either.',
    example: { files: { 'node-setup.sh': '#!/bin/bash\nfirewall-cmd --permanent --zone=public --add-port=30080tcp\nfirewall-cmd --reload\n' } },
    fix: 'Write the port as firewall-cmd expects it: `--add-port=N/tcp` or `--add-port=N-M/udp`; a rich rule in firewalld\'s rich language (`rule family="ipv4" source address="…" port port="N" protocol="tcp" accept`).',
  },
  'config-invalid': {
    why: 'The setting falls back to its default, so the analysis may not describe your cluster (another node-port range, other load-balancer subnets).',
    example: { files: { '.service-reach.yaml': 'nodePortRange: 32767-30000\n' } },
    fix: 'Write the setting as README.md ("Configuration") describes it; the message says what was expected.',
  },
  'config-path-not-found': {
    why: 'The rule source you meant is not used: the layer it belongs to is checked against other files, or counts as unknown.',
    example: { files: { '.service-reach.yaml': 'nodes:\n  firewalld:\n    zones: [firewall/public.xml]\n' } },
    fix: 'Correct the path (relative to the workspace root) or the `#resource` / `#display-name` after it.',
  },
  'config-path-outside-workspace': {
    why: 'Service Reach never reads outside the workspace, so the rule source is ignored.',
    example: { files: { '.service-reach.yaml': 'nodes:\n  firewalld:\n    zones: [../infra/public.xml]\n' } },
    fix: 'Copy or move the file into the repository and name it by its path inside.',
  },
  'file-too-large': {
    why: 'The file is not read at all, so what it holds is not checked (and a rule source in it counts as missing).',
    example: { files: { 'generated.yaml': svc('generated', '  selector: {app: generated}\n  ports:\n    - port: 80\n') }, args: ['--max-file-size', '64'] },
    fix: 'Raise the limit (`--max-file-size BYTES`, the `serviceReach.maxFileSize` setting), or split the file.',
  },
  'rules-not-evaluated': {
    why: 'Unknown is never wrong, but it is not an answer either: the rule counts as allowing what it might allow, so a port it does not in fact open is not reported as closed. The hop it guards is shown as unknown (amber), and the summary counts the rules not evaluated.',
    example: { files: {
      'web.yaml': svc('web', '  type: NodePort\n  selector: {app: web}\n  ports:\n    - port: 80\n      nodePort: 30080\n'),
      'network.tf': 'data "oci_core_services" "all" {}\n\nresource "oci_core_security_list" "workers" {\n  display_name = "workers"\n  ingress_security_rules {\n    protocol = "6"\n    source   = data.oci_core_services.all.services[0].cidr_block\n    tcp_options {\n      min = 30000\n      max = 32767\n    }\n  }\n}\n',
    } },
    fix: 'Give the value a literal Service Reach can read (a variable default, a `locals` entry, a `terraform.tfvars` value), or check the rule in a Terraform plan or state (`terraform show -json > plan.json` in the workspace gives every value exactly). Where the value is truly only known at apply time, the finding is information: it says what the verdict rests on.',
  },
  'template-not-rendered': {
    why: 'What the cluster receives from a kustomization is what `kustomize build` makes of it. When it cannot be built here, its Services are only read as they are written (patches are still never taken for objects), and when an overlay pulls in a remote resource, what that adds (a workload a selector looks for) is unknown, so nothing that depends on it is reported.',
    example: { files: {
      'overlays/prod/kustomization.yaml': 'resources:\n  - ../../base\npatches:\n  - path: service-type.yaml\n',
      'overlays/prod/service-type.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n',
    } },
    fix: 'Make the kustomization build (`kustomize build overlays/prod` says the same): add the missing base or file, break the loop, correct the patch. A remote resource stays unknown; vendor it into the repository to have it checked.',
  },
  'input-too-complex': {
    why: 'Reading stopped at a safety limit (nesting depth, size, alias expansion, time, a DOCTYPE with entities); what comes after that place is not checked. docs/robustness.md lists the limits.',
    example: { files: { 'etc/firewalld/zones/public.xml': '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE zone [<!ENTITY range "30000-32767">]>\n<zone>\n  <service name="ssh"/>\n</zone>\n' } },
    fix: 'Simplify the file: no DTD entities in firewalld files, no alias bombs, no generated nesting hundreds of levels deep.',
  },
  'unused-ignore': {
    why: 'A suppression that no longer matches anything (the finding was fixed, the code is misspelt) would silently hide the next finding of that code on that line.',
    example: { files: { 'web.yaml': svc('web', '  selector: {app: web}\n  ports:\n    - port: 80   # service-reach-ignore: nodeport-out-of-range \u2014 pinned by the platform team\n') } },
    fix: 'Remove the comment (or the code from the `service-reach.io/ignore` annotation), or correct the code it names. docs/suppressions.md says where each kind of suppression applies.',
  },
} satisfies Record<Code, CodeDoc>;

export const CODE_DOCS: Readonly<Record<Code, CodeDoc>> = docs;
