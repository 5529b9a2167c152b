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

/**
 * An address as Go's old `net.ParseIP` reads it (the forked parser behind Kubernetes' `ParseIPSloppy` and
 * `ParseCIDRSloppy`): IPv4 as four decimal parts, leading zeros allowed and read as decimal (`010.0.0.1` is
 * 10.0.0.1); IPv6 (an embedded IPv4 tail read the same way), no zone.
 */
function parseAddress(text: string): { family: Family; value: bigint } | null {
  const v4 = parseIPv4Sloppy(text);
  if (v4) return { family: 4, value: toBigInt(v4) };
  if (!text.includes(':') || text.includes('%')) return null;
  let t = text;
  const lastColon = t.lastIndexOf(':');
  if (t.slice(lastColon + 1).includes('.')) {
    const tail = parseIPv4Sloppy(t.slice(lastColon + 1));
    if (!tail) return null;
    t = `${t.slice(0, lastColon + 1)}${tail.join('.')}`;
  }
  if (!ipaddr.IPv6.isValid(t)) return null;
  const a = ipaddr.IPv6.parse(t);
  if (a.zoneId) return null;
  return { family: 6, value: toBigInt(a.toByteArray()) };
}

/** Go's `dtoi` as the forked parser uses it: decimal digits, at least one, below 0xFFFFFF. */
function decimal(text: string): number | null {
  if (!/^[0-9]+$/.test(text)) return null;
  let n = 0;
  for (const c of text) {
    n = n * 10 + (c.charCodeAt(0) - 48);
    if (n >= 0xffffff) return null;
  }
  return n;
}

function parseIPv4Sloppy(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes: number[] = [];
  for (const p of parts) {
    const n = decimal(p);
    if (n === null || n > 255) return null;
    bytes.push(n);
  }
  return bytes;
}

function makeCidr(family: Family, value: bigint, prefix: number): Cidr {
  const bits = BITS[family];
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const first = value & ~hostMask & ((1n << BigInt(bits)) - 1n);
  const last = first | hostMask;
  return { family, first, last, prefix, text: `${fromBigInt(first, family)}/${prefix}`, hostBits: first !== value };
}

/**
 * A CIDR as the API server reads one (`ParseCIDRSloppy` after trimming white space): leading zeros accepted in
 * the address and the prefix length, host bits allowed (cleared in `text`, flagged in `hostBits`), IPv4-mapped
 * IPv6 read as IPv6. Null when invalid.
 */
export function parseCidr(text: string): Cidr | null {
  const t = text.trim();
  const slash = t.indexOf('/');
  if (slash < 0) return null;
  const addr = parseAddress(t.slice(0, slash));
  const prefix = decimal(t.slice(slash + 1));
  if (!addr || prefix === null || prefix > BITS[addr.family]) return null;
  return makeCidr(addr.family, addr.value, prefix);
}

/** Why the API server refuses an `externalIPs` entry (its `ValidateEndpointIP`), or undefined when it takes it. */
export function externalIpProblem(text: string): string | undefined {
  const addr = parseAddress(text);
  if (!addr) return 'is not an IP address';
  // an IPv4-mapped IPv6 address is judged as the IPv4 address it holds, as Go's net.IP does
  const mapped = addr.family === 6 && addr.value >> 32n === 0xffffn;
  const family: Family = mapped ? 4 : addr.family;
  const v = mapped ? addr.value & 0xffffffffn : addr.value;
  const within = (cidr: string) => {
    const c = parseCidr(cidr)!;
    return c.family === family && c.first <= v && v <= c.last;
  };
  if (v === 0n) return 'is the unspecified address';
  if (family === 4) {
    if (within('127.0.0.0/8')) return 'is in the loopback range 127.0.0.0/8';
    if (within('169.254.0.0/16')) return 'is in the link-local range 169.254.0.0/16';
    if (within('224.0.0.0/24')) return 'is in the link-local multicast range 224.0.0.0/24';
    return undefined;
  }
  if (v === 1n) return 'is the loopback address ::1';
  if (within('fe80::/10')) return 'is in the link-local range fe80::/10';
  // Go's IsLinkLocalMulticast: ff02::/16 and the same scope with any flags (ffX2::)
  if (v >> 120n === 0xffn && ((v >> 112n) & 0x0fn) === 2n) return 'is in the link-local multicast range ff02::/16';
  return undefined;
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

/** An address (as a number of its family's width) in canonical text: `10.0.1.0`, `2001:db8::1`. */
export function addressText(value: bigint, family: Family): string {
  return fromBigInt(value, family);
}
