/**
 * Running the CLI in-process, and the scratch folders its tests write: one copy for every suite that needs them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../server/src/cli/main';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `service-reach ARGS` in `cwd`, its stdout and stderr collected. */
export async function runCli(args: string[], cwd: string): Promise<CliRun> {
  let out = '';
  let err = '';
  const code = await main(args, { cwd, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  return { code, out, err };
}

/** A new empty folder under the system's temporary folder (its real path: no link on the way). */
export function tempDir(prefix: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

/** Writes `text` at `rel` under `root`, making the folders on the way; returns the absolute path. */
export function writeFile(root: string, rel: string, text: string): string {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, text);
  return abs;
}
