/**
 * The host's side of chart archives: the engine holds no zlib, so the CLI, the language server and tests hand
 * this gunzip to `initEngine({ gunzip })`. Bounded: an archive that unpacks to more than the tar reader would read
 * (its bytes, and a header block per file) is refused, with a message that says so.
 */
import { gunzipSync } from 'node:zlib';
import { TAR_LIMITS, type Gunzip } from '../engine';

/** The most a chart archive may unpack to: the tar reader's byte bound, plus two 512-byte blocks per file. */
export const MAX_UNPACKED_BYTES = TAR_LIMITS.maxBytes + TAR_LIMITS.maxEntries * 1024 + 1024;

/** Node's zlib, at most `maxOutputLength` bytes out; throws an Error naming why (damaged, or too large). */
export function nodeGunzip(maxOutputLength: number = MAX_UNPACKED_BYTES): Gunzip {
  return (data) => {
    try {
      const out = gunzipSync(data, { maxOutputLength });
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`it unpacks to more than ${maxOutputLength} bytes`);
      throw new Error(`not a gzip archive (${(err as Error).message})`);
    }
  };
}
