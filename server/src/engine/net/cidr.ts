/**
 * Addresses and CIDRs: parsing through `ipaddr.js` (the only module that imports it), containment, and sets
 * of addresses as sorted intervals per family so that "what every layer lets in, minus these ranges" can be
 * computed exactly, for IPv4 and IPv6 alike.
 */
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** the network's first address */
  first: bigint;
  /** the network's last address */
  last: bigint;
  prefix: number;
  /** canonical text: network address / prefix, e.g. `10.0.20.0/24`, `2001:db8::/32` */
  text: string;
  /** the text had bits set beyond the prefix (`10.0.0.1/24`): valid, but ambiguous */
  hostBits: boolean;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

function toBigInt(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function fromBigInt(v: bigint, family: Family): string {
  const n = family === 4 ? 4 : 16;
  const bytes: number[] = [];
  for (let i = n - 1; i >= 0; i--) bytes.push(Number((v >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

function parseAddress(text: string): { family: Family; value: bigint } | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return { family: 4, value: toBigInt(ipaddr.IPv4.parse(text).toByteArray()) };
  if (text.includes(':') && ipaddr.IPv6.isValid(text)) {
    const a = ipaddr.IPv6.parse(text);
    if (a.zoneId) return null;
    return { family: 6, value: toBigInt(a.toByteArray()) };
  }
  return null;
}

function makeCidr(family: Family, value: bigint, prefix: number): Cidr {
  const bits = BITS[family];
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const first = value & ~hostMask & ((1n << BigInt(bits)) - 1n);
  const last = first | hostMask;
  return { family, first, last, prefix, text: `${fromBigInt(first, family)}/${prefix}`, hostBits: first !== value };
}

/** A CIDR as the API server reads one (`addr/prefix`, surrounding white space tolerated); null when invalid. */
export function parseCidr(text: string): Cidr | null {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) return null;
  const addr = parseAddress(t.slice(0, slash));
  const prefixText = t.slice(slash + 1);
  if (!addr || prefixText === '' || !/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  if (prefix > BITS[addr.family]) return null;
  return makeCidr(addr.family, addr.value, prefix);
}

/** A CIDR or a single address (which becomes /32 or /128). */
export function parseAddressOrCidr(text: string): Cidr | null {
  const t = text.trim();
  if (t.includes('/')) return parseCidr(t);
  const addr = parseAddress(t);
  return addr ? makeCidr(addr.family, addr.value, BITS[addr.family]) : null;
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.first <= inner.first && inner.last <= outer.last;
}

export function cidrOverlaps(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

export function isAllAddresses(c: Cidr): boolean {
  return c.prefix === 0;
}

// ---------------------------------------------------------------------------------------------- sets

interface Interval {
  lo: bigint;
  hi: bigint;
}

/** An immutable set of addresses of both families. */
export class AddressSet {
  private constructor(
    private readonly v4: readonly Interval[],
    private readonly v6: readonly Interval[],
  ) {}

  static readonly EMPTY = new AddressSet([], []);
  static readonly ALL = new AddressSet([{ lo: 0n, hi: (1n << 32n) - 1n }], [{ lo: 0n, hi: (1n << 128n) - 1n }]);

  static of(c: Cidr): AddressSet {
    const iv = [{ lo: c.first, hi: c.last }];
    return c.family === 4 ? new AddressSet(iv, []) : new AddressSet([], iv);
  }

  /** The union of many CIDRs at once (sorted and merged once: a union per CIDR would be quadratic). */
  static ofAll(cidrs: Iterable<Cidr>): AddressSet {
    const v4: Interval[] = [];
    const v6: Interval[] = [];
    for (const c of cidrs) (c.family === 4 ? v4 : v6).push({ lo: c.first, hi: c.last });
    return new AddressSet(normalise(v4), normalise(v6));
  }

  static family(f: Family): AddressSet {
    return f === 4 ? new AddressSet(AddressSet.ALL.v4, []) : new AddressSet([], AddressSet.ALL.v6);
  }

  isEmpty(): boolean {
    return this.v4.length === 0 && this.v6.length === 0;
  }

  union(o: AddressSet): AddressSet {
    return new AddressSet(unionIv(this.v4, o.v4), unionIv(this.v6, o.v6));
  }

  intersect(o: AddressSet): AddressSet {
    return new AddressSet(intersectIv(this.v4, o.v4), intersectIv(this.v6, o.v6));
  }

  minus(o: AddressSet): AddressSet {
    return new AddressSet(minusIv(this.v4, o.v4), minusIv(this.v6, o.v6));
  }

  containsCidr(c: Cidr): boolean {
    const ivs = c.family === 4 ? this.v4 : this.v6;
    return ivs.some((iv) => iv.lo <= c.first && c.last <= iv.hi);
  }

  /** Some CIDR-shaped examples of what the set holds (for messages). */
  sample(max = 2): string[] {
    const out: string[] = [];
    for (const [family, ivs] of [[4, this.v4], [6, this.v6]] as const) {
      for (const iv of ivs) {
        if (out.length >= max) return out;
        out.push(iv.lo === iv.hi ? fromBigInt(iv.lo, family) : `${fromBigInt(iv.lo, family)}-${fromBigInt(iv.hi, family)}`);
      }
    }
    return out;
  }
}

function normalise(ivs: Interval[]): Interval[] {
  const sorted = [...ivs].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv.lo <= last.hi + 1n) {
      if (iv.hi > last.hi) out[out.length - 1] = { lo: last.lo, hi: iv.hi };
    } else out.push({ ...iv });
  }
  return out;
}

function unionIv(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  return normalise([...a, ...b]);
}

// A set's intervals are always normalised (sorted, disjoint, not touching): intersection and difference walk both
// lists once, side by side — linear, where a pair-by-pair loop was quadratic (100,000 source ranges).

function intersectIv(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    const lo = x.lo > y.lo ? x.lo : y.lo;
    const hi = x.hi < y.hi ? x.hi : y.hi;
    if (lo <= hi) out.push({ lo, hi });
    if (x.hi < y.hi) i++; else j++;
  }
  return out;
}

function minusIv(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const x of a) {
    let lo = x.lo;
    while (j < b.length && b[j].hi < lo) j++; // holes wholly before what is left of x
    let k = j;
    while (k < b.length && b[k].lo <= x.hi) {
      const y = b[k];
      if (y.lo > lo) out.push({ lo, hi: y.lo - 1n });
      if (y.hi >= x.hi) { lo = x.hi + 1n; break; }
      lo = y.hi + 1n;
      k++;
    }
    if (lo <= x.hi) out.push({ lo, hi: x.hi });
  }
  return out;
}
