/**
 * What the API server would reject, checked on one Service after defaulting. A finding is made only
 * on what the user wrote: a value copied by defaulting adds nothing of its own.
 */
import { finding } from '../findings/finding';
import type { ReplaceHint } from '../findings/fix-hint';
import { asScalar, asSeq, get, scalarString, type YPair } from '../parse/yaml';
import { PROTOCOLS, SERVICE_TYPES, LEGACY_SOURCE_RANGES_ANNOTATION, isTemplate, type ServiceModel, type ServicePort } from '../k8s/service';
import { closest } from '../util/edit-distance';
import { nodeportNotAllowedMessage, nodeportOutOfRange } from '../rules/node-ports';
import { invalidCidr } from '../rules/source-ranges';
import { portItemHead, valueSpan } from '../k8s/spans';
import { checkServiceValues } from './service-values';
import type { CheckContext } from './context';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isValidPortName(name: string): boolean {
  return name.length <= 63 && DNS1123_LABEL.test(name);
}

/** IANA service name, as `IsValidPortName` in k8s.io/apimachinery. */
export function isValidIanaServiceName(name: string): boolean {
  if (name.length < 1 || name.length > 15) return false;
  if (!/^[-a-z0-9]+$/.test(name)) return false;
  if (!/[a-z]/.test(name)) return false;
  if (name.includes('--')) return false;
  return !name.startsWith('-') && !name.endsWith('-');
}

/** The closest valid spelling of a type/protocol: case-insensitive match first, then edit distance. */
export function suggestEnum(values: readonly string[], written: string): string | undefined {
  const ci = values.find((v) => v.toLowerCase() === written.toLowerCase());
  return ci ?? closest(values, written);
}

