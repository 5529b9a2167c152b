/**
 * The builder against kustomize's own tests: resources, overlays of overlays, components, namespace, prefix and
 * suffix with the references that follow, labels and annotations, replicas, images.
 *
 * Each test follows one test of kubernetes-sigs/kustomize, `api/krusty/*_test.go` (Apache License 2.0, Copyright
 * The Kubernetes Authors): its input files and its expected output transcribed as they are there, the upstream
 * test named in the title. Where upstream's input also holds something this builder does not build (a ConfigMap
 * generator), it is left out of both sides and the test says so.
 */
import * as assert from 'node:assert/strict';
import { buildOf, expected, k, run, type Files } from './harness';

const SMALL_BASE: Files = {
  ...k('base', `
namePrefix: a-
commonLabels:
  app: myApp
resources:
- deployment.yaml
- service.yaml
`),
  'base/service.yaml': `
apiVersion: v1
kind: Service
metadata:
  name: myService
spec:
  selector:
    backend: bungie
  ports:
    - port: 7002
`,
  'base/deployment.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: myDeployment
spec:
  template:
    metadata:
      labels:
        backend: awesome
    spec:
      containers:
      - name: whatever
        image: whatever
`,
};

suite('kustomize build, after api/krusty: resources, overlays and transformers', () => {
  test('TestTinyOverlay (baseandoverlaysmall_test.go): prefixes nest, a patch names the base object by its first name', () => {
    const files: Files = {
      ...k('base', `
namePrefix: a-
resources:
- deployment.yaml
`),
      'base/deployment.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: myDeployment
spec:
  template:
    spec:
      containers:
      - image: whatever
`,
      ...k('overlay', `
namePrefix: b-
resources:
- ../base
patchesStrategicMerge:
- depPatch.yaml
`),
      'overlay/depPatch.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: myDeployment
spec:
  replicas: 999
`,
    };
    assert.deepEqual(run(files, 'overlay'), expected(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: b-a-myDeployment
spec:
  replicas: 999
  template:
    spec:
      containers:
      - image: whatever
`));
  });

  test('TestSmallBase (baseandoverlaysmall_test.go): commonLabels enter metadata, pod templates and selectors (made when missing)', () => {
    assert.deepEqual(run(SMALL_BASE, 'base'), expected(`
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    app: myApp
  name: a-myDeployment
spec:
  selector:
    matchLabels:
      app: myApp
  template:
    metadata:
      labels:
        app: myApp
        backend: awesome
    spec:
      containers:
      - image: whatever
        name: whatever
---
apiVersion: v1
kind: Service
metadata:
  labels:
    app: myApp
  name: a-myService
spec:
  ports:
  - port: 7002
  selector:
    app: myApp
    backend: bungie
`));
  });

  test('TestSmallOverlay (baseandoverlaysmall_test.go): the overlay\'s labels (quoted values stay strings), patch and images', () => {
    const files: Files = {
      ...SMALL_BASE,
      ...k('overlay', `
namePrefix: b-
commonLabels:
  env: prod
  quotedFruit: "peach"
  quotedBoolean: "true"
resources:
- ../base
patchesStrategicMerge:
- deployment/deployment.yaml
images:
- name: whatever
  newTag: 1.8.0
`),
      'overlay/deployment/deployment.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: myDeployment
spec:
  replicas: 1000
`,
    };
    const labels = '    app: myApp\n    env: prod\n    quotedBoolean: "true"\n    quotedFruit: peach\n';
    assert.deepEqual(run(files, 'overlay'), expected(`
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
${labels}  name: b-a-myDeployment
spec:
  replicas: 1000
  selector:
    matchLabels:
      app: myApp
      env: prod
      quotedBoolean: "true"
      quotedFruit: peach
  template:
    metadata:
      labels:
        app: myApp
        backend: awesome
        env: prod
        quotedBoolean: "true"
        quotedFruit: peach
    spec:
      containers:
      - image: whatever:1.8.0
        name: whatever
---
apiVersion: v1
kind: Service
metadata:
  labels:
${labels}  name: b-a-myService
spec:
  ports:
  - port: 7002
  selector:
    app: myApp
    backend: bungie
    env: prod
    quotedBoolean: "true"
    quotedFruit: peach
`));
  });

  test('TestMediumBase (baseandoverlaymedium_test.go): commonAnnotations on metadata and pod templates', () => {
    const files: Files = {
      ...k('base', `
namePrefix: baseprefix-
commonLabels:
  foo: bar
commonAnnotations:
  baseAnno: This is a base annotation
resources:
- deployment/deployment.yaml
- service/service.yaml
`),
      'base/service/service.yaml': `
apiVersion: v1
kind: Service
metadata:
  name: mungebot-service
  labels:
    app: mungebot
spec:
  ports:
    - port: 7002
  selector:
    app: mungebot
`,
      'base/deployment/deployment.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: mungebot
  labels:
    app: mungebot
spec:
  replicas: 1
  template:
    metadata:
      labels:
        app: mungebot
    spec:
      containers:
      - name: nginx
        image: nginx
        env:
        - name: foo
          value: bar
        ports:
        - containerPort: 80
`,
    };
    assert.deepEqual(run(files, 'base'), expected(`
apiVersion: apps/v1
kind: Deployment
metadata:
  annotations:
    baseAnno: This is a base annotation
  labels:
    app: mungebot
    foo: bar
  name: baseprefix-mungebot
spec:
  replicas: 1
  selector:
    matchLabels:
      foo: bar
  template:
    metadata:
      annotations:
        baseAnno: This is a base annotation
      labels:
        app: mungebot
        foo: bar
    spec:
      containers:
      - env:
        - name: foo
          value: bar
        image: nginx
        name: nginx
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  annotations:
    baseAnno: This is a base annotation
  labels:
    app: mungebot
    foo: bar
  name: baseprefix-mungebot-service
spec:
  ports:
  - port: 7002
  selector:
    app: mungebot
    foo: bar
`));
  });

  test('TestKustomizationLabels (inlinelabels_test.go): `labels` without selectors, with includeSelectors, with own fields', () => {
    const files: Files = {
      ...k('app', `
resources:
- deployment.yaml

labels:
- pairs:
    foo: bar
- pairs:
    a: b
  includeSelectors: true
- pairs:
    c: d
  fields:
  - path: spec/selector
    group: example.dev
    version: v1
    kind: MyCRD
    create: true
`),
      'app/deployment.yaml': `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-deployment
spec:
  template:
    spec:
      containers:
      - name: my-deployment
        livenessProbe:
          httpGet:
            path: /healthz
            port: 8080
---
apiVersion: example.dev/v1
kind: MyCRD
metadata:
  name: crd
`,
    };
    assert.deepEqual(run(files, 'app'), expected(`
apiVersion: apps/v1
kind: Deployment
metadata:
  labels:
    a: b
    c: d
    foo: bar
  name: my-deployment
spec:
  selector:
    matchLabels:
      a: b
  template:
    metadata:
      labels:
        a: b
    spec:
      containers:
      - livenessProbe:
          httpGet:
            path: /healthz
            port: 8080
        name: my-deployment
---
apiVersion: example.dev/v1
kind: MyCRD
metadata:
  labels:
    a: b
    c: d
    foo: bar
  name: crd
spec:
  selector:
    c: d
`));
  });

  test('TestNamespaceTransformerWithThreeLevelHierarchy (namespacepropagation_test.go): namespace and prefixes over three levels', () => {
    const files: Files = {
      ...k('base', '\nresources:\n  - configmap.yaml\n'),
      'base/configmap.yaml': '\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: base-config\ndata:\n  key: value\n',
      ...k('mid', '\nresources:\n  - ../base\n\nnamePrefix: mid-\n'),
      ...k('overlay', '\nresources:\n  - ../mid\n\nnamespace: top-ns\nnamePrefix: top-\n'),
    };
    assert.deepEqual(run(files, 'overlay'), expected(`
apiVersion: v1
data:
  key: value
kind: ConfigMap
metadata:
  name: top-mid-base-config
  namespace: top-ns
`));
  });

  test('TestComponent, basic-component (component_test.go): a component\'s resources join, its prefix and replicas apply to all', () => {
    // upstream's base and component also generate a ConfigMap (configMapGenerator), left out here on both sides
    const files: Files = {
      ...k('base', '\nresources:\n- deploy.yaml\n'),
      'base/deploy.yaml': '\napiVersion: v1\nkind: Deployment\nmetadata:\n  name: storefront\nspec:\n  replicas: 1\n',
      'comp/kustomization.yaml': '\napiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nnamePrefix: comp-\nreplicas:\n- name: storefront\n  count: 3\nresources:\n- stub.yaml\n',
      'comp/stub.yaml': '\napiVersion: v1\nkind: Deployment\nmetadata:\n  name: stub\nspec:\n  replicas: 1\n',
      ...k('prod', '\nresources:\n- ../base\n- db\n\ncomponents:\n- ../comp\n'),
      'prod/db': '\napiVersion: v1\nkind: Deployment\nmetadata:\n  name: db\nspec:\n  type: Logical\n',
    };
    assert.deepEqual(run(files, 'prod'), expected(`
apiVersion: v1
kind: Deployment
metadata:
  name: comp-storefront
spec:
  replicas: 3
---
apiVersion: v1
kind: Deployment
metadata:
  name: comp-db
spec:
  type: Logical
---
apiVersion: v1
kind: Deployment
metadata:
  name: comp-stub
spec:
  replicas: 1
`));
  });

  test('TestVarRefBig (variableref_test.go), its Services and StatefulSet: serviceName follows the renamed Service', () => {
    // upstream's base holds more objects and vars; the Services and the StatefulSet are transcribed, ports literal
    const files: Files = {
      ...k('base', '\nnamePrefix: base-\nresources:\n- services.yaml\n- statefulset.yaml\n'),
      'base/services.yaml': `
apiVersion: v1
kind: Service
metadata:
  name: cockroachdb
  labels:
    app: cockroachdb
spec:
  ports:
  - port: 26257
    targetPort: 26257
    name: grpc
  clusterIP: None
  selector:
    app: cockroachdb
---
apiVersion: v1
kind: Service
metadata:
  name: cockroachdb-public
  labels:
    app: cockroachdb
spec:
  ports:
  - port: 26257
    targetPort: 26257
    name: grpc
  selector:
    app: cockroachdb
`,
      'base/statefulset.yaml': `
apiVersion: apps/v1beta1
kind: StatefulSet
metadata:
  name: cockroachdb
spec:
  serviceName: "cockroachdb"
  replicas: 3
`,
      ...k('overlay/staging', '\nnamePrefix: dev-\nresources:\n- ../../base\n'),
    };
    const out = run(files, 'overlay/staging') as { metadata: { name: string }; spec: { serviceName?: string } }[];
    assert.deepEqual(out.map((o) => o.metadata.name), ['dev-base-cockroachdb', 'dev-base-cockroachdb-public', 'dev-base-cockroachdb']);
    assert.equal(out[2].spec.serviceName, 'dev-base-cockroachdb');
  });

  test('TestComplexComposition_Dev_Failure (complexcomposition_test.go): one base reached twice adds an object twice', () => {
    const sts = '\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: my-sts\nspec:\n  serviceName: my-svc\n';
    const files: Files = {
      ...k('base', '\nresources:\n- statefulset.yaml\n'),
      'base/statefulset.yaml': sts,
      ...k('storage', '\nresources:\n- ../base\n'),
      ...k('config', '\nresources:\n- ../base\n'),
      ...k('dev', '\nresources:\n- ../storage\n- ../config\n'),
    };
    assert.match(buildOf(files, 'dev').error?.message ?? '', /already registered id/);
  });
});
