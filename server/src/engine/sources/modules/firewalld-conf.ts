/** `firewalld.conf`: the default zone and StrictForwardPorts. Its problems are not reported (firewalld logs them and goes on). */
import { readFirewalldConf } from '../firewalld-conf';
import type { SourceModule } from '../source-module';

export const firewalldConfSource: SourceModule = {
  name: 'firewalld-conf',
  reads: 'firewalld-conf',
  contribute(files, into) {
    for (const f of files) {
      const conf = f.memo('firewalld-conf', () => readFirewalldConf(f.path, f.text).value);
      if (conf) into.firewalldConfs.push(conf);
    }
  },
};
