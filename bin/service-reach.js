#!/usr/bin/env node
'use strict';
const { main } = require('../out/server/src/cli/main.js');
main(process.argv.slice(2), {
  cwd: process.cwd(),
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
}).then(
  (code) => { process.exitCode = code; },
  (err) => {
    process.stderr.write(`service-reach: internal error: ${(err && err.stack) || String(err)}\n`);
    process.exitCode = 2;
  },
);
