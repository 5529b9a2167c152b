/**
 * Parses read ahead: a host with threads to spare (the CLI) parses YAML texts on another thread with the very
 * function the engine would call (`readAhead`), and hands the results in (`setParsesAhead`). `parseCounted` asks
 * for a text's result before reading it, so a result handed in is the one the engine would have made; a text
 * that was not handed in, or whose parse hit a limit (a time limit depends on the thread's load), is read here.
 *
 * A result crosses threads as numbers (`pack.ts`: shared nodes stay shared, a document's membership of `SHARED`
 * travels as a flag) plus its problems as plain data.
 */
import { optionsKeyOf, type YamlParseOptions } from './limits';
import type { ParseProblem } from '../problem';
import { packDocuments, unpackDocuments, type PackedTrees } from './pack';
import type { CountedParse } from './tree';

/** A parse as it crosses threads: its trees as numbers (`pack.ts`; the buffer may be transferred), the rest as is. */
export interface PackedParse {
  parse: Omit<CountedParse, 'result'>;
  problems: ParseProblem[];
  trees: PackedTrees;
}

/** What the engine asks a host for: the parse of `text` with the options `key` names, if it has it. */
export type ParsesAhead = (text: string, key: string) => CountedParse | undefined;

/** A text the engine will read, with the options it will read it with. */
export interface ReadAhead {
  text: string;
  template: boolean;
  /** read as the workspace reads manifests (`YamlParseOptions.headersOnly`) */
  headersOnly: boolean;
}

let ahead: ParsesAhead | undefined;
let announce: ((reads: readonly ReadAhead[]) => void) | undefined;

/**
 * Set (or clear, with undefined) where parses made ahead are found, and whom to tell what the engine is about to
 * read (`willRead`).
 */
export function setParsesAhead(source: ParsesAhead | undefined, announced?: (reads: readonly ReadAhead[]) => void): void {
  ahead = source;
  announce = source ? announced : undefined;
}

/** The engine is about to read these texts (a host that parses ahead may start on them now). */
export function willRead(reads: readonly ReadAhead[]): void {
  announce?.(reads);
}

/** A parse made ahead for this text and these options; undefined when there is none (then read it here). */
export function parsedAhead(text: string, options: YamlParseOptions, template: boolean): CountedParse | undefined {
  if (!ahead) return undefined;
  const found = ahead(text, optionsKeyOf(options, template));
  return found && !found.limited ? found : undefined;
}

/** `text`: the text that was parsed. */
export function packParse(parse: CountedParse, text: string): PackedParse {
  const { result, ...rest } = parse;
  return { parse: rest, problems: result.problems, trees: packDocuments(result.documents, text) };
}

/** The parse as the engine keeps it: the trees built as the reader builds them (`text`: what was parsed). */
export function unpackParse(packed: PackedParse, text: string): CountedParse {
  return { ...packed.parse, result: { documents: unpackDocuments(packed.trees, text), problems: packed.problems } };
}
