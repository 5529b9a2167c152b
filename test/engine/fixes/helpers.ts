/**
 * Test support for the fixes: apply an action to a workspace, find a Python that can import firewalld's own
 * reader, run a zone file through it.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Finding, Workspace } from '../../../server/src/engine';
import { applyEdits, fixAll, fixesFor, type FixAction, type FixAllResult, type TextEdit } from '../../../server/src/engine/fixes';
import { parseYaml, type YNode } from '../../../server/src/engine/parse/yaml';

/** The texts of the files an action edits, after the edits. */
export function applied(ws: Workspace, edits: readonly TextEdit[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of new Set(edits.map((e) => e.path))) {
    out.set(p, applyEdits(ws.getText(p)!, edits.filter((e) => e.path === p)));
  }
  return out;
}

/** Applies the edits to the workspace itself. */
export function applyTo(ws: Workspace, edits: readonly TextEdit[]): void {
  for (const [p, text] of applied(ws, edits)) ws.setFile(p, text);
}

/**
 * The fix loop over the whole workspace (what `check --fix` runs), its final texts then put into the workspace.
 * Checks on the way that the loop left the workspace as it found it and that each file's edits give its text.
 */
export function fixAndKeep(ws: Workspace): FixAllResult & { originals: Map<string, string> } {
  const texts = new Map(ws.paths().map((p) => [p, ws.getText(p)!]));
  const r = fixAll(ws, { scope: 'workspace' });
  for (const [p, t] of texts) assert.equal(ws.getText(p), t, `fixAll put ${p} back`);
  for (const f of r.files) {
    assert.equal(f.original, texts.get(f.path));
    assert.equal(applyEdits(f.original, f.edits), f.text, `the edits of ${f.path} give its final text`);
    ws.setFile(f.path, f.text);
  }
  return { ...r, originals: new Map(r.files.map((f) => [f.path, f.original])) };
}

export function only<T>(items: readonly T[], what = 'item'): T {
  assert.equal(items.length, 1, `expected one ${what}, got ${items.length}`);
  return items[0];
}

export function findingOf(ws: Workspace, code: string): Finding {
  return only(ws.analyze().findings.filter((f) => f.code === code), code);
}

/** The first (preferred) action of the only finding with `code`. */
export function preferred(ws: Workspace, code: string): FixAction {
  const actions = fixesFor(ws, findingOf(ws, code));
  assert.ok(actions.length > 0, `no fix for ${code}`);
  assert.ok(actions[0].edits.length > 0, 'the first fix edits');
  return actions[0];
}

export function codesOf(ws: Workspace): string[] {
  return ws.analyze().findings.map((f) => f.code).sort();
}

let python: string | null | undefined;

/** A python3 that can import firewalld's modules (Debian's python3-firewall), or null. */
export function firewalldPython(): string | null {
  if (python !== undefined) return python;
  python = null;
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', 'import firewall.core.io.zone, firewall.core.rich'], { encoding: 'utf8' });
    if (r.status === 0) {
      python = candidate;
      break;
    }
  }
  return python;
}

export interface ZoneAsFirewalldReadsIt {
  ports: [string, string][];
  services: string[];
  rules: string[];
  sources: string[];
}

/**
 * Reads zone files with firewalld's own reader (`zone_reader(filename, path)`), all in one Python run, each in a
 * temporary folder of its own. Throws when the reader refuses one.
 */
export function readZonesWithFirewalld(py: string, zones: { name: string; text: string }[]): ZoneAsFirewalldReadsIt[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sr-zone-'));
  try {
    const args: string[] = [];
    zones.forEach((z, i) => {
      const sub = path.join(dir, String(i));
      fs.mkdirSync(sub);
      fs.writeFileSync(path.join(sub, `${z.name}.xml`), z.text);
      args.push(`${z.name}.xml`, sub);
    });
    const script = [
      'import json, sys',
      'from firewall.core.io.zone import zone_reader',
      'out = []',
      'for i in range(1, len(sys.argv), 2):',
      '    z = zone_reader(sys.argv[i], sys.argv[i + 1])',
      '    out.append({"ports": z.ports, "services": z.services, "rules": [str(r) for r in z.rules], "sources": z.sources})',
      'print(json.dumps(out))',
    ].join('\n');
    const r = spawnSync(py, ['-c', script, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`firewalld's zone_reader refused a file: ${r.stderr}`);
    return JSON.parse(r.stdout) as ZoneAsFirewalldReadsIt[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function readZoneWithFirewalld(py: string, name: string, text: string): ZoneAsFirewalldReadsIt {
  return readZonesWithFirewalld(py, [{ name, text }])[0];
}

/** Parses a rich rule with firewalld's own parser; returns its canonical text. Throws on failure. */
export function parseRichRuleWithFirewalld(py: string, rule: string): string {
  const r = spawnSync(py, ['-c', 'import sys\nfrom firewall.core.rich import Rich_Rule\nprint(str(Rich_Rule(rule_str=sys.argv[1])))', rule], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`firewalld's rich rule parser refused ${rule}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * Runs a copied command line in bash with `firewall-cmd` and `oci` replaced by functions that print their
 * arguments, and returns the argument lists of each call. Nothing but those functions and printf runs. Null
 * when bash is missing.
 */
export function shellWords(commandText: string, cwd: string): string[][] | null {
  const stubs = 'firewall-cmd() { printf "%s\\0" "$@"; printf "\\001"; }\noci() { printf "%s\\0" "$@"; printf "\\001"; }\n';
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', stubs + commandText], { encoding: 'utf8', cwd, env: { PATH: process.env.PATH ?? '' } });
  if (r.error) return null;
  assert.equal(r.status, 0, `bash failed: ${r.stderr}`);
  return r.stdout.split('\u0001').filter((c) => c !== '').map((c) => c.split('\u0000').slice(0, -1));
}

/** Every scalar of a YAML text with its span (documents in order, depth first). */
function scalarsOf(text: string): { value: unknown; start: number; end: number }[] {
  const out: { value: unknown; start: number; end: number }[] = [];
  const visit = (n: YNode | null): void => {
    if (!n) return;
    if (n.kind === 'scalar') out.push({ value: n.value, start: n.span.start, end: n.span.end });
    else if (n.kind === 'seq') n.items.forEach(visit);
    else for (const p of n.pairs) { visit(p.key); visit(p.value); }
  };
  for (const d of parseYaml(text, { template: false }).documents) visit(d.contents);
  return out;
}

/**
 * After a fix, the YAML still parses, and every scalar outside the edits is still there with the same value,
 * at its old offset moved by the length the edits before it added.
 */
export function assertYamlPositionsIntact(before: string, after: string, edits: readonly { span: { start: number; end: number }; newText: string }[]): void {
  assert.deepEqual(parseYaml(after, { template: false }).problems, [], 'the fixed YAML parses');
  const found = new Set(scalarsOf(after).map((s) => `${s.start}:${s.end}:${JSON.stringify(s.value)}`));
  for (const s of scalarsOf(before)) {
    if (s.start === s.end) continue; // an empty value: a fix may fill it
    if (edits.some((e) => e.span.start < s.end && s.start < e.span.end)) continue; // the replaced value itself
    const shift = (o: number) => o + edits.filter((e) => e.span.end <= o).reduce((d, e) => d + e.newText.length - (e.span.end - e.span.start), 0);
    const key = `${shift(s.start)}:${shift(s.start) + (s.end - s.start)}:${JSON.stringify(s.value)}`;
    assert.ok(found.has(key), `scalar ${JSON.stringify(s.value)} at ${s.start} is no longer at ${key.split(':')[0]}`);
  }
}
