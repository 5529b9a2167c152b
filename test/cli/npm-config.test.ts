/**
 * The project's npm configuration: every dependency with an install script is approved or denied in
 * package.json `allowScripts`, with its reason beside it (`//allowScripts`), so that `npm ci` prints no
 * install-scripts warning and a new dependency with a script is decided on purpose.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

interface Pkg { allowScripts?: Record<string, boolean>; '//allowScripts'?: Record<string, string> }
interface Lock { packages: Record<string, { hasInstallScript?: boolean; optional?: boolean }> }

/** Package names (as npm spells them) of the locked dependencies that have an install script. */
export function withInstallScripts(lock: Lock): string[] {
  const names = Object.entries(lock.packages)
    .filter(([where, p]) => where !== '' && p.hasInstallScript)
    .map(([where]) => where.slice(where.lastIndexOf('node_modules/') + 'node_modules/'.length));
  return [...new Set(names)].sort();
}

/** What is wrong with the policy for these packages (empty: nothing). */
export function policyProblems(pkg: Pkg, scripted: readonly string[]): string[] {
  const policy = pkg.allowScripts ?? {};
  const reasons = pkg['//allowScripts'] ?? {};
  const problems: string[] = [];
  for (const name of scripted) {
    if (typeof policy[name] !== 'boolean') problems.push(`${name}: not in allowScripts`);
    else if (!reasons[name]?.startsWith(policy[name] ? 'approved: ' : 'denied: ')) problems.push(`${name}: no reason ("${policy[name] ? 'approved' : 'denied'}: …") in //allowScripts`);
  }
  for (const name of Object.keys(policy)) if (!scripted.includes(name)) problems.push(`${name}: in allowScripts, but no locked dependency of that name has an install script`);
  return problems;
}

suite('npm configuration', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Pkg;
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as Lock;

  test('every locked dependency with an install script is approved or denied, with its reason', () => {
    const scripted = withInstallScripts(lock);
    assert.ok(scripted.length > 0);
    assert.deepEqual(policyProblems(pkg, scripted), []);
  });

  test('a new dependency with an install script, or a decision without a reason, is reported', () => {
    assert.deepEqual(policyProblems({ allowScripts: { a: true, b: false }, '//allowScripts': { a: 'approved: x' } }, ['a', 'b', 'c']), [
      'b: no reason ("denied: …") in //allowScripts',
      'c: not in allowScripts',
    ]);
    assert.deepEqual(policyProblems({ allowScripts: { gone: false }, '//allowScripts': { gone: 'denied: x' } }, []), [
      'gone: in allowScripts, but no locked dependency of that name has an install script',
    ]);
  });
});
