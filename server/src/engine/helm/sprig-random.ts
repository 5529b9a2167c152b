/**
 * Sprig's random and key-generating functions. Helm gives a new random value on every run; an editor needs the
 * same text on every keystroke, and nothing the analysis reads (Services, workloads) depends on these values. So
 * they give placeholders of the right shape — a seeded pseudo-random sequence, restarted for every rendered file,
 * and PEM blocks marked as placeholders — never a secret. docs/helm.md lists them.
 */
import { def, type CallContext, type FuncDef } from './funcs';
import { base64Encode } from './sprig-strings';
import { GoError, GoStruct, type Value } from './value';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ALPHA = ALNUM.slice(0, 52);
const DIGITS = '0123456789';

function pick(ctx: CallContext, alphabet: string, n: bigint): string {
  if (n < 0n) throw new GoError('count must be a positive number');
  if (n > 1_000_000n) throw new GoError('count too large');
  let out = '';
  for (let i = 0; i < Number(n); i++) out += alphabet[Math.floor(ctx.random() * alphabet.length)];
  return out;
}

function bytes(ctx: CallContext, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(ctx.random() * 256);
  return b;
}

function pem(ctx: CallContext, kind: string): string {
  const body = base64Encode(bytes(ctx, 96)).replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----\n`;
}

function certificate(ctx: CallContext): GoStruct {
  return new GoStruct('sprig.certificate', new Map<string, Value>([
    ['Cert', pem(ctx, 'CERTIFICATE')], ['Key', pem(ctx, 'RSA PRIVATE KEY')],
  ]));
}

export const SPRIG_RANDOM: [string, FuncDef][] = [
  ['randAlphaNum', def(['int'], ([n], ctx) => pick(ctx, ALNUM, n as bigint))],
  ['randAlpha', def(['int'], ([n], ctx) => pick(ctx, ALPHA, n as bigint))],
  ['randNumeric', def(['int'], ([n], ctx) => pick(ctx, DIGITS, n as bigint))],
  ['randAscii', def(['int'], ([n], ctx) => pick(ctx, Array.from({ length: 95 }, (_v, i) => String.fromCharCode(32 + i)).join(''), n as bigint))],
  ['randBytes', def(['int'], ([n], ctx) => base64Encode(bytes(ctx, Number(n))))],
  ['randInt', def(['int', 'int'], ([a, b], ctx) => {
    const lo = a as bigint;
    const hi = b as bigint;
    if (hi <= lo) throw new GoError('invalid argument to Intn');
    return lo + BigInt(Math.floor(ctx.random() * Number(hi - lo)));
  })],
  ['uuidv4', def([], (_a, ctx) => {
    const h = [...bytes(ctx, 16)].map((x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  })],
  ['shuffle', def(['string'], ([s], ctx) => {
    const c = [...(s as string)];
    for (let i = c.length - 1; i > 0; i--) { const j = Math.floor(ctx.random() * (i + 1)); [c[i], c[j]] = [c[j]!, c[i]!]; }
    return c.join('');
  })],
  ['bcrypt', def(['string'], (_a, ctx) => `$2a$10$${pick(ctx, ALNUM, 53n)}`)],
  ['htpasswd', def(['string', 'string'], ([u], ctx) => `${u as string}:$2a$10$${pick(ctx, ALNUM, 53n)}`)],
  ['derivePassword', def(['int', 'string', 'string', 'string', 'string'], (_a, ctx) => pick(ctx, ALNUM, 20n))],
  ['genPrivateKey', def(['string'], (_a, ctx) => pem(ctx, 'PRIVATE KEY'))],
  ['genCA', def(['string', 'int'], (_a, ctx) => certificate(ctx))],
  ['genCAWithKey', def(['string', 'int', 'string'], (_a, ctx) => certificate(ctx))],
  ['genSelfSignedCert', def(['string', 'any', 'any', 'int'], (_a, ctx) => certificate(ctx))],
  ['genSelfSignedCertWithKey', def(['string', 'any', 'any', 'int', 'string'], (_a, ctx) => certificate(ctx))],
  ['genSignedCert', def(['string', 'any', 'any', 'int', 'any'], (_a, ctx) => certificate(ctx))],
  ['genSignedCertWithKey', def(['string', 'any', 'any', 'int', 'any', 'string'], (_a, ctx) => certificate(ctx))],
  ['buildCustomCert', def(['string', 'string'], (_a, ctx) => certificate(ctx))],
];
