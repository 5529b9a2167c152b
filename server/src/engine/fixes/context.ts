/**
 * What the fixes of one run share: the workspace and its analysis, the node-port numbers already taken (by a
 * Service of the workspace, or by another fix of the same run), and the names given out so far (port names,
 * Terraform resource names), so that "fix all" never hands the same number or name out twice.
 */
import type { Analysis, ServiceAnalysis, Workspace } from '../workspace';
import type { Finding } from '../findings/finding';
import type { ServiceModel } from '../k8s/service';
import type { Span } from '../text/span';
import { YamlFile } from '../parse/yaml';
import { editsShared, sharedPlaces, type SharedPlaces } from './shared';

export class FixContext {
  readonly analysis: Analysis;
  private usedNodePorts: Set<number> | undefined;
  /** names handed out per scope (a Service's port names, a Terraform folder's resource names) */
  private readonly names = new Map<string, Set<string>>();

  /** `yamlFiles`: the YAML parsers of earlier checks of the same files (the passes of one fix loop share them) */
  constructor(readonly ws: Workspace, private readonly yamlFiles = new Map<string, YamlFile>()) {
    this.analysis = ws.analyze();
  }

  /**
   * The lowest port of the node-port range that no Service uses, no earlier fix of this run took and `accept`
   * (when given) accepts.
   */
  takeNodePort(accept?: (port: number) => boolean): number | undefined {
    const used = this.nodePortsInUse();
    const { min, max } = this.analysis.config.nodePortRange;
    for (let n = Math.max(1, min); n <= Math.min(65535, max); n++) {
      if (!used.has(n) && (!accept || accept(n))) {
        used.add(n);
        return n;
      }
    }
    return undefined;
  }

  private nodePortsInUse(): Set<number> {
    if (!this.usedNodePorts) {
      const used = new Set<number>();
      for (const { service } of this.analysis.services) {
        for (const p of service.ports) if (p.nodePort !== null) used.add(p.nodePort);
        if (service.healthCheckNodePort !== null) used.add(service.healthCheckNodePort);
      }
      // the Services Kustomize overlays build: a pin written in a base or a patch must be free there too
      for (const o of this.analysis.overlays) {
        for (const service of o.services) {
          for (const p of service.ports) if (p.nodePort !== null) used.add(p.nodePort);
          if (service.healthCheckNodePort !== null) used.add(service.healthCheckNodePort);
        }
      }
      this.usedNodePorts = used;
    }
    return this.usedNodePorts;
  }

  private readonly problems = new Map<string, number>();

  /** Problems of a file's current text that the workspace's reading does not count (computed once per run). */
  problemsBefore(path: string, count: () => number): number {
    let n = this.problems.get(path);
    if (n === undefined) {
      n = count();
      this.problems.set(path, n);
    }
    return n;
  }

  /**
   * A YAML file's parser for checking fixes: it parses again only the documents that differ from the text it read
   * last (each fix's text is close to the one checked before it, so in a file of a thousand documents a check
   * costs one document, not the whole file).
   */
  yamlFile(path: string): YamlFile {
    let f = this.yamlFiles.get(path);
    if (!f) this.yamlFiles.set(path, (f = new YamlFile()));
    return f;
  }

  private readonly shared = new Map<string, SharedPlaces | undefined>();

  /** Would an edit of `span` in `path` change YAML that an anchor shares with an alias (shared.ts)? */
  editsShared(path: string, span: Span): boolean {
    if (!this.shared.has(path)) {
      const m = this.ws.manifest(path);
      const places = m ? sharedPlaces(m.documents) : undefined;
      this.shared.set(path, places && (places.wide.length || places.scalars.length) ? places : undefined);
    }
    const places = this.shared.get(path);
    return places !== undefined && editsShared(places, span);
  }

  /** Findings whose fix was refused, and why (the CLI says so). */
  readonly refused = new Map<Finding, string>();

  /** Has `name` been handed out (or seen) in `scope`? */
  nameTaken(scope: string, name: string): boolean {
    return this.names.get(scope)?.has(name) ?? false;
  }

  /** Seeds a scope once with the names that already exist there (e.g. the resource names of a Terraform folder). */
  seedNames(scope: string, existing: () => Iterable<string>): void {
    if (this.names.has(scope)) return;
    this.names.set(scope, new Set(existing()));
  }

  /** Marks `name` as used in `scope`. */
  takeName(scope: string, name: string): void {
    const set = this.names.get(scope) ?? new Set<string>();
    set.add(name);
    this.names.set(scope, set);
  }

  /** The Service a finding is about: the one in the finding's file whose object holds the finding's span. */
  serviceAt(path: string, span: Span): ServiceAnalysis | undefined {
    let best: ServiceAnalysis | undefined;
    for (const sa of this.analysis.services) {
      const o = sa.service.object;
      if (sa.service.path !== path || o.span.start > span.start || span.end > o.span.end) continue;
      if (!best || o.span.end - o.span.start < best.service.object.span.end - best.service.object.span.start) best = sa;
    }
    return best;
  }

  serviceOf(finding: Finding): ServiceModel | undefined {
    return this.serviceAt(finding.path, finding.span)?.service;
  }
}
