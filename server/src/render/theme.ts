/**
 * The diagram's colours and font as CSS custom properties with defaults. Every colour the SVG uses is
 * `var(--sr-…, default)`: a host that sets the public variable on an ancestor (the webview maps them to VS Code
 * theme colours) wins, and a standalone SVG falls back to the defaults (light, dark, or following the viewer's
 * `prefers-color-scheme`). Pure: no DOM, no Node.
 */

export type ColorScheme = 'light' | 'dark' | 'auto';

export interface ThemeVariable {
  /** the public custom property, e.g. `--sr-blocked` */
  name: string;
  /** the private one the stylesheet reads, e.g. `--_sr-blocked` */
  internal: string;
  light: string;
  dark: string;
  description: string;
}

const v = (key: string, light: string, dark: string, description: string): ThemeVariable =>
  ({ name: `--sr-${key}`, internal: `--_sr-${key}`, light, dark, description });

/** Every themable value. A webview maps each `name` to a VS Code colour (e.g. `--sr-blocked: var(--vscode-errorForeground)`). */
export const THEME_VARIABLES: readonly ThemeVariable[] = [
  v('background', '#ffffff', '#0d1117', 'the whole picture'),
  v('foreground', '#1f2328', '#e6edf3', 'text'),
  v('muted', '#59636e', '#9198a1', 'secondary text'),
  v('node-background', '#f6f8fa', '#161b22', 'boxes'),
  v('node-border', '#8c959f', '#6e7681', 'box outlines'),
  v('label-background', '#ffffff', '#0d1117', 'hop labels'),
  v('allowed', '#1a7f37', '#3fb950', 'hops every guarding rule source allows'),
  v('blocked', '#d1242f', '#f85149', 'hops some guarding rule source blocks'),
  v('unknown', '#9a6700', '#d29922', 'hops no known rule source guards, or that rest on a rule that could not be evaluated'),
  v('managed', '#0969da', '#4493f8', 'hops whose rules the OCI cloud controller writes'),
  v('not-applicable', '#818b98', '#6e7681', 'in-cluster hops no rule source applies to'),
  v('error', '#d1242f', '#f85149', 'error findings'),
  v('warning', '#9a6700', '#d29922', 'warning findings'),
  v('info', '#0969da', '#4493f8', 'information findings'),
];

export const DEFAULT_FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", "Helvetica Neue", "Liberation Sans", "DejaVu Sans", Arial, sans-serif';

function declarations(scheme: 'light' | 'dark'): string {
  return THEME_VARIABLES.map((t) => `${t.internal}:var(${t.name},${scheme === 'light' ? t.light : t.dark});`).join('');
}

/**
 * The stylesheet of one diagram, scoped to `.${rootClass}`. Class names used by the SVG: `sr-bg`, `sr-title`,
 * `sr-subtitle`, `sr-node`, `sr-edge`, `sr-label`, `sr-status-<status>`, `sr-tone-<tone>`, `sr-legend`, `sr-findings`.
 */
export function stylesheet(rootClass: string, scheme: ColorScheme): string {
  const r = `.${rootClass}`;
  const base = scheme === 'dark' ? 'dark' : 'light';
  const statuses: [string, string][] = [
    ['allowed', 'allowed'], ['blocked', 'blocked'], ['unknown', 'unknown'],
    ['managed-by-cloud-controller', 'managed'], ['not-applicable', 'not-applicable'],
  ];
  const rules: string[] = [
    `${r}{${declarations(base)}--_sr-font:var(--sr-font-family,${DEFAULT_FONT_FAMILY});font-family:var(--_sr-font);font-size:12px;}`,
  ];
  if (scheme === 'auto') rules.push(`@media (prefers-color-scheme: dark){${r}{${declarations('dark')}}}`);
  rules.push(
    `${r} text{fill:var(--_sr-foreground);white-space:pre;}`,
    `${r} .sr-bg{fill:var(--_sr-background);}`,
    `${r} .sr-title{font-size:15px;font-weight:600;}`,
    `${r} .sr-heading{font-size:13px;font-weight:600;}`,
    `${r} .sr-strong{font-weight:600;}`,
    `${r} .sr-small{font-size:11px;}`,
    `${r} .sr-muted,${r} .sr-tone-muted{fill:var(--_sr-muted);}`,
    `${r} .sr-node rect{fill:var(--_sr-node-background);stroke:var(--_sr-node-border);stroke-width:1;}`,
    `${r} .sr-label rect{fill:var(--_sr-label-background);stroke-width:1;}`,
    `${r} .sr-edge path{fill:none;stroke-linejoin:round;}`,
    `${r} .sr-tone-error{fill:var(--_sr-error);}`,
    `${r} .sr-tone-warning{fill:var(--_sr-warning);}`,
    `${r} .sr-tone-info{fill:var(--_sr-info);}`,
  );
  for (const [status, key] of statuses) {
    rules.push(
      `${r} .sr-edge.sr-status-${status} path{stroke:var(--_sr-${key});}`,
      `${r} .sr-edge.sr-status-${status} polygon,${r} .sr-legend .sr-status-${status} polygon{fill:var(--_sr-${key});}`,
      `${r} .sr-label.sr-status-${status} rect{stroke:var(--_sr-${key});}`,
      `${r} .sr-tone-${status}{fill:var(--_sr-${key});}`,
      `${r} .sr-legend .sr-status-${status} path{stroke:var(--_sr-${key});fill:none;}`,
    );
  }
  rules.push(
    `${r} .sr-status-allowed path{stroke-width:2;}`,
    `${r} .sr-status-blocked path{stroke-width:3;}`,
    `${r} .sr-status-unknown path{stroke-width:2;stroke-dasharray:6 4;}`,
    `${r} .sr-status-managed-by-cloud-controller path{stroke-width:2;stroke-dasharray:9 3 2 3;}`,
    `${r} .sr-status-not-applicable path{stroke-width:1.5;}`,
  );
  return rules.join('\n');
}
