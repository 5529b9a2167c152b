/**
 * What the Problems panel shows of a reachability finding is its first ~100 characters: the port, the verdict and
 * the rule source must be there, on every reachability finding the conformance cases make.
 */
import * as assert from 'node:assert/strict';
import { ready } from '../../support/workspace';
import { corpusCases, loadCase } from '../diagram/corpus';

const REACH = new Set(['firewalld-port-closed', 'node-firewall-port-closed', 'security-list-port-closed', 'lb-listener-closed',
  'lb-egress-closed', 'nodeport-unpinned', 'source-ranges-bypassed']);

const PORT = /^(?:(?:Node|Health-check|Listener) port (?:\d+|\(unpinned, \d+-\d+\))\/(?:TCP|UDP|SCTP)|The unpinned node port of port \S+)[ :]/;
const VERDICT = /is not open in|is blocked by|has no egress rule in|the whole range is not open in|no port of \S+ is open (?:for egress )?in|is open beyond the source ranges in/;

/** The names the related information gives the rule sources: `"public"`, `rules.v4:15`. */
function sourceNames(related: readonly { message: string }[]): string[] {
  return related.map((r) => /^(\S+:\d+) /.exec(r.message)?.[1] ?? /"([^"]+)"/.exec(r.message.split(': ')[0])?.[0] ?? '').filter((n) => n);
}

function parenDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (const c of text) {
    if (c === '(') max = Math.max(max, ++depth);
    else if (c === ')') depth--;
  }
  return max;
}

suite('Reachability messages: the port, the verdict and the rule source up front', () => {
  suiteSetup(ready);

  test('the first 100 characters of every reachability finding of the conformance cases', () => {
    let checked = 0;
    for (const name of corpusCases().filter((n) => n.startsWith('reachability/'))) {
      for (const f of loadCase(name).analysis.findings.filter((x) => REACH.has(x.code))) {
        const head = f.message.slice(0, 100);
        const at = `${name}: ${f.code}: ${f.message}`;
        assert.match(head, PORT, `the port first — ${at}`);
        assert.match(head, VERDICT, `the verdict — ${at}`);
        const names = sourceNames(f.related);
        assert.ok(names.length > 0, `related information names the sources — ${at}`);
        assert.ok(names.some((n) => head.includes(n)), `a rule source (${names.join(', ')}) in the first 100 characters — ${at}`);
        assert.ok(parenDepth(f.message) <= 1, `no parentheses inside parentheses — ${at}`);
        assert.doesNotMatch(f.message, /any source, 0\.0\.0\.0\/0|0\.0\.0\.0\/0, any source/, at);
        checked++;
      }
    }
    assert.ok(checked >= 20, `only ${checked} findings checked`);
  });
});
