#!/usr/bin/env node
// Regenerates docs/images/exposure-example.svg: the exposure diagram of a conformance case (test/conformance),
// drawn by `service-reach graph` exactly as a user would get it. Run after `npx tsc -p .` (it uses out/).
//
//   node scripts/render-example-svg.mjs [CASE_DIR[#SERVICE]] [OUT_FILE]
//
// Default: test/conformance/reachability/nlb-preserve-source#live-relay (an OCI network load balancer with a
// preserved client source: allowed, blocked and unknown hops) → docs/images/exposure-example.svg.
import { createRequire } from 'node:module';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { main } = require(path.join(repo, 'out/server/src/cli/main.js'));

const [target = path.join(repo, 'test/conformance/reachability/nlb-preserve-source#live-relay'),
  outFile = path.join(repo, 'docs/images/exposure-example.svg')] = process.argv.slice(2);
const hash = target.lastIndexOf('#');
const caseDir = path.resolve(hash >= 0 ? target.slice(0, hash) : target);
const selector = hash >= 0 ? target.slice(hash) : '';

// the first manifest of the case that holds a Service (the CLI picks the Service within it)
const manifests = fs.readdirSync(caseDir, { recursive: true })
  .map(String).filter((p) => /\.ya?ml$/.test(p) && !path.basename(p).startsWith('.')).sort();
let svg = '';
let errors = '';
for (const rel of manifests) {
  let out = '';
  let err = '';
  const code = await main(['graph', rel + selector], { cwd: caseDir, stdout: (s) => { out += s; }, stderr: (s) => { err += s; } });
  if (code === 0) { svg = out; break; }
  errors += err;
}
if (!svg) {
  process.stderr.write(`render-example-svg: no Service drawn from ${caseDir}\n${errors}`);
  process.exit(1);
}
fs.mkdirSync(path.dirname(outFile), { recursive: true });
fs.writeFileSync(outFile, svg);
process.stdout.write(`wrote ${path.relative(process.cwd(), outFile)} (${svg.length} bytes) from ${path.relative(process.cwd(), caseDir)}\n`);
