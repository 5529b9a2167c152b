/**
 * JSON patches (RFC 6902) as kustomize applies them (`patchesJson6902`, and the list patches of `patches`): `add`,
 * `remove`, `replace`, `move`, `copy` and `test`, on the object's tree, in order; a path is a JSON pointer (RFC
 * 6901: `~1` is `/`, `~0` is `~`, `-` is past a list's end). An operation that cannot apply (a missing path, a
 * failed `test`) makes the build fail, as it does kustomize's. Values are copied from the patch with their spans,
 * so a value an operation set points at the patch.
 */
import type { YMap, YNode, YSeq } from '../parse/yaml';
import { asMap, getValue } from '../parse/yaml';
import { BuildError, copyNode, pairOf, plain, textOf, type Budget } from './vtree';

export function jsonPatch(root: YMap, ops: YSeq, budget: Budget): void {
  for (const item of ops.items) {
    const op = asMap(item);
    if (!op) throw new BuildError('a JSON patch operation is not a map', item?.span);
    const name = textOf(getValue(op, 'op'));
    const path = textOf(getValue(op, 'path'));
    if (name === undefined || path === undefined) throw new BuildError('a JSON patch operation needs `op` and `path`', op.span);
    const value = getValue(op, 'value');
    const valueOf = () => {
      if (!op.pairs.some((p) => p.name === 'value')) throw new BuildError(`JSON patch \`${name}\` needs a \`value\``, op.span);
      return value ? copyNode(value, 0, budget) : null;
    };
    const fromOf = () => {
      const from = textOf(getValue(op, 'from'));
      if (from === undefined) throw new BuildError(`JSON patch \`${name}\` needs \`from\``, op.span);
      return from;
    };
    switch (name) {
      case 'add': add(root, path, valueOf(), op); break;
      case 'remove': remove(root, path, op); break;
      case 'replace': remove(root, path, op); add(root, path, valueOf(), op); break;
      case 'move': { const from = fromOf(); const v = remove(root, from, op); add(root, path, v, op); break; }
      case 'copy': { const v = find(root, fromOf(), op); add(root, path, v ? copyNode(v, 0, budget) : null, op); break; }
      case 'test': {
        const at = find(root, path, op);
        if (JSON.stringify(plain(at)) !== JSON.stringify(plain(value))) throw new BuildError(`JSON patch test failed at ${path}`, op.span);
        break;
      }
      default: throw new BuildError(`unknown JSON patch operation \`${name}\``, op.span);
    }
  }
}

function tokens(path: string, op: YMap): string[] {
  if (path === '') return [];
  if (!path.startsWith('/')) throw new BuildError(`JSON pointer \`${path}\` does not start with /`, op.span);
  return path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function child(n: YNode | null, token: string): YNode | null | undefined {
  if (n?.kind === 'map') {
    const p = n.pairs.find((x) => x.name === token);
    return p ? p.value : undefined;
  }
  if (n?.kind === 'seq') {
    const i = index(token, n.items.length - 1);
    return i === undefined ? undefined : n.items[i];
  }
  return undefined;
}

function index(token: string, max: number): number | undefined {
  if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
  const i = Number(token);
  return i <= max ? i : undefined;
}

function parentOf(root: YMap, path: string, op: YMap): { parent: YNode; last: string } {
  const t = tokens(path, op);
  if (t.length === 0) throw new BuildError('a JSON patch may not replace the whole object', op.span);
  let n: YNode | null | undefined = root;
  for (const token of t.slice(0, -1)) {
    n = child(n ?? null, token);
    if (!n) throw new BuildError(`JSON patch path ${path} does not exist`, op.span);
  }
  if (!n || n.kind === 'scalar') throw new BuildError(`JSON patch path ${path} does not exist`, op.span);
  return { parent: n, last: t[t.length - 1] };
}

function find(root: YMap, path: string, op: YMap): YNode | null {
  let n: YNode | null | undefined = root;
  for (const token of tokens(path, op)) {
    n = child(n ?? null, token);
    if (n === undefined) throw new BuildError(`JSON patch path ${path} does not exist`, op.span);
  }
  return n ?? null;
}

function add(root: YMap, path: string, value: YNode | null, op: YMap): void {
  const { parent, last } = parentOf(root, path, op);
  if (parent.kind === 'map') {
    const keySpan = op.span;
    const i = parent.pairs.findIndex((p) => p.name === last);
    const p = pairOf(last, i >= 0 ? parent.pairs[i].key.span : keySpan, value);
    if (i >= 0) parent.pairs[i] = p;
    else parent.pairs.push(p);
    return;
  }
  const seq = parent as YSeq;
  const i = last === '-' ? seq.items.length : index(last, seq.items.length);
  if (i === undefined) throw new BuildError(`JSON patch path ${path} does not exist`, op.span);
  seq.items.splice(i, 0, value);
}

function remove(root: YMap, path: string, op: YMap): YNode | null {
  const { parent, last } = parentOf(root, path, op);
  if (parent.kind === 'map') {
    const i = parent.pairs.findIndex((p) => p.name === last);
    if (i < 0) throw new BuildError(`JSON patch path ${path} does not exist`, op.span);
    return parent.pairs.splice(i, 1)[0].value;
  }
  const seq = parent as YSeq;
  const i = index(last, seq.items.length - 1);
  if (i === undefined) throw new BuildError(`JSON patch path ${path} does not exist`, op.span);
  return seq.items.splice(i, 1)[0];
}
