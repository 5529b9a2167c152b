/**
 * Every finding code as a unit, one entry per code (the compiler fails when a code of `findings/codes.ts` has
 * none): the function that detects it, the rule module that words it (rules/), the function that fixes it, the
 * tests that exercise it and its section of docs/rules.md. `test/engine/rules/units.test.ts` checks each entry.
 *
 * To change a code: its severity, title and help are in codes.ts; its message and any severity that depends on
 * the situation are in `words` (or, where `words` is null, next to the `finding(…)` call in `detect`); its fix
 * hint type is in findings/fix-hint.ts and `fixes/planned.ts` hands it to `fix`.
 */
import type { Code } from '../findings/codes';
import type { FixHintKind } from '../findings/fix-hint';
import { readConfig } from '../config/config';
import { parseYaml } from '../parse/yaml';
import { readFirewalldXml } from '../sources/firewalld-zone';
import { readOciSecurityListsJson } from '../sources/oci-json';
import { readTerraform } from '../sources/terraform';
import { readFirewallScript } from '../sources/firewall-script';
import { checkServiceApi } from '../checks/service-api';
import { checkServiceValues } from '../checks/service-values';
import { checkUnknownFields } from '../checks/unknown-fields';
import { checkNodePortConflicts, checkSelectorAndTargetPorts } from '../checks/references';
import { checkOci } from '../checks/oci';
import { checkReachability } from '../checks/reachability';
import { checkRulesNotEvaluated } from '../checks/not-evaluated';
import { checkLbNsgs } from '../checks/lb-nsgs';
import { ChartPhase } from '../workspace/charts';
import { Workspace } from '../workspace';
import { build as buildKustomization } from '../kustomize/build';
import { applySuppressions } from '../findings/suppress';
import { firewalldFixes } from '../fixes/firewalld';
import { pinUnpinnedFix, pinValueFix, portNameFix, replaceFix } from '../fixes/manifest';
import { listFixes } from '../fixes/oci';
import * as firewallClosed from '../rules/firewall-closed';
import * as nodePorts from '../rules/node-ports';
import * as ociController from '../rules/oci-controller';
import * as sourceRanges from '../rules/source-ranges';
import * as nodeFirewall from '../rules/node-firewall';
import { netfilterFixes } from '../fixes/netfilter';
import { readIptablesSave } from '../sources/iptables-save';
import * as notEvaluated from '../rules/not-evaluated';

/** Any function (a function of any parameters is assignable to this). */
type AnyFunction = (...args: never[]) => unknown;

/** A rule module of rules/: message builders, severity decisions, and the fix hint kind of each fixable code. */
export interface RuleWording {
  readonly fixes: Readonly<Partial<Record<Code, FixHintKind>>>;
}

export interface RuleUnit {
  /**
   * The function that reports the code (several, in order, where more than one place reports it). For an input
   * problem, the reader (or the `Workspace` method) whose problems the workspace reports as the code.
   */
  detect: AnyFunction | readonly AnyFunction[];
  /** The rule module that words the code's findings; null: worded next to the report in `detect`. */
  words: RuleWording | null;
  /** The function that turns the code's fix hint into edits (fixes/); null: the code has no fix. */
  fix: AnyFunction | null;
  /** Test files (repository-relative) that exercise the code. */
  tests: readonly string[];
  /** Its section in the generated docs/rules.md. */
  doc: `docs/rules.md#${Code}`;
}

const SERVICE_API = 'test/engine/checks/service-api.test.ts';
const REFERENCES = 'test/engine/checks/references.test.ts';
const REACHABILITY = 'test/engine/checks/reachability.test.ts';
const MANIFEST_FIXES = 'test/engine/fixes/manifest.test.ts';
const FIX_PROPERTIES = 'test/engine/fixes/property.test.ts';
const DIAGRAM_FINDINGS = 'test/engine/diagram/findings.test.ts';
const HOSTILE = 'test/robustness/hostile-inputs.test.ts';
const UPSTREAM_KUBERNETES = 'test/engine/upstream/kubernetes-validation.test.ts';
const UPSTREAM_OCI_RULES = 'test/engine/upstream/oci-security-rules.test.ts';
const NETFILTER_CHECKS = 'test/engine/checks/node-firewall.test.ts';

