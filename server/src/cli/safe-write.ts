/**
 * How `check --fix` writes a file it fixed, when anything in the workspace may change under it: a folder swapped
 * for a link that leads out, the file edited and saved, replaced, made read-only. Everything is checked again at
 * the last moment, on the objects that are then written, not on their names:
 *
 *  - the file's folder is opened, and every later step goes through that open folder (`/proc/self/fd/N/…` on
 *    Linux): once the open folder is known to lie inside the workspace, swapping a folder of its path for a link
 *    cannot move a write elsewhere;
 *  - the file must be the one the fix was computed from: same device and inode, size, modification time and
 *    content (SHA-256) as when it was read; it must be a regular file that the user running owns and may write
 *    (owner-write permission): else it is skipped, with the reason;
 *  - the new text goes to a temporary file created beside it with `O_EXCL` (never through a link), with the
 *    file's mode; the original is then *moved aside* (so that nobody can save into it unseen), checked once more,
 *    and the new file is linked in under the original name only if that name is still free — an edit saved
 *    meanwhile (in place, or as a new file) is kept and the fix of that file is given up;
 *  - a file with several hard links is written in place (after the same checks), so the links stay one file;
 *  - the temporary file is removed on every path, and the original is put back whenever the write is given up
 *    (unless a file was saved under its name meanwhile: that one, the last saved, stays — as it would have
 *    without --fix).
 *
 * For a few microseconds while a file is replaced its name is absent (a reader then sees no file rather than an
 * old or half-written one). Where `/proc/self/fd` does not exist (not Linux), the folder is checked by its path
 * and identity just before each step instead, which leaves a window of microseconds (on Windows, where a folder
 * cannot be opened, by its path only).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a file was when the fix read it (`identify`). */
export interface FileIdentity {
  dev: bigint;
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  /** SHA-256 of its bytes, hex */
  sha256: string;
}

/** A file that was left as it is, and why (a sentence that follows the file's name). */
export class SkipError extends Error {}

function isInside(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function sha256(buf: Buffer): string {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

/** Reads a file through one descriptor: its bytes and what it was when they were read. */
export function readIdentified(file: string): { bytes: Buffer; identity: FileIdentity } {
  // O_NONBLOCK: a file swapped for a FIFO since it was looked at must not block the open
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    if (!st.isFile()) throw new Error('not a regular file');
    const bytes = readAll(fd);
    return { bytes, identity: { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, sha256: sha256(bytes) } };
  } finally {
    fs.closeSync(fd);
  }
}

/** Every byte of an open file, read from its start (not from the descriptor's position). */
function readAll(fd: number): Buffer {
  const chunks: Buffer[] = [];
  let at = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(65536);
    const n = fs.readSync(fd, chunk, 0, chunk.length, at);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    at += n;
  }
  return Buffer.concat(chunks);
}

/**
 * Where a workspace file really lives, when it is safe to write: inside the root, through no link that leads
 * out of it. A link inside the workspace is written through (the link stays a link).
 */
