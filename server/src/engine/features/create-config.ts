/**
 * "Create .service-reach.yaml": a config written from what the analysis discovered — the node-port range, the
 * provider, the node firewalld zones, the lists and NSGs and how they were attributed, the load-balancer subnet
 * when it is known, chart templates that could be excluded — every line with a comment saying what it means and
 * where it came from, and that the user must confirm it. Pure: an Analysis and the workspace's paths in, YAML text
 * out. With it added as it is, the analysis says the same (`test/engine/features/create-config.test.ts`): it
 * writes down what was guessed, so that the user can correct it.
 */
import type { Analysis } from '../workspace';
import type { GuardSource } from '../exposure/matcher';
import { CONFIG_FILE_NAMES } from '../config/config';

/**
 * Does the analysis rest on a guess the config would settle? (No config, and either every list taken as the
 * workers' — no topology attributes them — or an OCI load-balancer subnet whose addresses nothing says.)
 */
export function configWouldHelp(analysis: Analysis): boolean {
  if (analysis.config.path) return false;
  const t = analysis.layers.topology;
  const fallback = t ? t.fallback : (analysis.layers.workerLists?.sources.length ?? 0) > 0;
  return fallback || (analysis.provider === 'oci' && !analysis.config.lbSubnetCidrs && !t?.lbSubnetCidrs);
}

/** A YAML string, double-quoted (JSON's quoting is YAML's): paths and fragments are the workspace's text. */
function q(text: string): string {
  return JSON.stringify(text);
}

function ref(s: GuardSource): string {
  return `${s.path}#${s.key}`;
}

/** The config's text: `paths` are the workspace's files (for the chart templates it may exclude). */
export function createConfigText(analysis: Analysis, paths: readonly string[]): string {
  const c = analysis.config;
  const l = analysis.layers;
  const out: string[] = [
    '# Service Reach configuration, written from what it found in this workspace.',
    '# Each setting below is what the analysis assumed without a config: check every line against your',
    '# cluster and network, correct what is wrong, then save. Delete a setting to go back to its default.',
    '',
    '# The node-port range of kube-apiserver (--service-node-port-range).',
    `nodePortRange: ${c.nodePortRange.min}-${c.nodePortRange.max}`,
    '# The port kube-proxy serves the health check on, for externalTrafficPolicy: Cluster.',
    `kubeProxyHealthPort: ${c.kubeProxyHealthPort}`,
    `# ${analysis.provider === 'oci' ? 'OCI: the workspace holds OCI annotations or OCI rule sources.' : 'generic: no OCI annotation or OCI rule source was found.'}`,
    `provider: ${analysis.provider}`,
  ];

  const zones = (l.firewalld?.nodeZones ?? []).filter((z) => z.path.endsWith('.xml'));
  const workers = l.workerLists?.sources ?? [];
  if (zones.length || workers.length) {
    out.push('', 'nodes:');
    if (zones.length) {
      out.push('  firewalld:',
        "    # The worker nodes' firewalld zone: firewalld.conf's default zone (else \"public\") as these files write it.",
        '    zones:', ...zones.map((z) => `      - ${q(z.path)}`));
      // (left to where it was read: written here, it would be said to come from the config)
      out.push(`    # StrictForwardPorts is ${l.firewalld!.strictForwardPorts ? 'on' : 'off'}: ${l.firewalld!.strictOrigin ? `as ${l.firewalld!.strictOrigin} says` : 'the default'}. To set it here:`,
        `    # strictForwardPorts: ${l.firewalld!.strictForwardPorts}`);
    }
    if (workers.length) {
      const origin = l.topology?.workers.origin ?? (c.workerLists ? 'config' : 'fallback');
      out.push(origin === 'config' ? '  # The security lists and NSGs that guard the worker nodes, as configured.'
        : origin === 'terraform' ? "  # The security lists and NSGs that guard the worker nodes, as the Terraform's node pools and their subnets say."
        : '  # The security lists and NSGs that guard the worker nodes. Nothing said which, so every list and NSG found was',
      ...(origin === 'fallback' ? ['  # taken to guard them: remove those that do not (a load-balancer subnet\'s lists go under loadBalancers).'] : []),
      '  securityLists:', ...workers.map((s) => `    - ${q(ref(s))}   # ${s.label.replace(/[\r\n]/g, ' ')}`));
    }
  }

  if (analysis.provider === 'oci' || l.lbLists) {
    const lbs = l.lbLists?.sources ?? [];
    const cidrs = c.lbSubnetCidrs?.map((x) => x.text) ?? l.topology?.lbSubnetCidrs?.cidrs ?? [];
    const known = cidrs.length > 0 || lbs.length > 0;
    // (a section with nothing in it is no mapping: then the header is a comment too)
    out.push('', known ? 'loadBalancers:' : '# loadBalancers:');
    if (cidrs.length) {
      out.push(`  # The load-balancer subnet's addresses${c.lbSubnetCidrs ? '' : ", as the Terraform's cluster and its subnets say"}.`, '  subnetCidrs:', ...cidrs.map((x) => `    - ${q(x)}`));
    } else {
      out.push("  # The load-balancer subnet's addresses are not known, so the load balancer is taken to come from any address.",
        '  # Write its CIDRs here (the subnet of service_lb_subnet_ids), e.g.:',
        '  # subnetCidrs: ["10.0.20.0/24"]');
    }
    if (lbs.length) out.push("  # The load-balancer subnet's security lists.", '  securityLists:', ...lbs.map((s) => `    - ${q(ref(s))}   # ${s.label.replace(/[\r\n]/g, ' ')}`));
    else out.push("  # No list was attributed to the load-balancer subnet: name its security lists here, e.g.:", '  # securityLists: ["network.tf#oci_core_security_list.lb"]');
  }

  const unattributed = l.topology?.unattributed ?? [];
  if (unattributed.length) {
    out.push('', '# Lists and NSGs nothing attributes (they guard nothing in the analysis). If one guards the workers or the',
      '# load-balancer subnet, add it above:', ...unattributed.map((u) => `#   - ${q(ref(u))}   # ${u.label.replace(/[\r\n]/g, ' ')}`));
  }

  const charts = [...new Set(paths.filter((p) => /(^|\/)Chart\.yaml$/.test(p)).map((p) => p.slice(0, -'Chart.yaml'.length)))].sort();
  const templates = charts.filter((dir) => paths.some((p) => p.startsWith(`${dir}templates/`)));
  if (templates.length) {
    out.push('', '# Chart templates found. To keep a chart out of the analysis, uncomment its line:', '# exclude:',
      ...templates.map((dir) => `#   - ${q(`${dir}templates/**`)}`));
  }
  return `${out.join('\n')}\n`;
}

/** Where the config goes: the default name at the workspace's root, unless a config exists there. */
export function newConfigPath(paths: readonly string[]): string | undefined {
  return CONFIG_FILE_NAMES.some((n) => paths.includes(n)) ? undefined : CONFIG_FILE_NAMES[0];
}