export const RULES: Readonly<Record<Code, RuleUnit>> = {
  // ------------------------------------------------------------------ what the API server would reject
  'invalid-service-type': { detect: checkServiceApi, words: null, fix: replaceFix, tests: [SERVICE_API, MANIFEST_FIXES], doc: 'docs/rules.md#invalid-service-type' },
  'invalid-port-number': { detect: checkServiceApi, words: null, fix: null, tests: [SERVICE_API], doc: 'docs/rules.md#invalid-port-number' },
  'nodeport-out-of-range': { detect: checkServiceApi, words: nodePorts, fix: pinValueFix, tests: [SERVICE_API, MANIFEST_FIXES], doc: 'docs/rules.md#nodeport-out-of-range' },
  'nodeport-not-allowed': { detect: checkServiceApi, words: nodePorts, fix: null, tests: [SERVICE_API], doc: 'docs/rules.md#nodeport-not-allowed' },
  'nodeport-conflict': { detect: checkNodePortConflicts, words: nodePorts, fix: pinValueFix, tests: ['test/engine/incremental.test.ts', MANIFEST_FIXES], doc: 'docs/rules.md#nodeport-conflict' },
  'duplicate-port': { detect: checkServiceApi, words: null, fix: null, tests: ['test/cli/fix.test.ts'], doc: 'docs/rules.md#duplicate-port' },
  'port-name-required': { detect: checkServiceApi, words: null, fix: portNameFix, tests: [MANIFEST_FIXES, 'test/engine/fixes/fix-all.test.ts'], doc: 'docs/rules.md#port-name-required' },
  'invalid-port-name': { detect: checkServiceApi, words: null, fix: null, tests: [SERVICE_API], doc: 'docs/rules.md#invalid-port-name' },
  'invalid-protocol': { detect: checkServiceApi, words: null, fix: replaceFix, tests: [SERVICE_API, MANIFEST_FIXES], doc: 'docs/rules.md#invalid-protocol' },
  'invalid-target-port': { detect: checkServiceApi, words: null, fix: null, tests: [SERVICE_API], doc: 'docs/rules.md#invalid-target-port' },
  'headless-not-allowed': { detect: checkServiceApi, words: null, fix: null, tests: [SERVICE_API], doc: 'docs/rules.md#headless-not-allowed' },
  'externalname-required': { detect: checkServiceApi, words: null, fix: null, tests: [SERVICE_API], doc: 'docs/rules.md#externalname-required' },
  'missing-ports': { detect: checkServiceApi, words: null, fix: null, tests: [SERVICE_API], doc: 'docs/rules.md#missing-ports' },
  'field-not-allowed': { detect: checkServiceApi, words: null, fix: null, tests: [SERVICE_API], doc: 'docs/rules.md#field-not-allowed' },
  'invalid-cidr': { detect: checkServiceApi, words: sourceRanges, fix: null, tests: [SERVICE_API, UPSTREAM_KUBERNETES], doc: 'docs/rules.md#invalid-cidr' },
  'invalid-value': { detect: checkServiceValues, words: null, fix: null, tests: [UPSTREAM_KUBERNETES], doc: 'docs/rules.md#invalid-value' },
  // ------------------------------------------------------------------ authoring mistakes
  'unknown-field': { detect: checkUnknownFields, words: null, fix: replaceFix, tests: [REFERENCES, MANIFEST_FIXES], doc: 'docs/rules.md#unknown-field' },
  'selector-matches-nothing': { detect: checkSelectorAndTargetPorts, words: null, fix: null, tests: [REFERENCES], doc: 'docs/rules.md#selector-matches-nothing' },
  'target-port-name-unknown': { detect: checkSelectorAndTargetPorts, words: null, fix: null, tests: [REFERENCES], doc: 'docs/rules.md#target-port-name-unknown' },
  'target-port-not-declared': { detect: checkSelectorAndTargetPorts, words: null, fix: null, tests: [REFERENCES], doc: 'docs/rules.md#target-port-not-declared' },
  // ------------------------------------------------------------------ reachability
  'firewalld-port-closed': { detect: checkReachability, words: firewallClosed, fix: firewalldFixes, tests: [REACHABILITY, 'test/engine/fixes/firewalld.test.ts'], doc: 'docs/rules.md#firewalld-port-closed' },
  'node-firewall-port-closed': { detect: checkReachability, words: nodeFirewall, fix: netfilterFixes, tests: [NETFILTER_CHECKS, 'test/engine/fixes/netfilter.test.ts'], doc: 'docs/rules.md#node-firewall-port-closed' },
  'security-list-port-closed': { detect: checkReachability, words: firewallClosed, fix: listFixes, tests: [REACHABILITY, 'test/engine/fixes/shell.test.ts'], doc: 'docs/rules.md#security-list-port-closed' },
  'lb-listener-closed': { detect: checkReachability, words: firewallClosed, fix: listFixes, tests: [DIAGRAM_FINDINGS, FIX_PROPERTIES], doc: 'docs/rules.md#lb-listener-closed' },
  'lb-egress-closed': { detect: checkReachability, words: firewallClosed, fix: null, tests: [UPSTREAM_OCI_RULES], doc: 'docs/rules.md#lb-egress-closed' },
  'oci-no-node-ports': { detect: checkOci, words: ociController, fix: null, tests: [UPSTREAM_OCI_RULES], doc: 'docs/rules.md#oci-no-node-ports' },
  'nodeport-unpinned': { detect: checkReachability, words: nodePorts, fix: pinUnpinnedFix, tests: [REACHABILITY, 'test/engine/fixes/loop.test.ts'], doc: 'docs/rules.md#nodeport-unpinned' },
  'source-ranges-bypassed': { detect: checkReachability, words: sourceRanges, fix: null, tests: [REACHABILITY], doc: 'docs/rules.md#source-ranges-bypassed' },
  'oci-udp-unsupported': { detect: checkOci, words: ociController, fix: null, tests: [REACHABILITY], doc: 'docs/rules.md#oci-udp-unsupported' },
  'oci-session-affinity-unsupported': { detect: checkOci, words: ociController, fix: null, tests: [REACHABILITY], doc: 'docs/rules.md#oci-session-affinity-unsupported' },
  'oci-invalid-annotation': { detect: checkOci, words: ociController, fix: null, tests: [REACHABILITY], doc: 'docs/rules.md#oci-invalid-annotation' },
  // ------------------------------------------------------------------ input problems
  'yaml-syntax': { detect: parseYaml, words: null, fix: null, tests: [REFERENCES, HOSTILE], doc: 'docs/rules.md#yaml-syntax' },
  'xml-syntax': { detect: readFirewalldXml, words: null, fix: null, tests: [FIX_PROPERTIES], doc: 'docs/rules.md#xml-syntax' },
  'json-syntax': { detect: readOciSecurityListsJson, words: null, fix: null, tests: [FIX_PROPERTIES], doc: 'docs/rules.md#json-syntax' },
  'hcl-syntax': { detect: readTerraform, words: null, fix: null, tests: [FIX_PROPERTIES], doc: 'docs/rules.md#hcl-syntax' },
  'netfilter-syntax': { detect: readIptablesSave, words: null, fix: null, tests: [NETFILTER_CHECKS], doc: 'docs/rules.md#netfilter-syntax' },
  'firewall-command-invalid': { detect: readFirewallScript, words: null, fix: null, tests: ['test/engine/sources/firewalld-commands.test.ts'], doc: 'docs/rules.md#firewall-command-invalid' },
  'config-invalid': { detect: readConfig, words: null, fix: null, tests: ['test/lsp/protocol.test.ts'], doc: 'docs/rules.md#config-invalid' },
  'config-path-not-found': { detect: Workspace.prototype.analyze, words: null, fix: null, tests: ['test/robustness/cli-files.test.ts', HOSTILE], doc: 'docs/rules.md#config-path-not-found' },
  'config-path-outside-workspace': { detect: readConfig, words: null, fix: null, tests: ['test/cli/read-workspace.test.ts', 'test/robustness/cli-files.test.ts'], doc: 'docs/rules.md#config-path-outside-workspace' },
  'file-too-large': { detect: Workspace.prototype.skipFile, words: null, fix: null, tests: ['test/cli/check.test.ts', 'test/cli/read-workspace.test.ts'], doc: 'docs/rules.md#file-too-large' },
  'rules-not-evaluated': { detect: [checkRulesNotEvaluated, checkLbNsgs], words: notEvaluated, fix: null, tests: ['test/engine/checks/not-evaluated.test.ts', 'test/engine/sources/terraform-json.test.ts', 'test/engine/topology/topology.test.ts'], doc: 'docs/rules.md#rules-not-evaluated' },
  'template-not-rendered': { detect: [buildKustomization, ChartPhase.prototype.prepare], words: null, fix: null, tests: ['test/engine/kustomize/workspace.test.ts', 'test/engine/helm/workspace-charts.test.ts'], doc: 'docs/rules.md#template-not-rendered' },
  'input-too-complex': { detect: Workspace.prototype.analyze, words: null, fix: null, tests: [HOSTILE], doc: 'docs/rules.md#input-too-complex' },
  'unused-ignore': { detect: applySuppressions, words: null, fix: null, tests: ['test/engine/suppressions.test.ts'], doc: 'docs/rules.md#unused-ignore' },
};
