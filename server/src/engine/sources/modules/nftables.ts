/**
 * nftables rulesets: `nft list ruleset` text (`*.nft`, `nftables.conf`), read by `readNftText`, and
 * `nft -j list ruleset` JSON, claimed by content (a top-level `nftables` array) and read by `readNftJson`.
 */
import { readNftJson } from '../nft-json';
import { readNftText } from '../nft-text';
import type { ReadResult } from '../model';
import type { NfRuleset } from '../netfilter-model';
import type { SourceFile, SourceModule } from '../source-module';

export function nftTextOf(file: SourceFile): ReadResult<NfRuleset> {
  return file.memo('nft-text', () => readNftText(file.path, file.text));
}

export function nftJsonOf(file: SourceFile): ReadResult<NfRuleset> {
  return file.memo('nft-json', () => readNftJson(file.path, file.text));
}

export const nftTextSource: SourceModule = {
  name: 'nftables',
  reads: 'nft',
  contribute(files, into, report) {
    for (const f of files) {
      const r = nftTextOf(f);
      report('netfilter-syntax', f.path, r.problems);
      if (r.value) into.nodeRulesets.push(r.value);
    }
  },
};

export const nftJsonSource: SourceModule = {
  name: 'nftables-json',
  reads: 'json',
  claims: (file) => nftJsonOf(file).value !== null,
  contribute(files, into, report) {
    for (const f of files) {
      const r = nftJsonOf(f);
      if (!r.value) continue; // (not nft JSON: another module's, or a manifest)
      report('json-syntax', f.path, r.problems);
      into.nodeRulesets.push(r.value);
    }
  },
};