export function writeTarget(root: string, rel: string): { target?: string; reason?: string } {
  if (rel === '' || path.isAbsolute(rel) || rel.split('/').includes('..')) return { reason: 'is not inside the workspace' };
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch (err) {
    return { reason: (err as Error).message };
  }
  const abs = path.resolve(root, rel);
  if (!isInside(path.resolve(root), abs)) return { reason: 'is not inside the workspace' };
  let real: string;
  try {
    real = fs.realpathSync(abs);
  } catch (err) {
    return { reason: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no longer exists (it, or a folder on its path, was moved or removed)' : (err as Error).message };
  }
  if (!isInside(realRoot, real)) return { reason: `leads to ${real}, outside the workspace` };
  return { target: real };
}

/** A folder held open, and how to name the entries of *that* folder whatever happens to its path. */
class OpenFolder {
  /** undefined where folders cannot be opened (Windows): checked by path only */
  private readonly fd: number | undefined;
  private readonly base: string;
  private readonly viaProc: boolean;

  constructor(private readonly dir: string, private readonly realRoot: string | undefined) {
    try {
      this.fd = fs.openSync(dir, fs.constants.O_RDONLY | (fs.constants.O_DIRECTORY ?? 0));
    } catch (err) {
      if (process.platform !== 'win32') throw new SkipError(`its folder cannot be opened (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    const proc = `/proc/self/fd/${this.fd}`;
    let viaProc = false;
    try {
      viaProc = this.fd !== undefined && fs.statSync(proc).isDirectory();
    } catch { /* no /proc: by path */ }
    this.viaProc = viaProc;
    this.base = viaProc ? proc : dir;
    try {
      this.verify();
    } catch (err) {
      this.close();
      throw err;
    }
  }

  /** The open folder lies inside the workspace (and, without /proc, its path still names it). */
  verify(): void {
    const where = this.viaProc ? fs.readlinkSync(this.base) : fs.realpathSync(this.dir);
    if (this.realRoot !== undefined && !isInside(this.realRoot, where)) {
      throw new SkipError(`its folder now leads to ${where}, outside the workspace (it changed while --fix ran)`);
    }
    if (!this.viaProc && this.fd !== undefined) {
      const open = fs.fstatSync(this.fd, { bigint: true });
      const now = fs.statSync(this.dir, { bigint: true });
      if (open.dev !== now.dev || open.ino !== now.ino) throw new SkipError('its folder was replaced while --fix ran');
    }
  }

  /** The path of an entry of the open folder. */
  entry(name: string): string {
    if (!this.viaProc) this.verify();
    return path.join(this.base, name);
  }

  close(): void {
    if (this.fd !== undefined) try { fs.closeSync(this.fd); } catch { /* already closed */ }
  }
}

type Stat = fs.BigIntStats;

function sameFile(a: { dev: bigint; ino: bigint }, b: { dev: bigint; ino: bigint }): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

function unchanged(st: Stat, id: FileIdentity): boolean {
  return sameFile(st, id) && st.size === id.size && st.mtimeNs === id.mtimeNs;
}

function tryUnlink(p: string): void {
  try { fs.unlinkSync(p); } catch { /* gone already */ }
}

const CHANGED = 'changed on disk since it was read';
const CHANGED_WHILE = 'changed on disk while --fix was writing it; it is left as it is';

/** May we write over this file at all? (A regular file, ours, with owner-write permission.) */
function checkWritable(st: Stat): void {
  if (!st.isFile()) throw new SkipError('is not a regular file');
  const uid = typeof process.getuid === 'function' ? BigInt(process.getuid()) : undefined;
  if (uid !== undefined && st.uid !== uid) throw new SkipError(`belongs to another user (uid ${st.uid}); only its owner's files are written`);
  if ((st.mode & 0o200n) === 0n) throw new SkipError(`is read-only (mode ${(Number(st.mode) & 0o7777).toString(8).padStart(4, '0')}); it is left as it is`);
}

/**
 * Writes `text` over `target` (a real path, see `writeTarget`), provided it still is exactly what was read:
 * `expected` (its text) and, when given, `identity` (see the module's comment for every check). `realRoot`:
 * the workspace's real path, which the file's folder must still lie in. Mode and hard links are kept. Throws
 * with a readable message (a `SkipError` when the file was deliberately left alone); the original is then as
 * it was.
 */
export function writeAtomically(target: string, expected: string, text: string, opts: { identity?: FileIdentity; realRoot?: string } = {}): void {
  const folder = new OpenFolder(path.dirname(target), opts.realRoot);
  const name = path.basename(target);
  let fd: number | undefined;
  try {
    try {
      fd = fs.openSync(folder.entry(name), fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new SkipError(code === 'ELOOP' ? 'became a symbolic link while --fix ran' : code === 'ENOENT' ? 'no longer exists' : (err as Error).message);
    }
    const st = fs.fstatSync(fd, { bigint: true });
    checkWritable(st);
    const current = readAll(fd);
    const id: FileIdentity = opts.identity ?? { dev: st.dev, ino: st.ino, size: st.size, mtimeNs: st.mtimeNs, sha256: sha256(current) };
    if (!unchanged(st, id) || sha256(current) !== id.sha256) throw new SkipError(CHANGED);
    if (!current.equals(Buffer.from(expected, 'utf8'))) {
      throw new SkipError(current.toString('utf8') === expected ? 'is not valid UTF-8, so it is left as it is' : CHANGED);
    }
    const mode = Number(st.mode & 0o7777n);
    if (st.nlink > 1n) writeInPlace(folder, name, fd, id, text);
    else replace(folder, name, fd, id, mode, text);
  } finally {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* already closed */ }
    folder.close();
  }
}

/** Is the file open as `fd` still exactly what was read? (Same inode by construction: size, time, content.) */
function stillAsRead(fd: number, id: FileIdentity): boolean {
  const st = fs.fstatSync(fd, { bigint: true });
  return unchanged(st, id) && sha256(readAll(fd)) === id.sha256;
}

/** Several hard links: the new text is written into the same inode, so every link keeps seeing one file. */
function writeInPlace(folder: OpenFolder, name: string, readFd: number, id: FileIdentity, text: string): void {
  let fd: number;
  try {
    fd = fs.openSync(folder.entry(name), fs.constants.O_WRONLY | fs.constants.O_NOFOLLOW);
  } catch (err) {
    throw new SkipError((err as Error).message);
  }
  try {
    const st = fs.fstatSync(fd, { bigint: true });
    if (!sameFile(st, id)) throw new SkipError(CHANGED_WHILE);
    checkWritable(st);
    if (!stillAsRead(readFd, id)) throw new SkipError(CHANGED_WHILE);
    const bytes = Buffer.from(text, 'utf8');
    fs.writeSync(fd, bytes, 0, bytes.length, 0);
    fs.ftruncateSync(fd, bytes.length);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * One link: a temporary file beside it, the original moved aside and checked again, the new file linked in under
 * the name (only while the name is free), the original removed. Given up (the original back in place) whenever
 * the original changed.
 */
function replace(folder: OpenFolder, name: string, readFd: number, id: FileIdentity, mode: number, text: string): void {
  const tag = `.${name}.service-reach-${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  const tmp = folder.entry(`${tag}.tmp`);
  const aside = folder.entry(`${tag}.orig`);
  let tmpMade = false;
  let moved = false;
  try {
    const fd = fs.openSync(tmp, 'wx', mode); // O_CREAT | O_EXCL: never through a link, never over a file
    tmpMade = true;
    try {
      fs.writeFileSync(fd, text, 'utf8');
      fs.fchmodSync(fd, mode);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    const original = folder.entry(name);
    folder.verify();
    // from here nobody can save into the original by its name unseen: what is at the name is moved aside
    fs.renameSync(original, aside);
    moved = true;
    const st = fs.lstatSync(aside, { bigint: true });
    if (!sameFile(st, id) || !stillAsRead(readFd, id)) throw new SkipError(CHANGED_WHILE);
    try {
      fs.linkSync(tmp, original); // fails when the name was taken meanwhile (a file saved anew): that one stays
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        // someone saved a new file under the name; the original (unchanged, checked above) is not needed
        moved = false;
        tryUnlink(aside);
        throw new SkipError(CHANGED_WHILE);
      }
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP' && code !== 'EXDEV') throw err;
      // a file system without hard links: a rename, only while the name is free
      if (exists(original)) {
        moved = false;
        tryUnlink(aside);
        throw new SkipError(CHANGED_WHILE);
      }
      fs.renameSync(tmp, original);
      tmpMade = false;
    }
    // an edit written into the original through a descriptor opened before it was moved aside: put it back
    if (!stillAsRead(readFd, id)) {
      fs.renameSync(aside, original);
      moved = false;
      throw new SkipError(CHANGED_WHILE);
    }
    tryUnlink(aside);
    moved = false;
  } catch (err) {
    if (moved) restore(aside, folder.entry(name));
    throw err;
  } finally {
    if (tmpMade) tryUnlink(tmp);
  }
}

/** Is there anything at `p` (a file, a folder, a link — followed or not)? */
export function exists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Puts what was moved aside back under its name, unless a file was saved there meanwhile. That file is then the
 * last one saved: without --fix it would have replaced the one aside just the same (a save over the name, or into
 * the file in place), so the one aside goes, and nothing is left behind.
 */
function restore(aside: string, original: string): void {
  try {
    fs.linkSync(aside, original);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST' && !exists(original)) {
      try {
        fs.renameSync(aside, original); // a file system without hard links
        return;
      } catch { /* kept aside rather than lost */ }
      return;
    }
  }
  tryUnlink(aside);
}
