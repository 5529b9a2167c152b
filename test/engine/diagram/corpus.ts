/**
 * Test support for the diagram: the conformance corpus (../shared/corpus/cases, or $SERVICE_REACH_CORPUS),
 * each case loaded into a Workspace the way the CLI loads a folder.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Workspace, type Analysis } from '../../../server/src/engine';
import { loadFiles } from '../../../server/src/cli/load';

/** The repository root (tests run from `out/test/...`). */
export const REPO = path.resolve(__dirname, '../../../..');

export const CORPUS = process.env.SERVICE_REACH_CORPUS ?? path.resolve(REPO, '../shared/corpus/cases');

export function corpusCases(): string[] {
  if (!fs.existsSync(CORPUS)) return [];
  return fs.readdirSync(CORPUS, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

export function loadCase(name: string): { ws: Workspace; analysis: Analysis } {
  const loaded = loadFiles([path.join(CORPUS, name)]);
  const ws = new Workspace();
  for (const f of loaded.files) ws.setFile(f.path, f.text);
  return { ws, analysis: ws.analyze() };
}
