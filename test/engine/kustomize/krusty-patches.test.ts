/**
 * The builder's patches against kustomize's own tests: strategic merge patches (files, inline, with a target,
 * list items merged on the schema's keys, `$patch: delete`), JSON 6902 patches, and where a patched value says it
 * came from.
 *
 * Each test titled `Test…` follows that test of kubernetes-sigs/kustomize, `api/krusty/*_test.go` (Apache License
 * 2.0, Copyright The Kubernetes Authors): its input files and expected output transcribed as they are there. The
 * others are ours and say so.
 */
import * as assert from 'node:assert/strict';
import { asMap, asScalar, getValue } from '../../../server/src/engine/parse/yaml';
import { buildOf, expected, k, run, type Files } from './harness';

const NGINX = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        volumeMounts:
        - name: nginx-persistent-storage
          mountPath: /tmp/ps
      volumes:
      - name: nginx-persistent-storage
        emptyDir: {}
      - configMap:
          name: configmap-in-base
        name: configmap-in-base
`;

const NGINX_IMAGE1 = `
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: nginx
  name: nginx
spec:
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - image: image1
        name: nginx
        volumeMounts:
        - mountPath: /tmp/ps
          name: nginx-persistent-storage
      volumes:
      - emptyDir: {}
        name: nginx-persistent-storage
      - configMap:
          name: configmap-in-base
        name: configmap-in-base
`;

const WEB_SERVICE = `
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 30900
      targetPort: 30900
      protocol: TCP
  type: NodePort
`;

suite('kustomize build, after api/krusty: patches', () => {
  test('TestSimple1 (simple_test.go): a strategic merge patch file', () => {
    const files: Files = {
      'dep.yaml': '\napiVersion: v1\nkind: Deployment\nmetadata:\n  name: clown\nspec:\n  numReplicas: 1\n',
      'patch.yaml': '\napiVersion: v1\nkind: Deployment\nmetadata:\n  name: clown\nspec:\n  numReplicas: 999\n',
      ...k('.', '\nresources:\n- dep.yaml\npatchesStrategicMerge:\n- patch.yaml\n'),
    };
    assert.deepEqual(run(files, '.'), expected('\napiVersion: v1\nkind: Deployment\nmetadata:\n  name: clown\nspec:\n  numReplicas: 999\n'));
  });

  test('TestStrategicMergePatchInline (inlinepatch_test.go): a patch written in the kustomization; containers merge on name', () => {
    const files: Files = {
      'base/deployment.yaml': NGINX,
      ...k('base', `
resources:
- deployment.yaml

patchesStrategicMerge:
- |-
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: nginx
  spec:
    template:
      spec:
        containers:
          - name: nginx
            image: image1
`),
    };
    assert.deepEqual(run(files, 'base'), expected(NGINX_IMAGE1));
  });

  test('TestJSONPatchInline (inlinepatch_test.go): a JSON 6902 patch with a target', () => {
    const files: Files = {
      'base/deployment.yaml': NGINX,
      ...k('base', `
resources:
- deployment.yaml

patchesJson6902:
- target:
    group: apps
    version: v1
    kind: Deployment
    name: nginx
  patch: |-
    - op: replace
      path: /spec/template/spec/containers/0/image
      value: image1
`),
    };
    assert.deepEqual(run(files, 'base'), expected(NGINX_IMAGE1));
  });

  test('TestPatchPortHasNoProtocol (multiplepatch_test.go): a Service port merges on `port`, a missing protocol matches', () => {
    const files: Files = {
      ...k('.', '\nresources:\n  - service.yaml\npatchesStrategicMerge:\n  - patch.yaml\n'),
      'service.yaml': WEB_SERVICE,
      'patch.yaml': `
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    service: web
spec:
  ports:
    - port: 30900
      targetPort: 30900
  selector:
    service: web
`,
    };
    assert.deepEqual(run(files, '.'), expected(`
apiVersion: v1
kind: Service
metadata:
  labels:
    service: web
  name: web
spec:
  ports:
  - port: 30900
    protocol: TCP
    targetPort: 30900
  selector:
    service: web
  type: NodePort
