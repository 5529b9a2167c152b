/**
 * The shapes the Workspace hands out (`Analysis`, `ServiceAnalysis`, `WorkspaceStats`) and those its parts keep
 * between analyses (per manifest a `FileState`, per Service a `ServiceResult`).
 */
import type { Finding } from '../findings/finding';
import type { K8sObject, Workload } from '../k8s/manifests';
import type { ServiceModel } from '../k8s/service';
import type { ServiceReachConfig } from '../config/config';
import type { Layers } from '../checks/reachability';
import type { Exposure, Provider } from '../exposure/requirements';
import type { YDocument } from '../parse/yaml';
import type { ParseProblem } from '../parse/problem';
import type { BuildOutput } from '../kustomize/build';
import type { ChartRender } from '../helm/chart-render';
import type { RenderedFile } from './chart-map';
import type { Span } from '../text/span';

export interface ServiceAnalysis {
  service: ServiceModel;
  exposure?: Exposure;
}

export interface Analysis {
  /** what is reported: the findings no suppression covers (docs/suppressions.md), `unused-ignore` included */
  findings: Finding[];
  /** the findings a `service-reach-ignore` comment or a `service-reach.io/ignore` annotation covers */
  suppressed: Finding[];
  services: ServiceAnalysis[];
  workloads: Workload[];
  config: ServiceReachConfig;
  provider: Provider;
  layers: Layers;
  /** the Kustomize overlays: each one's built Services and workloads (their findings are in `findings`) */
  overlays: OverlayResult[];
  /** the Helm charts: each one's render and rendered Services and workloads (their findings are in `findings`) */
  charts: ChartResult[];
}

export interface WorkspaceOptions {
  /** workspace-relative path of the config file; default `.service-reach.yaml` (or `.yml`) at the root */
  configPath?: string;
}

/** How much work the analyses of a Workspace did, counted since it was made (for tests and the benchmark). */
export interface WorkspaceStats {
  analyses: number;
  /** pieces of YAML files parsed (a piece is one document, or the comments and markers around it) */
  yamlDocumentsParsed: number;
  /** YAML files parsed as a whole (directives, a limit hit, a syntax error that reaches past its document) */
  yamlWholeFileParses: number;
  /** pieces of YAML files whose tree was moved where an edit moved their text (when first read after it) */
  yamlDocumentsMoved: number;
  /** Services whose own checks ran (API rules, unknown fields, OCI annotations, reachability) */
  servicesChecked: number;
  /** Services whose selector and target ports were checked against the workloads */
  selectorsChecked: number;
  /** Services checked for node ports shared with another Service */
  nodePortServicesChecked: number;
  /** line indexes built from a whole text (after an edit a file's index is moved from the one before, not built) */
  lineIndexesBuilt: number;
  /** Kustomize overlays built (an overlay is built again only when a file it read changed) */
  overlaysBuilt: number;
  /** Helm charts rendered (a chart is rendered again only when a file it read, or its settings, changed) */
  chartsRendered: number;
  /** how long the last analysis took (milliseconds; a host may wait longer after a change when it is slow) */
  lastAnalysisMs: number;
}

export function emptyStats(): WorkspaceStats {
  return {
    analyses: 0, yamlDocumentsParsed: 0, yamlWholeFileParses: 0, yamlDocumentsMoved: 0, servicesChecked: 0, selectorsChecked: 0, nodePortServicesChecked: 0,
    lineIndexesBuilt: 0, overlaysBuilt: 0, chartsRendered: 0, lastAnalysisMs: 0,
  };
}

/** A manifest's documents and objects (of the text it has now). */
export interface ParsedManifest {
  documents: YDocument[];
  objects: K8sObject[];
  problems: ParseProblem[];
  template: boolean;
}

/** What the Service checks read besides the Service: the same object while none of it changes. */
export interface CheckingContext {
  config: ServiceReachConfig;
  provider: Provider;
  layers: Layers;
}

/** The findings of the checks that read nothing but the Service and the checking context. */
export interface OwnFindings {
  api: Finding[];
  unknown: Finding[];
  oci: Finding[];
  reach: Finding[];
}

export interface ServiceResult {
  service: ServiceModel;
  /** where the Service started when its results were worked out (it moved when that changed) */
  at: number;
  context: CheckingContext;
  own: OwnFindings;
  selector: Finding[];
  analysis: ServiceAnalysis;
}

/** One manifest as the last analysis saw it. */
export interface FileState {
  path: string;
  manifest: ParsedManifest;
  /** analysed only through the Kustomize overlays or Helm charts that use it (a patch, a base, a chart's template): no Service or workload of its own */
  viaOverlays: boolean;
  /** its syntax problem and limits hit */
  problems: Finding[];
  services: ServiceModel[];
  workloads: Workload[];
  results: ServiceResult[];
  /** its Services' findings, in order */
  findings: Finding[];
  /** the files those findings point into */
  refs: Set<string>;
}

/** One overlay as the last analysis built and checked it. */
export interface OverlayResult {
  /** the overlay's folder (`overlays/prod`; `.` at the root) */
  overlay: string;
  /** its kustomization file */
  path: string;
  build: BuildOutput;
  /** the first line of its kustomization file (where `template-not-rendered` goes) */
  firstLine: Span;
  services: ServiceModel[];
  workloads: Workload[];
  analyses: ServiceAnalysis[];
  findings: Finding[];
  /** the same findings as made on the built objects (spans in the build's segments: `build.segments.origin`) */
  builtFindings: Finding[];
}

/** One Helm chart as the last analysis rendered and checked it. */
export interface ChartResult {
  /** the chart's folder (`charts/shop`; `.` at the root) */
  chart: string;
  /** its name (Chart.yaml's) */
  name: string;
  /** its Chart.yaml */
  path: string;
  render: ChartRender;
  /** the first line of its Chart.yaml (where `template-not-rendered` goes when no template failed) */
  firstLine: Span;
  /** its values files, in the order they are merged (`values.yaml`, then those the config names) */
  valuesFiles: string[];
  /** its rendered templates, with their documents */
  files: RenderedFile[];
  services: ServiceModel[];
  workloads: Workload[];
  analyses: ServiceAnalysis[];
  findings: Finding[];
}
