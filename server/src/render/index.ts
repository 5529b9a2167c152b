/**
 * The exposure diagram renderer: model → laid-out graph (`layoutDiagram`, async: ELK) → SVG string
 * (`renderSvg`, pure). No Node-only APIs: the VS Code webview bundles this folder and renders the same model
 * the CLI does.
 */
import type { DiagramModel } from '../engine/features/diagram';
import { layoutDiagram, type LayoutOptions } from './layout';
import { renderSvg, type SvgOptions } from './svg';

export { layoutDiagram, type LaidOutDiagram, type LayoutOptions, type ElkLike, type Box, type Point, type PlacedLine } from './layout';
export { renderSvg, type SvgOptions } from './svg';
export { THEME_VARIABLES, stylesheet, type ColorScheme, type ThemeVariable } from './theme';
export { escapeXml, estimateTextWidth, type TextMeasure, type TextStyle } from './text';
export { edgeLabelLines, nodeLines, edgeDescription, findingNumbers, STATUS_ICON, STATUS_TEXT, type LabelLine } from './labels';

export type DiagramSvgOptions = LayoutOptions & SvgOptions;

/** Lay out and draw one diagram. */
export async function diagramToSvg(model: DiagramModel, options: DiagramSvgOptions = {}): Promise<string> {
  return renderSvg(await layoutDiagram(model, options), options);
}
