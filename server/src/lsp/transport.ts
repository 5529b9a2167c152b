/**
 * Reading LSP messages from a byte stream (stdio) without trusting the framing. Each message is a header block —
 * `Name: value` lines, one of them `Content-Length: N`, ended by an empty line (CRLF, a bare LF accepted) — and
 * N bytes of UTF-8 JSON. vscode-jsonrpc's reader stops for good on a header it cannot use (a negative, non-numeric
 * or missing length) and buffers whatever a huge length announces; this one drops the garbage up to the next
 * `Content-Length:` header line and goes on, and never holds more than one message of the size limit.
 *
 * Resynchronising is safe because a valid JSON body can never contain a header line: `Content-Length: N`
 * followed by a raw CR or LF is not JSON outside a string, and a JSON string holds no raw CR or LF. So a body that
 * is not JSON is dropped up to the next header line in or after it, and so is a body that is still arriving when
 * such a line appears inside it (its length pointed past a truncated body, and the next message has begun).
 */
import { AbstractMessageReader, Disposable, type DataCallback, type Message } from 'vscode-languageserver/node';

/** The largest message body read: a didOpen of a file at the server's size limit, JSON-escaped, fits many times. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** The largest header block read (an LSP client sends about 60 bytes, in one or two lines). */
export const MAX_HEADER_BYTES = 8 * 1024;
/** (also what a flood of header-like lines costs: each line may start a block that is read this far) */
export const MAX_HEADER_LINES = 16;
/** At most this many spaces or tabs around a header line's value, and digits in a length, when looking for one. */
const MAX_PAD = 16;
const MAX_DIGITS = 20;
/** What is kept of a line without an end while looking for a header: a `Content-Length: N` line fits. */
const KEEP_TAIL = 14 + 1 + MAX_PAD + MAX_DIGITS + MAX_PAD + 1;

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const COLON = 0x3a;
const CONTENT_LENGTH = 'content-length';

export interface FramerLimits {
  maxMessageBytes: number;
  maxHeaderBytes: number;
}

export interface FramerStats {
  messages: number;
  /** times the input had to be skipped to the next header */
  resyncs: number;
  droppedBytes: number;
}

export interface FramerEvents {
  message(message: Message): void;
  /** the input was not a message: what was wrong (bytes are then skipped to the next header) */
  dropped(reason: string): void;
}

/** `long`: no block end within the limits (rather than a bad line) */
type HeaderResult = { kind: 'incomplete' } | { kind: 'bad'; reason: string; long?: boolean } | { kind: 'ok'; length: number; next: number };

const isPad = (b: number) => b === SP || b === TAB;
const isDigit = (b: number) => b >= 0x30 && b <= 0x39;
/** a header name's bytes: visible ASCII but the colon */
const isNameByte = (b: number) => b > SP && b < 0x7f && b !== COLON;
const isValueByte = (b: number) => (b >= SP && b < 0x7f) || b === TAB;

