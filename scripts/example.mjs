#!/usr/bin/env node
// The README's main job: run `service-reach check` over the bundled example repository. The examples hold
// real mistakes on purpose, so exit status 1 (errors found) is the expected outcome here; 2 is a failure.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const r = spawnSync(process.execPath, [join(root, 'bin/service-reach.js'), 'check', 'examples/', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
if (r.status === 1) console.log('\n(exit status 1: the examples contain the mistakes above on purpose)');
process.exit(r.status === 0 || r.status === 1 ? 0 : r.status ?? 2);
