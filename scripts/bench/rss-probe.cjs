/**
 * Preloaded (`node --require scripts/bench/rss-probe.cjs …`) into the CLI the benchmark runs: at exit, the
 * process's peak resident set size (bytes) is written to the file named by BENCH_RSS_FILE.
 */
'use strict';
const fs = require('node:fs');

const out = process.env.BENCH_RSS_FILE;
if (out) {
  process.on('exit', () => {
    try {
      fs.writeFileSync(out, String(process.resourceUsage().maxRSS * 1024));
    } catch { /* the benchmark reports a missing number */ }
  });
}
