/**
 * The shape of the params a request handler reads, checked before it runs: a request whose params do not have
 * it is answered InvalidParams (the client's error), never InternalError (ours). Only what the handlers read is
 * checked; everything else in the params is the library's or ignored.
 */

/** A JSON object (not null, not an array). */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A position's line and character are numbers. Out of range ones (negative, past the end, fractions) are taken as
 * the nearest place in the text, as editors expect of a lenient server; what is not a number is refused.
 */
function isPosition(x: unknown): boolean {
  return isObject(x) && Number.isFinite(x.line) && Number.isFinite(x.character);
}

/** `{ textDocument: { uri: string } }` */
export function hasTextDocument(p: unknown): boolean {
  return isObject(p) && isObject(p.textDocument) && typeof p.textDocument.uri === 'string';
}

/** `TextDocumentPositionParams`: a document and a position in it. */
export function hasPosition(p: unknown): boolean {
  return hasTextDocument(p) && isPosition((p as Record<string, unknown>).position);
}

/** `CodeActionParams`: a document, a range and a context with the diagnostics (each with a range). */
export function hasCodeActionContext(p: unknown): boolean {
  if (!hasTextDocument(p)) return false;
  const { range, context } = p as Record<string, unknown>;
  if (!isObject(range) || !isPosition(range.start) || !isPosition(range.end)) return false;
  if (!isObject(context) || !Array.isArray(context.diagnostics)) return false;
  if (context.only !== undefined && !(Array.isArray(context.only) && context.only.every((k) => typeof k === 'string'))) return false;
  return context.diagnostics.every((d) => isObject(d) && isObject(d.range) && isPosition(d.range.start) && isPosition(d.range.end));
}

/** Thrown by a handler that checks its params itself: answered InvalidParams with this message. */
export class InvalidParams extends Error {}
