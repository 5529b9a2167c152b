/**
 * Where a value a Helm chart printed is written, for a fix that sets it there rather than in the template: an
 * action of the chart's own template that prints one field of `.Values` (`{{ .Values.service.nodePorts.http }}`),
 * and the last of the chart's values files that sets that key to the value it rendered as. Anything else (a
 * pipeline, a `define`, a dependency's values, a value the files do not hold as printed) has no such place.
 */
import type { PinValueHint } from '../findings/fix-hint';
import { parseTemplate } from '../helm/parse';
import type { SourcePiece } from '../helm/output';
import { asMap, asScalar, getValue, parseYaml, type YNode } from '../parse/yaml';
import type { RenderedFile } from './chart-map';
import type { ChartResult } from './types';

/** The keys under `.Values` that the action prints, when it prints one field and nothing else. */
function valuesKeys(actionText: string): string[] | undefined {
  const parsed = parseTemplate('action', actionText, () => true);
  if (!parsed.trees) return undefined;
  const main = parsed.trees.find((t) => t.name === 'action');
  const nodes = main?.root.nodes ?? [];
  if (nodes.length !== 1 || nodes[0].type !== 'action') return undefined;
  const pipe = nodes[0].pipe;
  if (pipe.decl.length > 0 || pipe.cmds.length !== 1 || pipe.cmds[0].args.length !== 1) return undefined;
  const arg = pipe.cmds[0].args[0];
  const ident = arg.type === 'field' ? arg.ident : arg.type === 'variable' && arg.ident[0] === '$' ? arg.ident.slice(1) : undefined;
  if (!ident || ident[0] !== 'Values' || ident.length < 2) return undefined;
  return ident.slice(1);
}

/** The pin hint moved to the values file that sets the printed key, or undefined when there is no such place. */
export function valuesPinHint(hint: PinValueHint, action: SourcePiece, file: RenderedFile, chart: ChartResult,
  textOf: (path: string) => string | undefined): PinValueHint | undefined {
  if (action.via || action.file !== file.template.name) return undefined;
  const path = file.paths.get(action.file);
  const own = chart.chart === '.' ? 'templates/' : `${chart.chart}/templates/`;
  if (path === undefined || !path.startsWith(own)) return undefined;
  const template = textOf(path);
  if (template === undefined) return undefined;
  const keys = valuesKeys(template.slice(action.start, action.end));
  if (!keys) return undefined;
  const rendered = file.template.text.slice(action.outStart, action.outEnd).trim();
  for (const valuesPath of [...chart.valuesFiles].reverse()) {
    const text = textOf(valuesPath);
    if (text === undefined) continue;
    const docs = parseYaml(text, { template: false }).documents;
    let node: YNode | null = docs[0]?.contents ?? null;
    for (const k of keys) node = asMap(node) ? getValue(node, k) : null;
    if (!node) continue;
    const s = asScalar(node);
    if (!s || text.slice(s.span.start, s.span.end).trim() !== rendered) return undefined;
    return { ...hint, span: { start: s.span.start, end: s.span.end }, values: { path: valuesPath, key: keys.join('.') } };
  }
  return undefined;
}