`));
  });

  test('TestPatchAddNewServicePort (multiplepatch_test.go): a new port comes first, the base\'s follow', () => {
    const files: Files = {
      ...k('.', '\nresources:\n  - service.yaml\npatchesStrategicMerge:\n  - patch.yaml\n'),
      'service.yaml': WEB_SERVICE,
      'patch.yaml': `
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    service: web
spec:
  ports:
    - port: 30901
      targetPort: 30901
  selector:
    service: web
`,
    };
    assert.deepEqual(run(files, '.'), expected(`
apiVersion: v1
kind: Service
metadata:
  labels:
    service: web
  name: web
spec:
  ports:
  - port: 30901
    targetPort: 30901
  - port: 30900
    protocol: TCP
    targetPort: 30900
  selector:
    service: web
  type: NodePort
`));
  });

  test('TestSmpWithDifferentKeysOnDifferentPorts (multiplepatch_test.go): container ports that share a number keep apart by protocol', () => {
    const ports = [
      ['8500', 'http', ''], ['8501', 'https', ''], ['8301', 'serflan-tcp', 'TCP'], ['8301', 'serflan-udp', 'UDP'],
      ['8302', 'serfwan', ''], ['8300', 'server', ''], ['8600', 'dns-tcp', 'TCP'], ['8600', 'dns-udp', 'UDP'],
    ];
    const input = ports.map(([n, name, p]) => `            - containerPort: ${n}\n              name: ${name}\n${p ? `              protocol: "${p}"\n` : ''}`).join('');
    const output = ports.map(([n, name, p]) => `        - containerPort: ${n}\n          name: ${name}\n${p ? `          protocol: ${p}\n` : ''}`).join('');
    const files: Files = {
      ...k('.', '\nresources:\n  - resource.yaml\npatches:\n  - path: patch.yaml\n    target:\n      kind: StatefulSet\n      name: myapp\n'),
      'resource.yaml': `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: myapp
spec:
  template:
    spec:
      containers:
        - name: consul
          image: "dashicorp/consul:1.9.1"
          ports:
${input}`,
      'patch.yaml': '\nkind: StatefulSet\nmetadata:\n  name: myapp\n  labels:\n    test: label\n',
    };
    assert.deepEqual(run(files, '.'), expected(`
apiVersion: apps/v1
kind: StatefulSet
metadata:
  labels:
    test: label
  name: myapp
spec:
  template:
    spec:
      containers:
      - image: dashicorp/consul:1.9.1
        name: consul
        ports:
${output}`));
  });

  test('TestPatchDeleteOfNotExistingAttributesShouldNotAddExtraElements (patchdelete_test.go): `$patch: delete` on list items', () => {
    const files: Files = {
      'resource.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: whatever
spec:
  template:
    spec:
      containers:
      - env:
        - name: EXISTING
          value: EXISTING_VALUE
        - name: FOR_REMOVAL
          value: FOR_REMOVAL_VALUE
        name: whatever
        image: helloworld
`,
      'patch.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: whatever
spec:
  template:
    spec:
      containers:
      - name: whatever
        env:
        - name: FOR_REMOVAL
          $patch: delete
        - name: NOT_EXISTING_FOR_REMOVAL
          $patch: delete
