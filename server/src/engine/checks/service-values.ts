/**
 * `invalid-value` (docs/rules.md): values the API server rejects, as its Service validation reads them after
 * defaulting — the traffic policies, session affinity and its timeout, the IP family fields, `trafficDistribution`,
 * `externalName`, what an ExternalName Service may not set, and `externalIPs`. A template value is unknown, never
 * wrong; a field left `null` is not set.
 */
import { finding } from '../findings/finding';
import { asMap, asScalar, asSeq, get, getValue, scalarText, type YNode, type YPair } from '../parse/yaml';
import { isTemplate, type ServiceModel } from '../k8s/service';
import { externalIpProblem } from '../net/cidr';
import { closest } from '../util/edit-distance';
import { valueSpan } from '../k8s/spans';
import type { CheckContext } from './context';

const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const SESSION_AFFINITIES = ['None', 'ClientIP'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['SingleStack', 'PreferDualStack', 'RequireDualStack'];
/** Kubernetes 1.35: PreferClose (deprecated, a warning), PreferSameZone, PreferSameNode */
const TRAFFIC_DISTRIBUTIONS = ['PreferClose', 'PreferSameZone', 'PreferSameNode'];
/** `MaxClientIPServiceAffinitySeconds` */
const MAX_AFFINITY_SECONDS = 86400;

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);

/** The closest valid spelling: a case-insensitive match first, then the nearest by edit distance. */
function suggestion(values: readonly string[], written: string): string {
  const s = values.find((v) => v.toLowerCase() === written.toLowerCase()) ?? closest(values, written);
  return s ? `; did you mean "${s}"?` : '.';
}

/** A value that is written and not null (a template is unknown: not counted). */
function setValue(node: YNode | null | undefined): boolean {
  return !!node && !isTemplate(node) && !(node.kind === 'scalar' && node.value === null);
}

export function checkServiceValues(svc: ServiceModel, ctx: CheckContext): void {
  const spec = svc.spec;
  if (!spec) return;
  const report = (span: { start: number; end: number }, message: string) => ctx.report(finding('invalid-value', svc.path, span, message));
  /** a scalar field whose value must be one of `values` (exact, case included) */
  const oneOf = (key: string, values: readonly string[], what = key) => {
    const pair = get(spec, key);
    if (!pair || !setValue(pair.value)) return;
    const text = scalarText(pair.value);
    if (text !== undefined && values.includes(text)) return;
    report(valueSpan(pair), `${what} ${text === undefined ? 'is not a string' : `"${text}"`} is not one of ${values.join(', ')}${text === undefined ? '.' : suggestion(values, text)}`);
  };
  const type = svc.type;

  // externalTrafficPolicy: its value only where it may be set (elsewhere it is a field that is not allowed)
  if (svc.externallyReachable) {
    const pair = get(spec, 'externalTrafficPolicy');
    if (pair && scalarText(pair.value) !== '') oneOf('externalTrafficPolicy', TRAFFIC_POLICIES);
  }
  oneOf('internalTrafficPolicy', TRAFFIC_POLICIES);
  // sessionAffinity: "" counts as unset (defaulted to None)
  const affinity = get(spec, 'sessionAffinity');
  if (affinity && scalarText(affinity.value) !== '') oneOf('sessionAffinity', SESSION_AFFINITIES);
  if (svc.sessionAffinity === 'ClientIP') checkAffinityTimeout(spec, report);
  oneOf('trafficDistribution', TRAFFIC_DISTRIBUTIONS);

  if (type === 'ExternalName') {
    checkExternalName(svc, report);
  } else if (type !== null) {
    checkIpFamilies(spec, report);
    oneOf('ipFamilyPolicy', IP_FAMILY_POLICIES);
  }

  const externalIPs = asSeq(getValue(spec, 'externalIPs'));
  for (const item of externalIPs?.items ?? []) {
    const s = asScalar(item);
    if (!s || s.template) continue;
    const text = s.value === null ? '' : String(s.value);
    const problem = externalIpProblem(text);
    if (problem) report(s.span, `externalIPs entry "${text}" ${problem}; the API server accepts only IP addresses that are not unspecified, loopback or link-local.`);
  }
}

/** With `sessionAffinity: ClientIP`, a timeout that is written must be a whole number of seconds from 1 to 86400. */
function checkAffinityTimeout(spec: YNode, report: (span: { start: number; end: number }, message: string) => void): void {
  const timeout = get(asMap(getValue(asMap(getValue(spec, 'sessionAffinityConfig')), 'clientIP')), 'timeoutSeconds');
  if (!timeout || !setValue(timeout.value)) return;
  const v = asScalar(timeout.value)?.value;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_AFFINITY_SECONDS) return;
  report(valueSpan(timeout), `sessionAffinityConfig.clientIP.timeoutSeconds ${v === undefined ? '' : `${String(v)} `}must be a whole number of seconds from 1 to ${MAX_AFFINITY_SECONDS}.`);
}

/** Each entry `IPv4` or `IPv6`, each family at most once (reported on the later entry). */
function checkIpFamilies(spec: YNode, report: (span: { start: number; end: number }, message: string) => void): void {
  const seq = asSeq(getValue(spec, 'ipFamilies'));
  if (!seq || seq.templated) return;
  const seen = new Set<string>();
  for (const item of seq.items) {
    const s = asScalar(item);
    if (!s || s.template) continue;
    const text = s.value === null ? '' : String(s.value);
    if (!IP_FAMILIES.includes(text)) report(s.span, `ipFamilies entry "${text}" is not IPv4 or IPv6${suggestion(IP_FAMILIES, text)}`);
    else if (seen.has(text)) report(s.span, `ipFamilies lists ${text} twice; a Service has at most one of each family.`);
    seen.add(text);
  }
}

/** An ExternalName Service: `externalName` a DNS-1123 subdomain (one trailing dot allowed); no cluster IP, no IP families. */
function checkExternalName(svc: ServiceModel, report: (span: { start: number; end: number }, message: string) => void): void {
  const spec = svc.spec!;
  const name = get(spec, 'externalName');
  const text = name && setValue(name.value) ? scalarText(name.value) : undefined;
  if (name && text !== undefined && text !== '') {
    const cname = text.endsWith('.') ? text.slice(0, -1) : text;
    if (cname.length > 253 || !DNS1123_SUBDOMAIN.test(cname)) {
      const hint = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? ' (a host name, not a URL)' : /:\d+$/.test(text) ? ' (a host name without a port)' : '';
      report(valueSpan(name), `externalName "${text}" is not a DNS name${hint}: lower-case letters, digits, "-" and "." (at most 253 characters, each label starting and ending with a letter or digit).`);
    }
  }
  const notForExternalName = (key: string) => {
    const pair = get(spec, key);
    if (!pair || !setValue(pair.value)) return undefined;
    const s = asScalar(pair.value);
    if (s && s.value === '') return undefined; // empty: unset
    const seq = asSeq(pair.value);
    if (seq && seq.items.length === 0) return undefined;
    return pair;
  };
  for (const key of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
    const pair: YPair | undefined = notForExternalName(key);
    if (pair) report(valueSpan(pair), `${key} may not be set for an ExternalName Service (it gets no cluster IP): remove it.`);
  }
}