/** `buf[at, at + 14)` is "content-length" in any case. */
function isContentLength(buf: Buffer, at: number): boolean {
  for (let k = 0; k < CONTENT_LENGTH.length; k++) {
    const b = buf[at + k];
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== CONTENT_LENGTH.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * The start of the first `Content-Length: digits` line in `buf` that begins at `min` or later and ends (with its
 * LF) at `lfFrom` or later; -1 if there is none. Whatever precedes the name on its line is garbage.
 */
export function findHeaderLine(buf: Buffer, min: number, lfFrom: number): number {
  for (let lf = buf.indexOf(LF, lfFrom); lf >= 0; lf = buf.indexOf(LF, lf + 1)) {
    let j = lf;
    if (j > min && buf[j - 1] === CR) j--;
    for (let n = 0; j > min && n < MAX_PAD && isPad(buf[j - 1]); n++) j--;
    const digitsEnd = j;
    while (j > min && digitsEnd - j < MAX_DIGITS && isDigit(buf[j - 1])) j--;
    if (j === digitsEnd) continue;
    for (let n = 0; j > min && n < MAX_PAD && isPad(buf[j - 1]); n++) j--;
    if (j <= min || buf[j - 1] !== COLON) continue;
    j--;
    if (j - CONTENT_LENGTH.length < min || !isContentLength(buf, j - CONTENT_LENGTH.length)) continue;
    return j - CONTENT_LENGTH.length;
  }
  return -1;
}

/** Parse the header block at `start` of `buf`: its length, or why it is not one, or that more bytes are needed. */
export function parseHeaderBlock(buf: Buffer, start: number, limits: FramerLimits): HeaderResult {
  let length: number | undefined;
  const end = buf.length;
  const limit = Math.min(end, start + limits.maxHeaderBytes);
  for (let i = start, lines = 0; ; lines++) {
    if (lines > MAX_HEADER_LINES) return { kind: 'bad', reason: `a header block of more than ${MAX_HEADER_LINES} lines`, long: true };
    const lf = buf.indexOf(LF, i);
    if (lf < 0 || lf >= limit) {
      if (end - start >= limits.maxHeaderBytes) return { kind: 'bad', reason: `a header block longer than ${limits.maxHeaderBytes} bytes`, long: true };
      for (let k = i; k < end; k++) if (!isValueByte(buf[k]) && buf[k] !== CR) return { kind: 'bad', reason: 'a header line with bytes that are not text' };
      return { kind: 'incomplete' };
    }
    const lineEnd = lf > i && buf[lf - 1] === CR ? lf - 1 : lf;
    if (lineEnd === i) {
      return length === undefined ? { kind: 'bad', reason: 'a header block without Content-Length' } : { kind: 'ok', length, next: lf + 1 };
    }
    for (let k = i; k < lineEnd; k++) if (!isValueByte(buf[k])) return { kind: 'bad', reason: 'a header line with bytes that are not text' };
    let colon = i;
    while (colon < lineEnd && isNameByte(buf[colon])) colon++;
    if (colon === i || colon === lineEnd || buf[colon] !== COLON) return { kind: 'bad', reason: 'a header line that is not "Name: value"' };
    if (colon - i === CONTENT_LENGTH.length && isContentLength(buf, i)) {
      const value = buf.toString('latin1', colon + 1, lineEnd).trim();
      let digits = value.length > 0 && value.length <= MAX_DIGITS;
      for (let k = 0; digits && k < value.length; k++) digits = isDigit(value.charCodeAt(k));
      const show = value.length > 40 ? `${value.slice(0, 40)}…` : value;
      if (!digits) return { kind: 'bad', reason: `Content-Length "${show}" is not a length` };
      const n = Number(value);
      if (n > limits.maxMessageBytes) return { kind: 'bad', reason: `Content-Length ${show} is over the limit of ${limits.maxMessageBytes} bytes` };
      if (length !== undefined && length !== n) return { kind: 'bad', reason: 'two Content-Length headers that differ' };
      length = n;
    }
    i = lf + 1;
  }
}

const isJsonSpace = (b: number) => b === SP || b === TAB || b === LF || b === CR;
/** the bytes a JSON text other than an object can start with: [ " - 0-9 t f n */
const startsOtherJson = (b: number) => b === 0x5b || b === 0x22 || b === 0x2d || isDigit(b) || b === 0x74 || b === 0x66 || b === 0x6e;

/** The body as a message: a JSON object; else why not (`resync`: it is not JSON at all, so maybe not the body). */
function decodeBody(body: Buffer): { message: Message } | { reason: string; resync: boolean } {
  const notJson = { reason: `a body of ${body.length} bytes that is not JSON`, resync: true };
  // cheap checks first: a flood of small bad frames must not cost a thrown SyntaxError each
  let first = 0;
  let last = body.length - 1;
  while (first <= last && isJsonSpace(body[first])) first++;
  while (last >= first && isJsonSpace(body[last])) last--;
  if (first > last) return notJson;
  const object = body[first] === 0x7b;
  if (object ? body[last] !== 0x7d : !startsOtherJson(body[first])) return notJson;
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return notJson;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { reason: `a body that is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}, not a message object`, resync: false };
  }
  return { message: value as Message };
}

/**
 * Bytes in, messages out. `push` a chunk as it arrives (split anywhere); messages are delivered in order.
 * Buffered: at most one header block and one body within the limits, or while skipping garbage a line's tail.
 */
export class MessageFramer {
  private buf = Buffer.alloc(0);
  private start = 0;
  private end = 0;
  private state: 'header' | 'body' | 'resync' = 'header';
  /** state 'body': where the body starts, its length, and from where new bytes are looked at for a header line */
  private bodyStart = 0;
  private bodyLength = 0;
  private scanFrom = 0;
  /** state 'resync': header lines are looked for from `start`, ending at `lfFrom` or later */
  private lfFrom = 0;
  private readonly counts: FramerStats = { messages: 0, resyncs: 0, droppedBytes: 0 };

  constructor(private readonly events: FramerEvents, private readonly limits: FramerLimits = { maxMessageBytes: MAX_MESSAGE_BYTES, maxHeaderBytes: MAX_HEADER_BYTES }) {}

  get stats(): FramerStats {
    return { ...this.counts };
  }

  /** Bytes held now (a partial message, or the tail of a line while skipping garbage). */
  get buffered(): number {
    return this.end - this.start;
  }

  push(chunk: Uint8Array): void {
    this.append(chunk);
    this.run();
    this.shrink();
  }

  private run(): void {
    for (;;) {
      if (this.state === 'resync') {
        const at = findHeaderLine(this.live(), this.start, this.lfFrom);
        if (at < 0) {
          // nothing yet: keep only what may still become the start of a header line
          const lastLf = this.buf.subarray(this.start, this.end).lastIndexOf(LF);
          this.drop(Math.max(lastLf + 1, this.end - this.start - KEEP_TAIL, 0));
          this.lfFrom = this.start;
          return;
        }
        this.drop(at - this.start);
        this.state = 'header';
      }
      if (this.state === 'header') {
        const h = parseHeaderBlock(this.live(), this.start, this.limits);
        if (h.kind === 'incomplete') return;
        if (h.kind === 'bad') {
          this.resync(h.reason, h.long ? this.afterLongBlock() : this.start + 1);
          continue;
        }
        this.state = 'body';
        this.bodyStart = h.next;
        this.bodyLength = h.length;
        this.scanFrom = h.next;
      }
      // state 'body'
      const bodyEnd = this.bodyStart + this.bodyLength;
      if (this.end < bodyEnd) {
        // a header line inside what arrived: the length pointed past a truncated body, the next message has begun
        const at = findHeaderLine(this.live(), this.bodyStart, this.scanFrom);
        if (at < 0) {
          this.scanFrom = this.end;
          return;
        }
        this.events.dropped(`a body cut short after ${at - this.bodyStart} of ${this.bodyLength} bytes (a header line follows)`);
        this.counts.resyncs++;
        this.drop(at - this.start);
        this.state = 'header';
        continue;
      }
      const decoded = decodeBody(this.buf.subarray(this.bodyStart, bodyEnd));
      if ('message' in decoded) {
        this.start = bodyEnd;
        this.state = 'header';
        this.counts.messages++;
        this.events.message(decoded.message);
      } else if (decoded.resync) {
        this.drop(this.bodyStart - this.start);
        this.resync(decoded.reason, this.bodyStart);
      } else {
        this.events.dropped(decoded.reason);
        this.drop(bodyEnd - this.start);
        this.state = 'header';
      }
    }
  }

  /** Skip to the next header line starting at `from` or later (`from` > start: what is before it is dropped). */
  private resync(reason: string, from: number): void {
    this.events.dropped(`${reason}; skipping to the next Content-Length header`);
    this.counts.resyncs++;
    this.drop(Math.min(from, this.end) - this.start);
    this.state = 'resync';
    this.lfFrom = this.start;
  }

  /**
   * After a header block that did not end within the limits: the earliest place a block that does may start.
   * A block ends at a blank line within MAX_HEADER_LINES lines and maxHeaderBytes bytes of its start, so only the
   * lines that close before the next blank line (or the end of what arrived) can start one — not every line of a
   * long run of header-like lines, each read again (a flood of them would cost that many times its length).
   */
  private afterLongBlock(): number {
    const live = this.live();
    const blanks = [live.indexOf('\n\n', this.start), live.indexOf('\n\r\n', this.start)].filter((i) => i >= 0);
    const to = blanks.length ? Math.min(...blanks) : this.end;
    let from = to;
    for (let n = 0; n <= MAX_HEADER_LINES && from > this.start; n++) from = live.lastIndexOf(LF, from - 1);
    return Math.max(this.start + 1, from + 1, to - this.limits.maxHeaderBytes);
  }

  /** The buffer up to the last byte received (searches never look past it). */
  private live(): Buffer {
    return this.buf.subarray(0, this.end);
  }

  /** Skip `n` bytes that were not (part of) a message. */
  private drop(n: number): void {
    if (n <= 0) return;
    this.start += n;
    this.counts.droppedBytes += n;
  }

  private append(chunk: Uint8Array): void {
    const live = this.end - this.start;
    if (this.end + chunk.length > this.buf.length) {
      const need = live + chunk.length;
      if (need <= this.buf.length / 2) {
        this.buf.copyWithin(0, this.start, this.end);
      } else {
        const hard = this.limits.maxMessageBytes + this.limits.maxHeaderBytes;
        const next = Buffer.allocUnsafe(Math.max(need, Math.min(this.buf.length * 2, hard), 4096));
        this.buf.copy(next, 0, this.start, this.end);
        this.buf = next;
      }
      this.shift(this.start);
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  /** After a large message: give the memory back. */
  private shrink(): void {
    const live = this.end - this.start;
    if (this.buf.length <= 16 * 1024 * 1024 || live > this.buf.length / 8) return;
    const next = Buffer.allocUnsafe(Math.max(64 * 1024, live * 2));
    this.buf.copy(next, 0, this.start, this.end);
    this.buf = next;
    this.shift(this.start);
  }

  /** Offsets after the live bytes moved `by` towards the start of the buffer. */
  private shift(by: number): void {
    this.start -= by;
    this.end -= by;
    this.bodyStart -= by;
    this.scanFrom -= by;
    this.lfFrom -= by;
  }
}

export interface RobustReaderOptions {
  limits?: FramerLimits;
  /** told when input was dropped (for the log) */
  report?: (reason: string) => void;
}

/** A MessageReader over a Node stream (the server's stdin) that survives bad framing; see MessageFramer. */
export class RobustMessageReader extends AbstractMessageReader {
  private framer: MessageFramer | undefined;

  constructor(private readonly readable: NodeJS.ReadableStream, private readonly options: RobustReaderOptions = {}) {
    super();
  }

  get stats(): FramerStats | undefined {
    return this.framer?.stats;
  }

  listen(callback: DataCallback): Disposable {
    // one report per run of bad input (a flood of bad headers is not echoed line by line into the log)
    let reported = false;
    let more = 0;
    const framer = new MessageFramer({
      message: (m) => {
        if (more > 0) this.options.report?.(`${more} more bad frames were dropped before the next message`);
        reported = false;
        more = 0;
        try { callback(m); } catch (err) { this.fireError(err); }
      },
      dropped: (reason) => {
        if (reported) { more++; return; }
        reported = true;
        this.options.report?.(reason);
      },
    }, this.options.limits);
    this.framer = framer;
    const onData = (data: Buffer | string) => framer.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    const onError = (err: Error) => this.fireError(err);
    const onClose = () => this.fireClose();
    this.readable.on('data', onData);
    this.readable.on('error', onError);
    this.readable.on('end', onClose);
    this.readable.on('close', onClose);
    return Disposable.create(() => {
      this.readable.off('data', onData);
      this.readable.off('error', onError);
      this.readable.off('end', onClose);
      this.readable.off('close', onClose);
    });
  }
}