`,
      ...k('.', '\nresources:\n- resource.yaml\npatches:\n- path: patch.yaml\n  target:\n    kind: Deployment\n'),
    };
    assert.deepEqual(run(files, '.'), expected(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: whatever
spec:
  template:
    spec:
      containers:
      - env:
        - name: EXISTING
          value: EXISTING_VALUE
        image: helloworld
        name: whatever
`));
  });

  test('TestSmpDeleteOnResource (multiplepatch_test.go): `$patch: delete` on a whole object', () => {
    const rule = (n: string) => `apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  labels:\n    role: alert-rules\n  name: ${n}\nspec:\n  groups:\n  - name: rabbitmq.rules\n`;
    const files: Files = {
      ...k('.', '\nresources:\n- workloads.yaml\npatches:\n- patch: |\n    apiVersion: monitoring.coreos.com/v1\n    kind: PrometheusRule\n    metadata:\n      name: rule1\n    $patch: delete\n'),
      'workloads.yaml': `\n${rule('rule1')}---\n${rule('rule2')}`,
    };
    assert.deepEqual(run(files, '.'), expected(rule('rule2')));
  });

  test('TestNamespacePropagationDoesNotBreakPatchWithNameSuffix (namespacepropagation_test.go): a patch names the suffixed object', () => {
    const files: Files = {
      ...k('base', '\nresources:\n  - configmap.yaml\n\nnameSuffix: -schedule_job_1\n'),
      'base/configmap.yaml': '\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hoge\ndata:\n  configs.yaml: TO_BE_SPECIFIED\n',
      ...k('overlay', '\nresources:\n  - ../base\n\npatches:\n  - path: schedule_job_1.yaml\n\nnamespace: hoge-dev\n'),
      'overlay/schedule_job_1.yaml': '\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: hoge-schedule_job_1\ndata:\n  configs.yaml: |\n    case_configs:\n      - id: 1\n        name: dummy1\n        client: client1\n',
    };
    assert.deepEqual(run(files, 'overlay'), expected(`
apiVersion: v1
data:
  configs.yaml: |
    case_configs:
      - id: 1
        name: dummy1
        client: client1
kind: ConfigMap
metadata:
  name: hoge-schedule_job_1
  namespace: hoge-dev
`));
  });

  test('TestExtendedPatchNameSelector (extendedpatch_test.go): a target by name selects every kind of that name', () => {
    const box = (n: string) => `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${n}\n  labels:\n    app: ${n}\nspec:\n  template:\n    metadata:\n      labels:\n        app: ${n}\n    spec:\n      containers:\n      - name: ${n}\n        image: ${n}\n`;
    const svc = (n: string, port: number) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${n}\n  labels:\n    app: ${n}\nspec:\n  ports:\n  - port: ${port}\n  selector:\n    app: ${n}\n`;
    const files: Files = {
      'base/deployment.yaml': `${box('nginx')}---\n${box('busybox')}`,
      'base/service.yaml': `${svc('nginx', 80)}---\n${svc('busybox', 8080)}`,
      ...k('base', '\nresources:\n- deployment.yaml\n- service.yaml\npatches:\n- path: patch.yaml\n  target:\n    name: busybox\n'),
      'base/patch.yaml': '\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: busybox\n  annotations:\n    new-key: new-value\n',
    };
    const annotated = (text: string) => text.replace('metadata:\n', 'metadata:\n  annotations:\n    new-key: new-value\n');
    assert.deepEqual(run(files, 'base'), expected(`${box('nginx')}---\n${annotated(box('busybox'))}---\n${svc('nginx', 80)}---\n${annotated(svc('busybox', 8080))}`));
  });

  test('ours: `$patch: replace` puts the patch\'s map in place of the object\'s', () => {
    const files: Files = {
      ...k('.', '\nresources:\n- service.yaml\npatches:\n- path: patch.yaml\n'),
      'service.yaml': '\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n    tier: front\n  ports:\n  - port: 80\n',
      'patch.yaml': '\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    $patch: replace\n    app: web2\n',
    };
    assert.deepEqual(run(files, '.'), expected('apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web2\n  ports:\n  - port: 80\n'));
  });

  test('ours: a value a patch set says it came from the patch, the others from the base', () => {
    const files: Files = {
      ...k('.', '\nresources:\n- service.yaml\npatches:\n- path: patch.yaml\n- patch: |-\n    - op: add\n      path: /spec/externalTrafficPolicy\n      value: Local\n  target:\n    kind: Service\n'),
      'service.yaml': WEB_SERVICE,
      'patch.yaml': '\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n',
    };
    const out = buildOf(files, '.');
    const spec = asMap(getValue(out.resources[0].root, 'spec'))!;
    const at = (key: string) => {
      const o = out.segments.origin(asScalar(getValue(spec, key))!.span)!;
      return `${o.path} ${files[o.path].slice(o.span.start, o.span.end)}`;
    };
    assert.equal(at('type'), 'patch.yaml LoadBalancer');
    assert.equal(at('externalTrafficPolicy'), 'kustomization.yaml Local');
    const port = out.segments.origin(asMap(getValue(spec, 'ports'))?.span ?? getValue(spec, 'ports')!.span)!;
    assert.equal(port.path, 'service.yaml');
  });
  test('TestComplexComposition_Prod_SuccessWithRawTransformers (complexcomposition_test.go): built-in PatchTransformer configurations', () => {
    // upstream's overlay also lists a ConfigMap generator (`generators:`); it is left out here on both sides
    const transformer = (name: string, spec: string) => `
apiVersion: builtin
kind: PatchTransformer
metadata:
  name: ${name}
target: 
  group: apps
  version: v1
  kind: StatefulSet
  name: my-sts
patch: |-
  apiVersion: apps/v1
  kind: StatefulSet
  metadata:
    name: my-sts
  spec:
${spec}`;
    const files: Files = {
      ...k('base', '\nresources:\n- statefulset.yaml\n'),
      'base/statefulset.yaml': `
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: my-sts
spec:
  serviceName: my-svc
  selector:
    matchLabels:
      app: my-app
  template:
    metadata:
      labels:
        app: my-app
    spec:
      containers:
      - name: app
        image: my-image
  volumeClaimTemplates:
  - spec:
      storageClassName: default
`,
      'https/service/https-svc.yaml': '\napiVersion: v1\nkind: Service\nmetadata:\n  name: my-https-svc\nspec:\n  ports:\n  - port: 443\n    protocol: TCP\n    name: https\n  selector:\n    app: my-app\n',
      'https/transformer/transformer.yaml': transformer('svcNameTran', '    serviceName: my-https-svc\n'),
      'config/transformer/transformer.yaml': transformer('envFromConfigTrans', '    template:\n      spec:\n        containers:\n        - name: app\n          envFrom:\n          - configMapRef:\n              name: my-config\n'),
      'tolerations/transformer.yaml': transformer('tolTrans', '    template:\n      spec:\n        tolerations:\n        - effect: NoExecute\n          key: node.kubernetes.io/not-ready\n          tolerationSeconds: 30\n'),
      ...k('prod', '\nresources:\n- ../base\n- ../https/service/https-svc.yaml\ntransformers:\n- ../config/transformer/transformer.yaml\n- ../https/transformer/transformer.yaml\n- ../tolerations/transformer.yaml\n'),
    };
    assert.deepEqual(run(files, 'prod'), expected(`
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: my-sts
spec:
  selector:
    matchLabels:
      app: my-app
  serviceName: my-https-svc
  template:
    metadata:
      labels:
        app: my-app
    spec:
      containers:
      - envFrom:
        - configMapRef:
            name: my-config
        image: my-image
        name: app
      tolerations:
      - effect: NoExecute
        key: node.kubernetes.io/not-ready
        tolerationSeconds: 30
  volumeClaimTemplates:
  - spec:
      storageClassName: default
---
apiVersion: v1
kind: Service
metadata:
  name: my-https-svc
spec:
  ports:
  - name: https
    port: 443
    protocol: TCP
  selector:
    app: my-app
`));
  });

  test('ours: a LabelTransformer configuration puts its labels where its field specs say, nowhere else', () => {
    const files: Files = {
      ...k('.', '\nresources:\n- service.yaml\ntransformers:\n- labels.yaml\n'),
      'service.yaml': WEB_SERVICE,
      'labels.yaml': '\napiVersion: builtin\nkind: LabelTransformer\nmetadata:\n  name: labels\nlabels:\n  env: dev\nfieldSpecs:\n  - path: metadata/labels\n    create: true\n',
    };
    const [svc] = run(files, '.') as { metadata: { labels?: unknown }; spec: { selector?: unknown } }[];
    assert.deepEqual(svc.metadata.labels, { env: 'dev' });
    assert.equal(svc.spec.selector, undefined);
  });
});
