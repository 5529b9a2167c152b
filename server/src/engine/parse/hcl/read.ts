/**
 * HCL (Terraform) reading, bounded: `parseHcl()` turns a file into our tree (`tree.ts`) through tree-sitter
 * (`tree-sitter.ts`, once `initHcl()` has loaded it) and never throws: problems come back as values.
 *
 * Error recovery: tree-sitter recovers from most errors locally, but some (a stray `}`, an unclosed block) make
 * it swallow or nest the following top-level blocks. When a file has errors, it is therefore also read in
 * segments that start at each line beginning, in column 0, with a top-level Terraform keyword (`resource`,
 * `data`, `variable`, …); each segment is parsed on its own, so one broken block does not hide the next.
 *
 * Limits (hostile input; each one hit is a problem with `limit: true`, see docs/robustness.md): tree-sitter's
 * memory grows with nesting, so only the text before the first bracket, string or interpolation nested deeper
 * than `maxDepth` is parsed (`depth.ts`); a parse is cancelled (through tree-sitter's progress callback) after
 * `maxMillis` in all, or when the process grew by `maxMemoryGrowth` bytes during it (measured by the probe the
 * host handed in); blocks deeper than 64 are not converted.
 */
import type { ParseProblem } from '../problem';
import { MAX_PROBLEMS } from './convert';
import { hclDepthCut } from './depth';
import { hclInitError, hclMemoryProbe, isHclReady, parseSegment } from './tree-sitter';
import { emptyBody, type HclAttribute, type HclBlock, type HclBody, type HclItem, type HclParseResult } from './tree';

export interface HclLimits {
  /** brackets, strings and interpolations nested deeper than this are not read */
  maxDepth: number;
  /** the whole parse (including the re-reading of a broken file in segments) stops after this long */
  maxMillis: number;
  /** a parse stops when the process's resident memory grew by this many bytes during it */
  maxMemoryGrowth: number;
  /** how memory is measured (default: the probe the host handed to `initEngine`; tests pass their own) */
  rss?: () => number;
}

export const DEFAULT_HCL_LIMITS: HclLimits = { maxDepth: 256, maxMillis: 5_000, maxMemoryGrowth: 512 * 1024 * 1024 };

/** Block types that only occur at the top level of a Terraform file: safe places to resume after an error. */
const TOP_LEVEL_KEYWORDS = ['resource', 'data', 'variable', 'locals', 'module', 'output', 'provider', 'terraform', 'moved', 'import', 'check', 'removed'];

export function parseHcl(fullText: string, limits: HclLimits = DEFAULT_HCL_LIMITS): HclParseResult {
  if (!isHclReady()) {
    const why = hclInitError() ? `: ${hclInitError()}` : '';
    return {
      body: emptyBody(0, fullText.length),
      problems: [{ message: `the HCL parser is not initialised${why}`, span: { start: 0, end: 0 } }],
    };
  }
  const cut = hclDepthCut(fullText, limits.maxDepth);
  const text = cut === undefined ? fullText : fullText.slice(0, cut);
  const cutProblem: ParseProblem[] = cut === undefined ? [] : [{
    message: `the HCL is nested deeper than ${limits.maxDepth} levels here; the rest of the file was not read`,
    span: { start: cut, end: cut + 1 },
    limit: true,
  }];
  const guard = new Guard(limits);
  const whole = parseSegment(text, 0, guard);
  if (guard.stopped) return { body: emptyBody(0, fullText.length), problems: [...cutProblem, guard.problem(fullText)] };
  if (!whole.hasError) return { body: whole.body, problems: [...whole.problems, ...cutProblem] };

  // the file has errors: read it again in top-level segments, so that one broken block does not hide others
  const starts = segmentStarts(text);
  if (starts.length <= 1) return { body: whole.body, problems: [...whole.problems, ...cutProblem] };
  const items: HclItem[] = [];
  const problems: ParseProblem[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const end = i + 1 < starts.length ? starts[i + 1] : text.length;
    const seg = parseSegment(text.slice(start, end), start, guard);
    if (guard.stopped) {
      // out of time in the second reading: the first one (which had errors) is what there is
      return { body: whole.body, problems: [...whole.problems, ...cutProblem, guard.problem(fullText, true)] };
    }
    for (const item of seg.body.items) items.push(item);
    for (const p of seg.problems) if (problems.length < MAX_PROBLEMS) problems.push(p);
  }
  for (const p of cutProblem) problems.push(p);
  const body: HclBody = {
    items,
    attributes: items.filter((x): x is HclAttribute => x.kind === 'attribute'),
    blocks: items.filter((x): x is HclBlock => x.kind === 'block'),
    span: { start: 0, end: fullText.length },
  };
  return { body, problems };
}

/** Stops tree-sitter (through its progress callback) when a parse runs out of time or memory. */
class Guard {
  private readonly deadline: number;
  /** undefined: the host gave no way to measure memory, only time bounds the parse */
  private readonly rss: (() => number) | undefined;
  private readonly rss0: number;
  private calls = 0;
  stopped: 'time' | 'memory' | undefined;
  /** UTF-16 offset (from the start of the file) the parser had reached when it was stopped */
  at = 0;
  base = 0;

  constructor(private readonly limits: HclLimits) {
    this.deadline = Date.now() + limits.maxMillis;
    this.rss = limits.rss ?? hclMemoryProbe();
    this.rss0 = this.rss?.() ?? 0;
  }

  /** true: cancel the parse */
  readonly check = (state: { currentOffset: number }): boolean => {
    if (this.stopped) return true;
    this.at = this.base + Math.floor(state.currentOffset / 2); // tree-sitter counts bytes of UTF-16
    if (Date.now() > this.deadline) this.stopped = 'time';
    else if (this.rss && (++this.calls & 63) === 0 && this.rss() - this.rss0 > this.limits.maxMemoryGrowth) this.stopped = 'memory';
    return this.stopped !== undefined;
  };

  /** `reread`: stopped while re-reading a broken file in segments (the first reading stands) */
  problem(text: string, reread = false): ParseProblem {
    const start = Math.max(0, Math.min(this.at, text.length));
    const what = reread ? 'blocks after a syntax error may be missing' : 'the file was not read';
    const message = this.stopped === 'memory'
      ? `reading the HCL needed more than ${Math.round(this.limits.maxMemoryGrowth / 1048576)} MB; ${what}`
      : `reading the HCL took longer than ${this.limits.maxMillis / 1000} s; ${what}`;
    return { message, span: { start, end: Math.min(start + 1, text.length) }, limit: true };
  }
}

/** Offsets of line starts that begin (in column 0) with a top-level keyword; always includes 0. */
function segmentStarts(text: string): number[] {
  const starts = [0];
  let lineStart = 0;
  while (lineStart < text.length) {
    if (lineStart > 0) {
      for (const kw of TOP_LEVEL_KEYWORDS) {
        if (text.startsWith(kw, lineStart)) {
          const next = text.charCodeAt(lineStart + kw.length);
          // followed by a space, a tab, a quote or a brace
          if (next === 32 || next === 9 || next === 34 || next === 123) starts.push(lineStart);
          break;
        }
      }
    }
    const nl = text.indexOf('\n', lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return starts;
}
