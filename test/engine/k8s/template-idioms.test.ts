/**
 * Templates read as templates: the idioms real charts and Terraform `templatefile` inputs use, each written here
 * in the shape those repositories write it. Every Service in them is read, none of them makes a finding, and a
 * mistake written literally in a template is still reported.
 */
import * as assert from 'node:assert/strict';
import { analyse, keys, ready } from '../../support/workspace';

/** Bitnami's header: every template starts with a comment over several lines. */
const HEADER = '{{- /*\nCopyright Example, Inc. All Rights Reserved.\nSPDX-License-Identifier: APACHE-2.0\n*/}}\n\n';

/** Bitnami's Service: header comment, labels from `include … | nindent 4` followed by more keys, conditional keys. */
const BITNAMI = `${HEADER}{{- if .Values.metrics.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ printf "%s-metrics" (include "common.names.fullname" .) }}
  namespace: {{ include "common.names.namespace" . | quote }}
  labels: {{- include "common.labels.standard" ( dict "customLabels" .Values.commonLabels "context" $ ) | nindent 4 }}
    app.kubernetes.io/component: metrics
  {{- if or .Values.metrics.service.annotations .Values.commonAnnotations }}
  {{- $annotations := include "common.tplvalues.merge" ( dict "values" ( list .Values.metrics.service.annotations .Values.commonAnnotations ) "context" . ) }}
  annotations: {{- include "common.tplvalues.render" ( dict "value" $annotations "context" $) | nindent 4 }}
  {{- end }}
spec:
  type: {{ .Values.metrics.service.type }}
  {{- if and .Values.metrics.service.clusterIP (eq .Values.metrics.service.type "ClusterIP") }}
  clusterIP: {{ .Values.metrics.service.clusterIP }}
  {{- end }}
  {{- if and (eq .Values.metrics.service.type "LoadBalancer") (not (empty .Values.metrics.service.loadBalancerSourceRanges)) }}
  loadBalancerSourceRanges: {{ toYaml .Values.metrics.service.loadBalancerSourceRanges | nindent 4 }}
  {{- end }}
  ports:
    - name: http-metrics
      port: {{ .Values.metrics.service.ports.http }}
      targetPort: metrics
      {{- if and (or (eq .Values.metrics.service.type "NodePort") (eq .Values.metrics.service.type "LoadBalancer")) .Values.metrics.service.nodePorts.http }}
      nodePort: {{ .Values.metrics.service.nodePorts.http }}
      {{- else if eq .Values.metrics.service.type "ClusterIP" }}
      nodePort: null
      {{- end }}
    {{- if .Values.metrics.service.extraPorts }}
    {{- include "common.tplvalues.render" (dict "value" .Values.metrics.service.extraPorts "context" $) | nindent 4 }}
    {{- end }}
  {{- $podLabels := include "common.tplvalues.merge" ( dict "values" ( list .Values.podLabels .Values.commonLabels ) "context" . ) }}
  selector: {{- include "common.labels.matchLabels" ( dict "customLabels" $podLabels "context" $ ) | nindent 4 }}
    app.kubernetes.io/component: metrics
{{- end }}
`;

/** ingress-nginx's TCP/UDP services: the port name and number come from a `range` over a map. */
const INGRESS_NGINX = `{{- if .Values.controller.service.enabled -}}
apiVersion: v1
kind: Service
metadata:
  labels:
    {{- include "ingress-nginx.labels" . | nindent 4 }}
    app.kubernetes.io/component: controller
  name: {{ include "ingress-nginx.controller.fullname" . }}
  namespace: {{ include "ingress-nginx.namespace" . }}
spec:
  type: {{ .Values.controller.service.type }}
  ports:
  {{- $setNodePorts := (or (eq .Values.controller.service.type "NodePort") (eq .Values.controller.service.type "LoadBalancer")) }}
  {{- if .Values.controller.service.enableHttp }}
    - name: http
      port: {{ .Values.controller.service.ports.http }}
      protocol: TCP
      targetPort: {{ .Values.controller.service.targetPorts.http }}
    {{- if and $setNodePorts (not (empty .Values.controller.service.nodePorts.http)) }}
      nodePort: {{ .Values.controller.service.nodePorts.http }}
    {{- end }}
  {{- end }}
  {{- range $key, $value := .Values.tcp }}
    - name: {{ if $.Values.portNamePrefix }}{{ $.Values.portNamePrefix }}-{{ end }}{{ $key }}-tcp
      port: {{ $key }}
      protocol: TCP
      targetPort: {{ if $.Values.portNamePrefix }}{{ $.Values.portNamePrefix }}-{{ end }}{{ $key }}-tcp
    {{- if $.Values.controller.service.nodePorts.tcp }}
    {{- if index $.Values.controller.service.nodePorts.tcp $key }}
      nodePort: {{ index $.Values.controller.service.nodePorts.tcp $key }}
    {{- end }}
    {{- end }}
  {{- end }}
  selector:
    {{- include "ingress-nginx.selectorLabels" . | nindent 4 }}
    app.kubernetes.io/component: controller
{{- end }}
`;

