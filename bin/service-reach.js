#!/usr/bin/env node
'use strict';
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
