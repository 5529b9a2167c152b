/**
 * iptables-save files (`rules.v4`, `rules.v6`, `*.iptables`): read by `readIptablesSave`; a file of such a name
 * that holds no table (its first line that is not a comment is not `*filter` or the like) is not one, and says
 * nothing.
 */
import { readIptablesSave } from '../iptables-save';
import type { ReadResult } from '../model';
import type { NfRuleset } from '../netfilter-model';
import type { SourceFile, SourceModule } from '../source-module';

export function iptablesOf(file: SourceFile): ReadResult<NfRuleset> {
  return file.memo('iptables-save', () => readIptablesSave(file.path, file.text));
}

export const iptablesSource: SourceModule = {
  name: 'iptables',
  reads: 'iptables',
  contribute(files, into, report) {
    for (const f of files) {
      const r = iptablesOf(f);
      report('netfilter-syntax', f.path, r.problems);
      if (r.value) into.nodeRulesets.push(r.value);
    }
  },
};
