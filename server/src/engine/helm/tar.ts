/**
 * A chart archive (`.tgz`): gunzipped by the host's function (the engine does no I/O and holds no zlib), then read
 * here as a ustar/GNU tar, bounded in entries and bytes. Regular files only; the top folder (the chart's name) is
 * cut from each path. Never throws: a damaged archive is an `error`.
 */
import { fromUtf8 } from './value';

export interface TarLimits { maxEntries: number; maxBytes: number }
export const TAR_LIMITS: TarLimits = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 };

function field(b: Uint8Array, off: number, len: number): string {
  let end = off;
  while (end < off + len && b[end] !== 0) end++;
  return fromUtf8(b.subarray(off, end));
}

function octal(b: Uint8Array, off: number, len: number): number {
  const s = field(b, off, len).trim();
  return s === '' ? 0 : parseInt(s, 8);
}

export function readTar(data: Uint8Array, limits: TarLimits = TAR_LIMITS): { files: Map<string, Uint8Array>; error?: string } {
  const files = new Map<string, Uint8Array>();
  let off = 0;
  let total = 0;
  let longName: string | null = null;
  let paxPath: string | null = null;
  while (off + 512 <= data.length) {
    const h = data.subarray(off, off + 512);
    if (h.every((x) => x === 0)) break;
    const size = octal(h, 124, 12);
    if (!Number.isFinite(size) || size < 0) return { files, error: 'damaged tar header' };
    const type = String.fromCharCode(h[156] || 48);
    const prefix = field(h, 345, 155);
    let name = field(h, 0, 100);
    if (prefix && field(h, 257, 6).startsWith('ustar')) name = `${prefix}/${name}`;
    const body = data.subarray(off + 512, off + 512 + size);
    if (body.length < size) return { files, error: 'truncated tar archive' };
    off += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') { longName = fromUtf8(body).replace(/\0+$/, ''); continue; }
    if (type === 'x') {
      const m = /\d+ path=([^\n]*)\n/.exec(fromUtf8(body));
      paxPath = m ? m[1]! : null;
      continue;
    }
    if (type === 'g') continue;
    const path = paxPath ?? longName ?? name;
    longName = null;
    paxPath = null;
    if (type !== '0' && type !== '\0' && type !== '7') continue;
    if (files.size >= limits.maxEntries) return { files, error: `the archive holds more than ${limits.maxEntries} files` };
    total += size;
    if (total > limits.maxBytes) return { files, error: `the archive holds more than ${limits.maxBytes} bytes` };
    const parts = path.replace(/^\.\//, '').split('/');
    if (parts.length < 2 || parts.some((p) => p === '..')) continue;
    files.set(parts.slice(1).join('/'), body.slice());
  }
  return { files };
}
