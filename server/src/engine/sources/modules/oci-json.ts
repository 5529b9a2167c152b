/**
 * OCI security lists as JSON (`oci network security-list get/list` output, or the list object itself). A JSON
 * file that holds none is not claimed, and so read as a manifest.
 */
import type { OciSecurityList, ReadResult } from '../model';
import { readOciSecurityListsJson } from '../oci-json';
import type { SourceFile, SourceModule } from '../source-module';

export function listsOf(file: SourceFile): ReadResult<OciSecurityList[]> {
  return file.memo('oci-json', () => readOciSecurityListsJson(file.path, file.text));
}

export const ociJsonSource: SourceModule = {
  name: 'oci-json',
  reads: 'json',
  claims: (file) => listsOf(file).value !== null,
  contribute(files, into, report) {
    for (const f of files) {
      const r = listsOf(f);
      report('json-syntax', f.path, r.problems);
      for (const l of r.value ?? []) into.ociLists.push(l);
    }
  },
};