/** `if`/`else` branches that each emit the same list item (or the same key). */
const BRANCHES = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: {{ if .Values.public }}LoadBalancer{{ else }}ClusterIP{{ end }}
  {{- if .Values.public }}
  externalTrafficPolicy: Local
  {{- else }}
  externalTrafficPolicy: Cluster
  {{- end }}
  ports:
  {{- if .Values.tls }}
  - name: https
    port: 443
    targetPort: {{ .Values.tls.port }}
  {{- else }}
  - name: https
    port: 443
    targetPort: 8080
  {{- end }}
  selector:
    app: web
`;

/** A Terraform \`templatefile\` input: interpolations and directives. */
const TEMPLATEFILE = `apiVersion: v1
kind: Service
metadata:
  name: \${name}
  namespace: "\${namespace}"
  annotations:
%{ if internal ~}
    service.beta.kubernetes.io/oci-load-balancer-internal: "true"
%{ endif ~}
spec:
  type: LoadBalancer
  ports:
%{ for p in ports ~}
    - name: \${p.name}
      port: \${p.port}
      targetPort: \${p.target}
%{ endfor ~}
  selector:
    app: \${name}
`;

suite('Templates read as templates: real idioms', () => {
  suiteSetup(ready);

  const cases: [string, string, string][] = [
    ['Bitnami: header comment, include | nindent followed by keys', 'charts/redis/templates/metrics-svc.yaml', BITNAMI],
    ['ingress-nginx: range over a map, port name built from actions', 'charts/ingress-nginx/templates/controller-service.yaml', INGRESS_NGINX],
    ['if/else branches that each emit a list item or a key', 'charts/web/templates/service.yaml', BRANCHES],
    ['a Terraform templatefile input', 'infra/k8s/service.yaml', TEMPLATEFILE],
  ];
  for (const [name, path, text] of cases) {
    test(`${name}: the Service is read, no finding`, () => {
      assert.deepEqual(keys({ [path]: text }), []);
      assert.equal(analyse({ [path]: text }).services.length, 1);
    });
  }

  test('all of them together: every Service read, no finding', () => {
    const files = Object.fromEntries(cases.map(([, path, text]) => [path, text]));
    assert.deepEqual(keys(files), []);
    assert.equal(analyse(files).services.length, cases.length);
  });

  test('a mistake written literally in a template is still reported', () => {
    const lit = (text: string, from: string, to: string) => { assert.ok(text.includes(from)); return text.replace(from, to); };
    assert.deepEqual(keys({ 'a.yaml': lit(BITNAMI, 'targetPort: metrics', 'targetPort: metrics\n      protocol: tcp') }), ['a.yaml:30 invalid-protocol']);
    assert.deepEqual(keys({ 'b.yaml': lit(INGRESS_NGINX, '      port: {{ $key }}\n      protocol: TCP', '      port: {{ $key }}\n      protocol: tcp') }), ['b.yaml:26 invalid-protocol']);
    assert.deepEqual(keys({ 'c.yaml': lit(TEMPLATEFILE, '  type: LoadBalancer', '  type: LoadBalancer\n  sessionAffinity: Sometimes') }), ['c.yaml:12 invalid-value']);
    assert.deepEqual(keys({ 'd.yaml': lit(BRANCHES, 'port: 443\n    targetPort: 8080', 'port: 70000\n    targetPort: 8080') }), ['d.yaml:19 invalid-port-number']);
  });
});
