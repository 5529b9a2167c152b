/**
 * The project's conformance cases (test/conformance/<family>/<case>/): small repositories whose lines say which
 * findings `service-reach check` must make on them. This module lists the cases and reads their markers; the
 * runner is test/cli/conformance.test.ts, and the diagram snapshots, the fuzz seeds and the scripts use the
 * same cases (see README.md beside this file).
 *
 * Markers, at the end of a line:
 *   `# expect: code[, code…]`         this line carries exactly these findings (YAML, Terraform, firewalld.conf)
 *   `<!-- expect: code[, code…] -->`  the same in XML
 *   `# near-miss: code[, code…]`      the closest input that must NOT make this finding (the line carries none
 *                                     unless it also has an `expect`, which it never does: one marker a line)
 * A line without `expect` carries no finding. Files that cannot hold comments (JSON) and options for the
 * command line are written in the case's README.md, one a line:
 *   `expect: path:line code[, code…]`, `near-miss: path:line code[, code…]`, `args: --max-file-size 1024`
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** test/conformance in the repository (this file runs from out/test/conformance/). */
export const CONFORMANCE_DIR = path.resolve(__dirname, '../../../test/conformance');

export interface ConformanceCase {
  /** `family/case`, e.g. `api/ports` */
  name: string;
  family: string;
  dir: string;
}

export interface Marker {
  /** path inside the case, with `/` */
  file: string;
  /** 1-based */
  line: number;
  code: string;
}

export interface CaseMarkers {
  expected: Marker[];
  nearMisses: Marker[];
  /** extra arguments for `service-reach check` */
  args: string[];
  /** markers that do not follow the grammar above (a typo must not silently drop an expectation) */
  malformed: string[];
}

/** Every case, sorted by name: the folders two levels below test/conformance. */
export function conformanceCases(root = CONFORMANCE_DIR): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const family of subfolders(root)) {
    for (const name of subfolders(path.join(root, family))) {
      out.push({ name: `${family}/${name}`, family, dir: path.join(root, family, name) });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function subfolders(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

/** The files of a case (paths inside it, with `/`), sorted. */
export function caseFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (e.isDirectory()) walk(path.join(abs, e.name), `${rel}${e.name}/`);
      else if (e.isFile()) out.push(`${rel}${e.name}`);
    }
  };
  walk(dir, '');
  return out;
}

const CODE_LIST = String.raw`[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*`;
const HASH_MARKER = new RegExp(String.raw`#\s*(expect|near-miss):\s*(${CODE_LIST})\s*$`);
const XML_MARKER = new RegExp(String.raw`<!--\s*(expect|near-miss):\s*(${CODE_LIST})\s*-->\s*$`);
const README_MARKER = new RegExp(String.raw`^(expect|near-miss):\s*(\S+):(\d+)\s+(${CODE_LIST})\s*$`);
const README_ARGS = /^args:\s*(.+)$/;
/** anything that looks like a marker, to catch those the patterns above do not read */
const LOOKS_LIKE_MARKER = /(?:#|<!--)\s*(?:expect|near[- ]?miss)\b/;
const LOOKS_LIKE_README_MARKER = /^(?:expect|near[- ]?miss)\b/;

function codesOf(list: string): string[] {
  return list.split(',').map((c) => c.trim()).filter(Boolean);
}

export function readMarkers(dir: string): CaseMarkers {
  const result: CaseMarkers = { expected: [], nearMisses: [], args: [], malformed: [] };
  const add = (kind: string, file: string, line: number, list: string) => {
    for (const code of codesOf(list)) (kind === 'expect' ? result.expected : result.nearMisses).push({ file, line, code });
  };
  for (const file of caseFiles(dir)) {
    const base = path.posix.basename(file);
    if (base === '.gitattributes' || /\.json$/i.test(file)) continue;
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    const lines = text.split('\n');
    if (base === 'README.md') {
      for (const raw of lines) {
        const line = raw.trim();
        const m = README_MARKER.exec(line);
        const a = README_ARGS.exec(line);
        if (m) add(m[1], m[2], Number(m[3]), m[4]);
        else if (a) result.args.push(...a[1].trim().split(/\s+/));
        else if (LOOKS_LIKE_README_MARKER.test(line)) result.malformed.push(`${file}: ${line}`);
      }
      continue;
    }
    lines.forEach((raw, i) => {
      const line = raw.replace(/\r$/, '');
      const m = HASH_MARKER.exec(line) ?? XML_MARKER.exec(line);
      if (m) add(m[1], file, i + 1, m[2]);
      else if (LOOKS_LIKE_MARKER.test(line)) result.malformed.push(`${file}:${i + 1}: ${line.trim()}`);
    });
  }
  return result;
}

/** `file:line code`, the key the runner compares. */
export function markerKey(m: Marker): string {
  return `${m.file}:${m.line} ${m.code}`;
}
