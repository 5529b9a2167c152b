/** Every diagram of an analysis: its Services' (build.ts), then those Kustomize overlays build (overlay.ts). */
import type { Analysis } from '../../workspace';
import { diagramOf } from './build';
import type { DiagramModel } from './model';
import { overlayDiagramOf, overlayServices } from './overlay';

/** The diagram models of every Service of the analysis, in analysis order, then the overlays' built Services, in overlay order. */
export function diagramsOf(analysis: Analysis): DiagramModel[] {
  return [
    ...analysis.services.map((sa) => diagramOf(analysis, sa)),
    ...overlayServices(analysis).map((x) => overlayDiagramOf(analysis, x.overlay, x.service)),
  ];
}