export function checkServiceApi(svc: ServiceModel, ctx: CheckContext): void {
  const path = svc.path;
  const report = (code: Parameters<typeof finding>[0], pair: YPair | undefined, span: { start: number; end: number } | undefined, message: string, fix?: Omit<ReplaceHint, 'kind'>) => {
    const s = span ?? (pair ? valueSpan(pair) : undefined);
    if (s) ctx.report(finding(code, path, s, message, fix ? { fix: { kind: 'replace', ...fix } } : {}));
  };

  // type
  if (svc.typePair && svc.type === null && !svc.typeUnknown) {
    const written = scalarText(svc.typePair);
    const suggestion = written !== undefined ? suggestEnum(SERVICE_TYPES, written) : undefined;
    report('invalid-service-type', svc.typePair, undefined,
      `Service type "${written ?? ''}" is not one of ${SERVICE_TYPES.join(', ')}${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
      suggestion ? { span: valueSpan(svc.typePair), text: suggestion } : undefined);
  }
  const type = svc.type;

  // headless with NodePort/LoadBalancer
  if (svc.headless && (type === 'NodePort' || type === 'LoadBalancer')) {
    const pair = svc.clusterIPPair ?? get(svc.spec, 'clusterIPs');
    report('headless-not-allowed', pair, undefined, `clusterIP "None" (headless) may not be set for a ${type} Service.`);
  }

  // ExternalName needs externalName (unknown when it is a template value, or may be rendered among the spec's fields)
  const externalName = get(svc.spec, 'externalName');
  if (type === 'ExternalName' && !scalarString(externalName?.value) && !isTemplate(externalName?.value) && !(!externalName && svc.spec?.templated)) {
    report('externalname-required', svc.typePair, undefined, 'A Service of type ExternalName needs spec.externalName.');
  }

  // ports required unless headless or ExternalName (or the template may render them)
  if (!svc.headless && type !== 'ExternalName' && !svc.typeUnknown && !svc.portsUnknown && (asSeq(svc.portsPair?.value)?.items.length ?? 0) === 0) {
    const anchor = svc.specPair?.key.span ?? get(svc.object.root, 'kind')?.key.span ?? svc.object.span;
    ctx.report(finding('missing-ports', path, anchor, `${svc.name ? `Service "${svc.name}"` : 'This Service'} has no ports; spec.ports is required unless the Service is headless or ExternalName.`));
  }

  checkPorts(svc, ctx, report);
  checkHealthCheckNodePort(svc, ctx, report);
  checkFieldsAllowed(svc, report);
  checkSourceRangeCidrs(svc, ctx);
  checkServiceValues(svc, ctx);
}

/** A value that is written and not null (a template is unknown: not counted). */
function nonNull(pair: YPair | undefined): pair is YPair {
  const v = pair?.value;
  return !!v && !isTemplate(v) && !(v.kind === 'scalar' && v.value === null);
}

/**
 * healthCheckNodePort where it may be set (LoadBalancer with Local): a port number, from the node-port range (the
 * allocator refuses another). Elsewhere a non-zero value is a field that is not allowed.
 */
function checkHealthCheckNodePort(svc: ServiceModel, ctx: CheckContext, report: Reporter): void {
  const pair = svc.healthCheckNodePortPair;
  if (!pair || !nonNull(pair) || svc.type !== 'LoadBalancer' || svc.externalTrafficPolicy !== 'Local') return;
  const s = asScalar(pair.value);
  const v = s?.value;
  if (v === 0) return; // unset: allocated from the range
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) {
    report('invalid-port-number', pair, undefined, `healthCheckNodePort ${s ? String(v) : '(not a number)'} is not a port number (an integer from 1 to 65535).`);
    return;
  }
  const range = ctx.config.nodePortRange;
  if (v < range.min || v > range.max) {
    ctx.report(nodeportOutOfRange(svc.path, valueSpan(pair), v, range, 'healthCheckNodePort'));
  }
}

function scalarText(pair: YPair): string | undefined {
  const s = asScalar(pair.value);
  return s && s.value !== null ? String(s.value) : undefined;
}

type Reporter = (code: Parameters<typeof finding>[0], pair: YPair | undefined, span: { start: number; end: number } | undefined, message: string, fix?: Omit<ReplaceHint, 'kind'>) => void;

function checkPorts(svc: ServiceModel, ctx: CheckContext, report: Reporter): void {
  const type = svc.type;
  const range = ctx.config.nodePortRange;
  // the template may render more ports, fewer or other ones: no finding on their count or duplicates
  const multi = svc.ports.length > 1 && !svc.portsUnknown;
  /** duplicates are known among ports whose fields are all written */
  const counted = (p: ServicePort) => !svc.portsUnknown && !p.templated;
  const seenPort = new Map<string, ServicePort>();
  const seenNodePort = new Map<string, ServicePort>();
  const seenName = new Set<string>();

  for (const p of svc.ports) {
    // port
    if (!p.portPair) {
      if (!p.templated) report('invalid-port-number', undefined, portItemHead(p), `${describe(p)} has no port; port is required (1–65535).`);
    } else if (p.port === null && !isTemplate(p.portPair.value)) {
      report('invalid-port-number', p.portPair, undefined, `port ${scalarText(p.portPair) ?? '(empty)'} is not a port number (an integer from 1 to 65535).`);
    }

    // name
    if (multi && !p.name && !isTemplate(p.namePair?.value)) {
      const suggested = p.port === 80 ? 'http' : p.port === 443 ? 'https' : p.port !== null ? `port-${p.port}` : undefined;
      ctx.report(finding('port-name-required', svc.path, portItemHead(p),
        `${describe(p)} needs a name: a Service with more than one port must name every port.`,
        suggested ? { fix: { kind: 'add-port-name', portSpan: p.span, name: suggested } } : {}));
    }
    if (p.namePair && p.name !== undefined && p.name !== '') {
      if (!isValidPortName(p.name)) report('invalid-port-name', p.namePair, undefined, `Port name "${p.name}" is not a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters).`);
      else if (seenName.has(p.name) && counted(p)) report('invalid-port-name', p.namePair, undefined, `Port name "${p.name}" is used twice in this Service.`);
      if (counted(p)) seenName.add(p.name);
    }

    // protocol
    if (p.protocolPair && p.protocol === null && !isTemplate(p.protocolPair.value)) {
      const written = scalarText(p.protocolPair) ?? '';
      const suggestion = suggestEnum(PROTOCOLS, written);
      report('invalid-protocol', p.protocolPair, undefined,
        `Protocol "${written}" is not TCP, UDP or SCTP (case matters)${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
        suggestion ? { span: valueSpan(p.protocolPair), text: suggestion } : undefined);
    }

    // targetPort as written
    if (p.targetPortPair && !isTemplate(p.targetPortPair.value)) {
      const s = asScalar(p.targetPortPair.value);
      if (s && typeof s.value === 'number') {
        if (!Number.isInteger(s.value) || s.value < 0 || s.value > 65535) {
          report('invalid-port-number', p.targetPortPair, undefined, `targetPort ${s.value} is not a port number (an integer from 1 to 65535).`);
        }
      } else if (s && typeof s.value === 'string' && s.value !== '') {
        if (!isValidIanaServiceName(s.value)) {
          report('invalid-target-port', p.targetPortPair, undefined, `targetPort "${s.value}" is neither a port number nor a valid port name (at most 15 characters of a-z, 0-9 and "-", with a letter, no "--", no "-" at either end).`);
        }
      } else if (s && typeof s.value === 'boolean') {
        report('invalid-target-port', p.targetPortPair, undefined, `targetPort ${s.value} is neither a port number nor a port name.`);
      }
    }

    // nodePort
    if (p.nodePortPair && !isTemplate(p.nodePortPair.value)) {
      const s = asScalar(p.nodePortPair.value);
      const v = s?.value;
      if (s && v !== null && (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535)) {
        report('invalid-port-number', p.nodePortPair, undefined, `nodePort ${String(v)} is not a port number (an integer from 1 to 65535).`);
      } else if (p.nodePort !== null) {
        if (type === 'ClusterIP') {
          report('nodeport-not-allowed', p.nodePortPair, undefined, nodeportNotAllowedMessage(p.nodePort, !!svc.typePair));
        } else if ((type === 'NodePort' || type === 'LoadBalancer') && (p.nodePort < range.min || p.nodePort > range.max)) {
          ctx.report(nodeportOutOfRange(svc.path, valueSpan(p.nodePortPair), p.nodePort, range));
        }
      }
    }

    // duplicates (reported on the later one)
    if (!counted(p)) continue;
    if (p.port !== null && p.protocol !== null && p.portPair) {
      const key = `${p.protocol}/${p.port}`;
      const first = seenPort.get(key);
      if (first) report('duplicate-port', p.portPair, undefined, `port ${p.port}/${p.protocol} is already used by ${describe(first)} of this Service.`);
      else seenPort.set(key, p);
    }
    if (p.nodePort !== null && p.protocol !== null && p.nodePortPair) {
      const key = `${p.protocol}/${p.nodePort}`;
      const first = seenNodePort.get(key);
      if (first) report('duplicate-port', p.nodePortPair, undefined, `nodePort ${p.nodePort}/${p.protocol} is already used by ${describe(first)} of this Service.`);
      else seenNodePort.set(key, p);
    }
  }
}

