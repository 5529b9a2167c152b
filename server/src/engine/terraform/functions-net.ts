/** Terraform's IP network functions: `cidrsubnet`, `cidrsubnets`, `cidrhost`, `cidrnetmask`, as documented. */
import { addressText, parseCidr, type Cidr } from '../net/cidr';
import { spec, type Spec } from './function-spec';
import { EvalError, list, str, toNum, toStr, type Val } from './values';

function cidr(v: Val, fn: string): Cidr {
  const text = toStr(v, `${fn}() prefix`);
  const c = parseCidr(text);
  if (!c || text.trim() !== text) throw new EvalError(`${fn}(): ${JSON.stringify(text)} is not a CIDR prefix`);
  return c;
}

const bits = (c: Cidr) => (c.family === 4 ? 32 : 128);

function whole(v: Val, what: string): bigint {
  const n = toNum(v, what);
  if (!Number.isInteger(n)) throw new EvalError(`${what} must be a whole number`);
  return BigInt(n);
}

function subnet(c: Cidr, newbits: bigint, netnum: bigint): string {
  const len = BigInt(c.prefix) + newbits;
  if (newbits < 0n || len > BigInt(bits(c))) throw new EvalError(`cidrsubnet(): ${newbits} more bits do not fit in /${c.prefix}`);
  if (netnum < 0n || netnum >= 1n << newbits) throw new EvalError(`cidrsubnet(): the network number ${netnum} does not fit in ${newbits} bits`);
  const first = c.first + (netnum << (BigInt(bits(c)) - len));
  return `${addressText(first, c.family)}/${len}`;
}

export const NET_FUNCTIONS: [string, Spec][] = [
  ['cidrsubnet', spec(([p, nb, nn]) => str(subnet(cidr(p, 'cidrsubnet'), whole(nb, 'cidrsubnet() newbits'), whole(nn, 'cidrsubnet() netnum'))), 3)],
  ['cidrhost', spec(([p, h]) => {
    const c = cidr(p, 'cidrhost');
    const n = whole(h, 'cidrhost() hostnum');
    const size = c.last - c.first + 1n;
    if (n >= size || -n > size) throw new EvalError(`cidrhost(): host number ${n} is outside /${c.prefix}`);
    return str(addressText(n >= 0n ? c.first + n : c.last + 1n + n, c.family));
  }, 2)],
  ['cidrnetmask', spec(([p]) => {
    const c = cidr(p, 'cidrnetmask');
    if (c.family !== 4) throw new EvalError('cidrnetmask(): only IPv4 prefixes have a netmask');
    const mask = c.prefix === 0 ? 0n : ((1n << 32n) - 1n) ^ ((1n << BigInt(32 - c.prefix)) - 1n);
    return str(addressText(mask, 4));
  }, 1)],
  ['cidrsubnets', spec(([p, ...nbs]) => {
    const c = cidr(p, 'cidrsubnets');
    const width = BigInt(bits(c));
    let cur = c.first;
    const out: Val[] = [];
    for (const v of nbs) {
      const nb = whole(v, 'cidrsubnets() newbits');
      const len = BigInt(c.prefix) + nb;
      if (nb < 1n || len > width) throw new EvalError(`cidrsubnets(): ${nb} more bits do not fit in /${c.prefix}`);
      const size = 1n << (width - len);
      if (cur % size !== 0n) cur = (cur / size + 1n) * size;
      if (cur + size - 1n > c.last) throw new EvalError(`cidrsubnets(): not enough room in ${c.text}`);
      out.push(str(`${addressText(cur, c.family)}/${len}`));
      cur += size;
    }
    return list(out);
  }, 1, Infinity)],
];
