#!/usr/bin/env node
'use strict';
// A check reads a workspace once and exits. V8 lets a heap grow to some four times what it held after its last
// full collection when collecting is cheap (a long-lived server's best trade); a large repository's check would
// then take several times the memory it needs. Growing by half as much again as it holds keeps it near its needs
// (measured on a 4,200-file repository: 485 MB instead of 630, in about the same time). Set before anything is
// allocated; read by V8 at each full collection.
require('node:v8').setFlagsFromString('--heap-growing-percent=50');
require('../out/server/src/host/plain-env.js').useEnvironmentCopy();
const { main } = require('../out/server/src/cli/main.js');
// every line the CLI prints goes through textLine: workspace text in an error cannot act on the terminal
const { textLine } = require('../out/server/src/cli/format.js');
main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
}).then(
  (code) => { process.exitCode = code; },
  (err) => {
    const lines = String((err && err.stack) || err).split(/\r?\n/);
    process.stderr.write(lines.map((l, i) => textLine(i === 0 ? `service-reach: internal error: ${l}` : l)).join(''));
    process.exitCode = 2;
  },
);
