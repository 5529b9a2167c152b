/**
 * What the client configures: the `serviceReach` settings (from `workspace/configuration`, pushed with
 * `workspace/didChangeConfiguration`, or given once in `initializationOptions`), the initialization options, and
 * the defaults. A value of the wrong type keeps the one it would replace.
 */
import { DEFAULT_MAX_FILE_SIZE } from '../engine/util/load-policy';
import type { FolderSettings } from './folder';

export interface Settings extends FolderSettings {
  codeLens: { enable: boolean };
}

/** What the client tells the server in `initializationOptions`. */
export interface InitializationOptions {
  /** the workspace is trusted (VS Code Workspace Trust); default true */
  trusted?: boolean;
  /** the client implements the `serviceReach.copyText` command; default false */
  copyCommand?: boolean;
  /** settings for clients that do not answer `workspace/configuration` */
  settings?: Partial<Settings>;
  /** the client implements `serviceReach.showExposure` and wants `serviceReach/analysisChanged`; default false */
  exposureView?: boolean;
  /** answer `serviceReach/stats` (how much work the server did: for tests and benchmarks); default false */
  stats?: boolean;
}

export const DEFAULT_SETTINGS: Settings = { maxFileSize: DEFAULT_MAX_FILE_SIZE, configPath: '', codeLens: { enable: true } };

/** `raw` (a client's settings object, or anything) over `base`: each value of the right type replaces base's. */
export function settingsFrom(raw: unknown, base: Settings): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const lens = (r.codeLens && typeof r.codeLens === 'object' ? r.codeLens : {}) as Record<string, unknown>;
  return {
    maxFileSize: typeof r.maxFileSize === 'number' && Number.isFinite(r.maxFileSize) && r.maxFileSize > 0 ? r.maxFileSize : base.maxFileSize,
    configPath: typeof r.configPath === 'string' ? r.configPath.trim() : base.configPath,
    codeLens: { enable: typeof lens.enable === 'boolean' ? lens.enable : base.codeLens.enable },
  };
}
