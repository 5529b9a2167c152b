/**
 * YAML parsed ahead on a worker thread (the CLI's `check` of a large workspace): the analysis is the one the
 * engine makes alone — the same findings, the same trees (aliases still shared, headers only where the engine
 * keeps headers only) — and the texts the engine listed and announced are read by the worker.
 */
import * as assert from 'node:assert/strict';
import type { Workspace } from '../../server/src/engine';
import { startParsesAhead } from '../../server/src/host/parse-ahead';
import { ready, workspace } from '../support/workspace';

const FILES: Record<string, string> = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
  'chart/values.yaml': '# the port\nport: 8080\nservice:\n  type: NodePort\n',
  'chart/templates/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}-web
spec:
  type: {{ .Values.service.type }}
  selector:
    app: web
  ports:
    - port: {{ .Values.port }}
      protocol: tcp
`,
  'k8s/app.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  a: "1"
---
apiVersion: v1
kind: Service
metadata:
  name: api
  labels: &labels
    app: api
spec:
  type: NodePort
  selector: *labels
  ports:
    - &http
      port: 80
      name: http
    - <<: *http
      protocol: TCP
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    metadata:
      labels: *labels
    spec:
      containers:
        - name: api
          ports:
            - containerPort: 80
`,
  'k8s/crd.yaml': `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.example.com
spec:
  group: example.com
  group: example.org
`,
  'other/templated.yaml': `apiVersion: v1
kind: Service
metadata:
  name: {{ .name }}
spec:
  ports:
    - port: 70000
`,
};

function findingsOf(ws: Workspace): string[] {
  return ws.analyze().findings.map((f) => `${f.path} ${f.span.start}-${f.span.end} ${f.code} ${f.message}`).sort();
}

suite('check: YAML parsed ahead on a worker thread', () => {
  suiteSetup(ready);

  test('the same findings and the same trees as the engine alone; the worker read what was listed and announced', async () => {
    const alone = workspace(FILES);
    const expected = findingsOf(alone);
    assert.ok(expected.length >= 4, expected.join('\n')); // protocol tcp, the repeated port and key, port 70000, the node port

    const ws = workspace(FILES);
    const ahead = startParsesAhead(ws.yamlReadsAhead(), 0);
    assert.ok(ahead);
    try {
      await ahead.listedRead;
      assert.deepEqual(findingsOf(ws), expected);
      for (const path of ['k8s/app.yaml', 'k8s/crd.yaml', 'other/templated.yaml']) {
        assert.deepEqual(ws.manifest(path)?.documents, alone.manifest(path)?.documents, path);
      }
      assert.equal(ws.manifest('k8s/crd.yaml')?.documents[0].headerOnly, true);
      // the values file and the manifests' documents were listed, each read by the worker; the chart's output was
      // announced while the engine rendered it
      assert.ok(ahead.counts.fromWorker >= 5, JSON.stringify(ahead.counts));
      assert.ok(ahead.counts.jobs > 5, JSON.stringify(ahead.counts));
    } finally {
      await ahead.stop();
    }
  });

  test('a workspace with little YAML is read without a worker', () => {
    const ws = workspace(FILES);
    assert.equal(startParsesAhead(ws.yamlReadsAhead()), undefined);
  });

  test('after stop, the engine reads everything itself again: an edit is analysed as without the worker', async () => {
    const ws = workspace(FILES);
    const ahead = startParsesAhead(ws.yamlReadsAhead(), 0)!;
    await ahead.listedRead;
    findingsOf(ws);
    await ahead.stop();
    // the ConfigMap grows: the Service after it (whose tree holds nodes twice, through its aliases) moves
    const edited = FILES['k8s/app.yaml'].replace('a: "1"', 'a: "1"\n  b: "22"');
    ws.setFile('k8s/app.yaml', edited);
    const alone = workspace({ ...FILES, 'k8s/app.yaml': edited });
    assert.deepEqual(findingsOf(ws), findingsOf(alone));
  });
});
