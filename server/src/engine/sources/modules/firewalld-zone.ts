/**
 * firewalld zone files (`zones/NAME.xml` under `etc/firewalld/` or `usr/lib/firewalld/`): read by
 * `readFirewalldXml`, which firewalld service files share (the parse is memoised once per text for both).
 */
import { readFirewalldXml } from '../firewalld-zone';
import type { FirewalldServiceFile, FirewalldZoneFile, ReadResult } from '../model';
import type { SourceFile, SourceModule } from '../source-module';

/** A firewalld XML file read once per text: a zone, a service, or nothing of firewalld's. */
export function firewalldXmlOf(file: SourceFile): ReadResult<FirewalldZoneFile | FirewalldServiceFile> {
  return file.memo('firewalld-xml', () => readFirewalldXml(file.path, file.text));
}

export const firewalldZoneSource: SourceModule = {
  name: 'firewalld-zone',
  reads: 'xml',
  contribute(files, into, report) {
    for (const f of files) {
      const r = firewalldXmlOf(f);
      // a service file's problems are its module's to report; this one reports the rest (zones, broken files)
      if (r.value?.kind === 'firewalld-service') continue;
      report('xml-syntax', f.path, r.problems);
      if (r.value) into.firewalldZones.push(r.value);
    }
  },
};
