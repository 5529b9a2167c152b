/** firewalld service files (`services/NAME.xml`): the definitions zones name in `<service name>`. */
import type { SourceModule } from '../source-module';
import { firewalldXmlOf } from './firewalld-zone';

export const firewalldServiceSource: SourceModule = {
  name: 'firewalld-service',
  reads: 'xml',
  contribute(files, into, report) {
    for (const f of files) {
      const r = firewalldXmlOf(f);
      if (r.value?.kind !== 'firewalld-service') continue;
      report('xml-syntax', f.path, r.problems);
      into.firewalldServices.push(r.value);
    }
  },
};
