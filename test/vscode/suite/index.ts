/**
 * The entry point VS Code's extension host calls for `extensionTestsPath`: it runs every `*.test.js` beside it
 * with mocha (tdd UI) inside a real VS Code, where the suites use only the `vscode` API.
 *
 * Both runners use it (scripts/vscode/run-code-server.mjs, scripts/vscode/run-electron.mjs). The web workbench
 * does not report results back, so when `SERVICE_REACH_VSCODE_RESULT` names a file, the result is written
 * there as JSON (`SuiteResult`) — the driver waits for that file and fails loudly when it never appears.
 * `run()` also rejects when a test failed or none ran, which is how test-electron learns the outcome.
 *
 * Not run by the root `.mocharc.json` (it lists out/test/{engine,cli,lsp,render} only): `vscode` exists only
 * inside the extension host.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

export interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export interface SuiteResult {
  passes: number;
  failures: number;
  pending: number;
  tests: TestResult[];
  /** when the run itself could not start (a file that does not load, …) */
  error?: string;
  durationMs: number;
  vscodeVersion: string;
}

/** The suites in the order they run; quick-fix edits the workspace, so it runs last. */
export function suiteFiles(dir: string): string[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort();
  const last = files.filter((f) => f.startsWith('quick-fix'));
  return [...files.filter((f) => !last.includes(f)), ...last].map((f) => path.join(dir, f));
}

function writeResult(result: SuiteResult): void {
  const file = process.env.SERVICE_REACH_VSCODE_RESULT;
  if (!file) return;
  // write then rename: the driver never reads half a file
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(result, null, 2));
  fs.renameSync(`${file}.tmp`, file);
}

export async function run(): Promise<void> {
  const started = Date.now();
  const vscodeVersion = vscode.version;
  const tests: TestResult[] = [];
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.SERVICE_REACH_VSCODE_GREP;
  if (grep) mocha.grep(grep);
  for (const f of suiteFiles(__dirname)) mocha.addFile(f);

  let failures: number;
  try {
    failures = await new Promise<number>((resolve) => {
      const runner = mocha.run((n) => resolve(n));
      runner.on('pass', (t) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on('fail', (t, err: Error) => tests.push({ title: t.fullTitle(), state: 'failed', durationMs: t.duration, error: err?.stack ?? String(err) }));
      runner.on('pending', (t) => tests.push({ title: t.fullTitle(), state: 'pending' }));
    });
  } catch (err) {
    const error = (err as Error)?.stack ?? String(err);
    writeResult({ passes: 0, failures: 1, pending: 0, tests, error, durationMs: Date.now() - started, vscodeVersion });
    throw err;
  }
  const result: SuiteResult = {
    passes: tests.filter((t) => t.state === 'passed').length,
    failures,
    pending: tests.filter((t) => t.state === 'pending').length,
    tests,
    durationMs: Date.now() - started,
    vscodeVersion,
  };
  writeResult(result);
  if (failures > 0) throw new Error(`${failures} of ${tests.length} VS Code tests failed`);
  if (result.passes === 0) throw new Error('no VS Code test ran');
}
