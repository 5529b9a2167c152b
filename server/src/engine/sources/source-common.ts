/**
 * Small helpers shared by the rule-source readers (firewalld, OCI JSON, Terraform): port tokens, CIDRs,
 * protocol names, and short texts that describe a rule to a person.
 */
import * as ipaddr from 'ipaddr.js';
import type { PortRange, Protocol, RulePorts, RuleProtocol, RuleSourceAddr } from './model';

const PORT_TOKEN = /^[0-9]{1,5}$/;

/** A port number 0–65535 written in decimal, or null. */
export function parsePortNumber(s: string): number | null {
  const t = s.trim();
  if (!PORT_TOKEN.test(t)) return null;
  const n = Number(t);
  return n >= 0 && n <= 65535 ? n : null;
}

/**
 * `N` or `N-M` (firewalld's port attribute), or null when it is not a valid port or range. A reversed range
 * (`32767-30000`) is swapped, as firewalld's getPortRange does.
 */
export function parsePortRange(s: string): PortRange | null {
  const dash = s.indexOf('-');
  if (dash < 0) {
    const n = parsePortNumber(s);
    return n === null ? null : { min: n, max: n };
  }
  const min = parsePortNumber(s.slice(0, dash));
  const max = parsePortNumber(s.slice(dash + 1));
  if (min === null || max === null) return null;
  return min <= max ? { min, max } : { min: max, max: min };
}

export function formatRange(r: PortRange): string {
  return r.min === r.max ? String(r.min) : `${r.min}-${r.max}`;
}

/**
 * The canonical text of an address or CIDR: the network address plus prefix length, IPv6 in RFC 5952 form; a
 * single address becomes /32 or /128. Accepts firewalld's netmask form `10.0.0.0/255.255.255.0`. Null when the
 * text is not an IPv4/IPv6 address or CIDR (IPv4 must be four decimal parts).
 */
export function canonicalCidr(text: string): string | null {
  const t = text.trim();
  if (t === '') return null;
  const slash = t.indexOf('/');
  const addrText = slash < 0 ? t : t.slice(0, slash);
  const prefixText = slash < 0 ? undefined : t.slice(slash + 1);
  let kind: 'ipv4' | 'ipv6';
  if (ipaddr.IPv4.isValidFourPartDecimal(addrText)) kind = 'ipv4';
  else if (ipaddr.IPv6.isValid(addrText) && !addrText.includes('%')) kind = 'ipv6';
  else return null;
  const bits = kind === 'ipv4' ? 32 : 128;
  let prefix: number;
  if (prefixText === undefined) prefix = bits;
  else if (/^[0-9]{1,3}$/.test(prefixText)) prefix = Number(prefixText);
  else if (kind === 'ipv4' && ipaddr.IPv4.isValidFourPartDecimal(prefixText)) {
    const p = ipaddr.IPv4.parse(prefixText).prefixLengthFromSubnetMask();
    if (p === null) return null;
    prefix = p;
  } else return null;
  if (prefix < 0 || prefix > bits) return null;
  try {
    const cidr = `${addrText}/${prefix}`;
    const net = kind === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
    return `${net.toString()}/${prefix}`;
  } catch {
    return null;
  }
}

/** A CIDR source, or `never` (with the reason) when the text is not an address. */
export function cidrSource(text: string, invert?: boolean): RuleSourceAddr {
  const cidr = canonicalCidr(text);
  if (cidr === null) return { kind: 'never', reason: `"${text}" is not an IP address or CIDR` };
  return invert ? { kind: 'cidr', cidr, invert: true } : { kind: 'cidr', cidr };
}

// Maps, not object literals: a rule's protocol is the user's text, and `constructor` or `__proto__` must not find
// Object.prototype's members
const FIREWALLD_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map([['tcp', 'TCP'], ['udp', 'UDP'], ['sctp', 'SCTP']]);

/** firewalld's protocol names (`tcp`, `udp`, `sctp`; anything else is a protocol we do not model). */
export function firewalldProtocol(name: string): RuleProtocol {
  const p = FIREWALLD_PROTOCOLS.get(name.trim().toLowerCase());
  return p ? { kind: 'one', protocol: p } : { kind: 'other', text: name };
}

const OCI_PROTOCOLS: ReadonlyMap<string, Protocol> = new Map([['6', 'TCP'], ['17', 'UDP'], ['132', 'SCTP']]);

/** OCI's protocol value: `all` or an IANA number (TCP 6, UDP 17, SCTP 132). */
export function ociProtocol(value: string | number): RuleProtocol {
  const t = String(value).trim();
  if (t.toLowerCase() === 'all') return { kind: 'all' };
  const p = OCI_PROTOCOLS.get(t);
  return p ? { kind: 'one', protocol: p } : { kind: 'other', text: t };
}

export function describeProtocol(p: RuleProtocol): string {
  switch (p.kind) {
    case 'all':
      return 'all protocols';
    case 'one':
      return p.protocol.toLowerCase();
    case 'other':
      return `protocol ${p.text}`;
    case 'unknown':
      return `protocol ${p.text}`;
  }
}

export function describePorts(p: RulePorts): string {
  switch (p.kind) {
    case 'all':
      return 'all ports';
    case 'ranges':
      return p.ranges.map(formatRange).join(', ');
    case 'unknown':
      return `ports ${p.text}`;
  }
}

export function describeSource(s: RuleSourceAddr): string {
  switch (s.kind) {
    case 'any':
      return 'anywhere';
    case 'cidr':
      return s.invert ? `not ${s.cidr}` : s.cidr;
    case 'load-balancer':
      return s.text;
    case 'never':
      return s.reason;
    case 'unknown':
      return s.text;
  }
}

/** The text of a line ending used by the file: "\r\n" when its first line break is one, else "\n". */
export function detectNewline(text: string): string {
  const nl = text.indexOf('\n');
  return nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
}

/** The file name without folders (either separator). */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** The leading spaces/tabs of the line that holds `offset`, when only whitespace precedes `offset` on it. */
export function indentBefore(text: string, offset: number): string | null {
  let i = offset;
  while (i > 0) {
    const c = text.charCodeAt(i - 1);
    if (c === 32 || c === 9) i--;
    else break;
  }
  if (i === 0 || text.charCodeAt(i - 1) === 10 || text.charCodeAt(i - 1) === 13) return text.slice(i, offset);
  return null;
}

/** The start of the line after the one holding `offset` (the text's length on the last line). */
export function nextLineStart(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  return nl < 0 ? text.length : nl + 1;
}

/** The white space at the start of the line that holds `offset`. */
export function lineIndent(text: string, offset: number): string {
  let start = offset;
  while (start > 0 && text[start - 1] !== '\n') start--;
  let end = start;
  while (end < text.length && (text[end] === ' ' || text[end] === '\t')) end++;
  return text.slice(start, end);
}
