/**
 * The first phase of an analysis: the config and the rule layers, worked out again only when a rule source, the
 * config, the set of files or the skipped files changed (the caller's `version`); a manifest edit reuses them.
 * The same config text gives the same config object, and the same config and parsed rule sources the same
 * layers object, so that the incremental analysis can tell by identity that nothing it checks against changed.
 */
import { finding, type Finding } from '../findings/finding';
import type { Code } from '../findings/codes';
import { DEFAULT_CONFIG, readConfig, type ServiceReachConfig } from '../config/config';
import type { Layers } from '../checks/reachability';
import { readSources } from '../sources/registry';
import { checkRulesNotEvaluated } from '../checks/not-evaluated';
import type { ParseProblem } from '../parse/problem';
import type { FileEntry } from './files';
import { buildLayers, layerInputsOf, type LayerWorld } from './layers';

export interface SourcePhase {
  /** findings before the manifests' (skipped files, the config's own), and after them (rule sources, config paths) */
  head: Finding[];
  tail: Finding[];
  config: ServiceReachConfig;
  layers: Layers;
  hasSources: boolean;
}

export class SourcePhaseCache {
  private cached: { version: number; value: SourcePhase } | undefined;
  private configMemo: { path: string; text: string; result: ReturnType<typeof readConfig> } | undefined;
  private layersMemo: { inputs: unknown[]; layers: Layers; config: ServiceReachConfig } | undefined;
  /** the config without a config file: one object, so that the layers built with it are kept too */
  private readonly defaultConfig: ServiceReachConfig = { ...DEFAULT_CONFIG };

  /** The phase for `version` of the files (`entries`: every file, in workspace order; asked for only when needed). */
  get(version: number, entries: () => readonly FileEntry[], world: LayerWorld): SourcePhase {
    if (this.cached?.version === version) return this.cached.value;
    const files = entries();
    const findings: Finding[] = [];
    for (const [path, s] of world.skipped) {
      if (s.code !== 'config-path-outside-workspace') findings.push(finding(s.code, path, { start: 0, end: 0 }, s.message));
    }
    // the config
    let config = this.defaultConfig;
    const configEntry = files.find((e) => e.kind === 'config');
    if (configEntry) {
      const memo = this.configMemo;
      const r = memo && memo.path === configEntry.path && memo.text === configEntry.text ? memo.result : readConfig(configEntry.path, configEntry.text);
      this.configMemo = { path: configEntry.path, text: configEntry.text, result: r };
      config = r.config;
      for (const f of r.findings) findings.push(f);
    }
    const head = findings.length;

    // the rule sources, then the layers
    const report = (code: Code, path: string, ps: readonly ParseProblem[], syntax = true) => {
      const first = ps.find((p) => !p.limit);
      if (first && syntax) findings.push(finding(code, path, first.span, first.message));
      for (const p of ps) if (p.limit) findings.push(finding('input-too-complex', path, p.span, p.message));
    };
    const inputs = readSources(files, report, undefined, { terraformVarFiles: (config.terraformVarFiles ?? []).map((r) => r.path) });
    const built = buildLayers(inputs, config, world);
    for (const f of built.findings) findings.push(f);
    const layerInputs = layerInputsOf(inputs, config);
    const memo = this.layersMemo;
    const same = memo && memo.inputs.length === layerInputs.length && memo.inputs.every((x, i) => x === layerInputs[i]);
    const layers = same ? memo.layers : built.layers;
    // the load-balancer subnets' addresses from the topology, where the config does not set them (one object per
    // layers object, so that the Services' checks are kept while neither changed)
    const effective = same ? memo.config : built.lbSubnetCidrs ? { ...config, lbSubnetCidrs: built.lbSubnetCidrs } : config;
    this.layersMemo = { inputs: layerInputs, layers, config: effective };
    config = effective;
    // the rules of those layers that could not be evaluated: said once per place, not hidden
    for (const f of checkRulesNotEvaluated(layers, inputs, config)) findings.push(f);

    const value: SourcePhase = { head: findings.slice(0, head), tail: findings.slice(head), config, layers, hasSources: built.hasSources };
    this.cached = { version, value };
    return value;
  }
}
