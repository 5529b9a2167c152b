/**
 * The invariants every analysis keeps, whatever the input (used by the fuzz and robustness tests).
 */
import * as assert from 'node:assert/strict';
import { ALL_CODES, type Analysis, type Workspace } from '../../server/src/engine';

const codes = new Set<string>(ALL_CODES);

/**
 * The invariants every analysis must keep. Throws (an assertion error) when one does not hold. `skipped`: the
 * paths handed to `skipFile` (in the workspace, without text): a finding there must sit at offset 0.
 */
export function checkAnalysis(ws: Workspace, analysis: Analysis, skipped: ReadonlySet<string> = new Set()): void {
  const paths = new Set(ws.paths());
  const within = (path: string, span: { start: number; end: number }, what: string) => {
    if (!paths.has(path) && skipped.has(path)) {
      assert.deepEqual(span, { start: 0, end: 0 }, `${what}: a skipped file's finding is not at its start`);
      return;
    }
    assert.ok(paths.has(path), `${what}: path ${JSON.stringify(path)} is not in the workspace`);
    const length = ws.getText(path)!.length;
    assert.ok(Number.isInteger(span.start) && Number.isInteger(span.end), `${what}: span ${JSON.stringify(span)} is not whole numbers`);
    assert.ok(span.start >= 0 && span.start <= span.end && span.end <= length,
      `${what}: span ${JSON.stringify(span)} is outside ${path} (length ${length})`);
  };
  for (const f of analysis.findings) {
    const what = `${f.code} "${f.message}"`;
    assert.ok(codes.has(f.code), `unknown code ${f.code}`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0, `${what}: empty message`);
    within(f.path, f.span, what);
    for (const r of f.related) within(r.path, r.span, `${what}, related "${r.message}"`);
    const fix = f.fix;
    const fixSpan = fix?.kind === 'replace' || fix?.kind === 'pin-node-port-value' ? fix.span : fix?.kind === 'add-port-name' ? fix.portSpan : fix?.anchor;
    if (fixSpan) within(f.path, fixSpan, `${what}, fix span`);
  }
  for (const s of analysis.services) assert.ok(paths.has(s.service.path), `service in ${s.service.path}`);
}

