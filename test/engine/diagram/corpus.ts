/**
 * Test support for the diagram: the project's conformance cases (test/conformance/<family>/<case>), each loaded
 * into a Workspace the way the CLI loads a folder.
 */
import * as path from 'node:path';
import { Workspace, type Analysis } from '../../../server/src/engine';
import { loadFiles } from '../../../server/src/cli/load';
import { CONFORMANCE_DIR, conformanceCases } from '../../conformance/cases';

/** The repository root (tests run from `out/test/...`). */
export const REPO = path.resolve(__dirname, '../../../..');

export const CORPUS = CONFORMANCE_DIR;

/** The case names, `family/case`, sorted. */
export function corpusCases(): string[] {
  return conformanceCases().map((c) => c.name);
}

export function loadCase(name: string): { ws: Workspace; analysis: Analysis } {
  const loaded = loadFiles([path.join(CORPUS, name)]);
  const ws = new Workspace();
  for (const f of loaded.files) ws.setFile(f.path, f.text);
  return { ws, analysis: ws.analyze() };
}
