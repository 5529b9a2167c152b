/**
 * How `gopkg.in/yaml.v2` (which Helm reads values and `toYaml` output with, through sigs.k8s.io/yaml) resolves a
 * plain scalar: YAML 1.1 booleans (`yes`, `on`, `off`, …), nulls, ints in Go's base-prefixed syntax (`0x1F`,
 * `017`, `0b101`, underscores), floats, `.inf`/`.nan`, and timestamps (kept as text).
 */
import { parseGoInt } from './parse';

export type Resolved =
  | { tag: 'str'; value: string } | { tag: 'bool'; value: boolean } | { tag: 'null'; value: null }
  | { tag: 'int'; value: bigint } | { tag: 'float'; value: number } | { tag: 'timestamp'; value: string }
  | { tag: 'merge'; value: string };

const MAP: Record<string, Resolved> = {};
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']) MAP[s] = { tag: 'bool', value: true };
for (const s of ['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']) MAP[s] = { tag: 'bool', value: false };
for (const s of ['', '~', 'null', 'Null', 'NULL']) MAP[s] = { tag: 'null', value: null };
for (const s of ['.nan', '.NaN', '.NAN']) MAP[s] = { tag: 'float', value: NaN };
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) MAP[s] = { tag: 'float', value: Infinity };
for (const s of ['-.inf', '-.Inf', '-.INF']) MAP[s] = { tag: 'float', value: -Infinity };
MAP['<<'] = { tag: 'merge', value: '<<' };

const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const GO_FLOAT = /^[-+]?(\d+\.?\d*([eE][-+]?\d+)?|\.\d+([eE][-+]?\d+)?)$/;
const TIMESTAMP = /^\d{4}-\d{1,2}-\d{1,2}(([Tt]\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?(Z|[+-]\d{1,2}(:\d{2})?)?)|( \d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?))?$/;
const BASE60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

export function resolvePlain(s: string): Resolved {
  const hit = Object.prototype.hasOwnProperty.call(MAP, s) ? MAP[s] : undefined;
  const c = s[0] ?? '';
  const hint = /[0-9]/.test(c) ? 'D' : c === '+' || c === '-' ? 'S' : c === '.' ? '.' : 'yYnNtTfFoO~'.includes(c) && c !== '' ? 'M' : '';
  if (hint === '' && s !== '') return { tag: 'str', value: s };
  if (hit) return hit;
  if (hint === '.') {
    if (GO_FLOAT.test(s)) return { tag: 'float', value: Number(s) };
  } else if (hint === 'D' || hint === 'S') {
    if (TIMESTAMP.test(s)) return { tag: 'timestamp', value: s };
    const plain = s.replace(/_/g, '');
    const i = parseGoInt(plain);
    if (i !== null) return { tag: 'int', value: i };
    const u = /^\+?\d+$/.test(plain) ? BigInt(plain.replace('+', '')) : null;
    if (u !== null && u < 2n ** 64n) return { tag: 'int', value: u };
    if (YAML_FLOAT.test(plain)) return { tag: 'float', value: Number(plain) };
    if (/^-?0b[01]+$/.test(plain)) {
      const v = BigInt(plain.replace('-', '')) * (plain.startsWith('-') ? -1n : 1n);
      return { tag: 'int', value: v };
    }
  }
  return { tag: 'str', value: s };
}

/** A string yaml.v2 may write without quotes: it reads back as the same string. */
export function plainIsString(s: string): boolean {
  return resolvePlain(s).tag === 'str' && !BASE60.test(s);
}