function describe(p: ServicePort): string {
  return p.name ? `port "${p.name}"` : `ports[${p.index}]`;
}

function checkFieldsAllowed(svc: ServiceModel, report: Reporter): void {
  const type = svc.type;
  if (type === null) return; // unknown or invalid: the type finding says enough
  const spec = svc.spec;
  const notAllowed = (key: string, why: string) => {
    const pair = get(spec, key);
    if (nonNull(pair)) report('field-not-allowed', pair, pair.key.span, `${key} ${why}`);
  };
  if (type !== 'LoadBalancer') {
    const lbsr = get(spec, 'loadBalancerSourceRanges');
    const items = asSeq(lbsr?.value)?.items.length ?? 0;
    if (lbsr && items > 0) report('field-not-allowed', lbsr, lbsr.key.span, `loadBalancerSourceRanges may only be used when the type is LoadBalancer (this Service is ${type}).`);
    else if (!lbsr || (!isTemplate(lbsr.value) && !asSeq(lbsr.value)?.templated)) {
      // read only when the field holds no entry; then its mere presence is refused, whatever its value
      const ann = svc.annotations.get(LEGACY_SOURCE_RANGES_ANNOTATION);
      if (ann) report('field-not-allowed', ann.pair, ann.pair.key.span, `The annotation ${LEGACY_SOURCE_RANGES_ANNOTATION} may only be used when the type is LoadBalancer (this Service is ${type}).`);
    }
    notAllowed('allocateLoadBalancerNodePorts', `may only be used when the type is LoadBalancer (this Service is ${type}).`);
    notAllowed('loadBalancerClass', `may only be used when the type is LoadBalancer (this Service is ${type}).`);
  }
  const hc = get(spec, 'healthCheckNodePort');
  const etpUnknown = isTemplate(svc.externalTrafficPolicyPair?.value) || svc.typeUnknown;
  if (nonNull(hc) && asScalar(hc.value)?.value !== 0 && !etpUnknown && !(type === 'LoadBalancer' && svc.externalTrafficPolicy === 'Local')) {
    report('field-not-allowed', hc, hc.key.span, 'healthCheckNodePort may only be set when the type is LoadBalancer and externalTrafficPolicy is Local.');
  }
  const etp = get(spec, 'externalTrafficPolicy');
  if (nonNull(etp) && asScalar(etp.value)?.value !== '' && !svc.externallyReachable) {
    report('field-not-allowed', etp, etp.key.span, `externalTrafficPolicy may only be set for externally reachable Services (NodePort, LoadBalancer, or ClusterIP with externalIPs); this one is ${type}.`);
  }
}

/**
 * Every source range the API server reads (the field's entries, else the annotation's) must parse as a CIDR, as
 * it parses them: trimmed, leading zeros and host bits accepted. The annotation's bad entries share one finding.
 */
function checkSourceRangeCidrs(svc: ServiceModel, ctx: CheckContext): void {
  const sr = svc.sourceRanges;
  if (sr.origin === 'default') return;
  const bad = sr.entries.filter((e) => !e.cidr);
  if (sr.origin === 'field') {
    for (const e of bad) ctx.report(invalidCidr(svc.path, e.span, [e.text], undefined));
  } else if (bad.length > 0 && sr.anchor) {
    ctx.report(invalidCidr(svc.path, sr.anchor, bad.map((e) => e.text), LEGACY_SOURCE_RANGES_ANNOTATION));
  }
}
