import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import {
  SCHEMA_SOURCE,
  describeField,
  fieldsOf,
  resolvePath,
  rootKinds,
  rootType,
  suggestField,
  typeInfo,
  typeName,
} from '../../../server/src/engine/k8s/schema';
import { closest, editDistance } from '../../../server/src/engine/util/edit-distance';

/** Property names of `interfaceName` as declared in node_modules/kubernetes-types/<mod>.d.ts (independent oracle). */
const parsed = new Map<string, ts.SourceFile>();
function declaredFields(mod: string, interfaceName: string): string[] {
  const file = require.resolve(`kubernetes-types/${mod}.d.ts`);
  let sf = parsed.get(file);
  if (sf === undefined) {
    sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    parsed.set(file, sf);
  }
  for (const st of sf.statements) {
    if (ts.isInterfaceDeclaration(st) && st.name.text === interfaceName) {
      return st.members.map((m) => (m.name as ts.Identifier).text).sort();
    }
  }
  throw new Error(`${interfaceName} not found in ${file}`);
}

const kubernetesTypesVersion: string = JSON.parse(
  readFileSync(path.join(path.dirname(require.resolve('kubernetes-types/package.json')), 'package.json'), 'utf8'),
).version;

suite('k8s schema: source and roots', () => {
  test('records the kubernetes-types version it was generated from', () => {
    assert.equal(SCHEMA_SOURCE, `kubernetes-types@${kubernetesTypesVersion}`);
  });

  test('has the Service root and the workload roots', () => {
    assert.equal(rootType('Service'), 'core.v1.Service');
    assert.equal(rootType('Pod'), 'core.v1.Pod');
    assert.equal(rootType('Deployment'), 'apps.v1.Deployment');
    assert.equal(rootType('StatefulSet'), 'apps.v1.StatefulSet');
    assert.equal(rootType('DaemonSet'), 'apps.v1.DaemonSet');
    assert.equal(rootType('ReplicaSet'), 'apps.v1.ReplicaSet');
    assert.equal(rootType('Job'), 'batch.v1.Job');
    assert.equal(rootType('CronJob'), 'batch.v1.CronJob');
    assert.deepEqual([...rootKinds()].sort(), [
      'CronJob',
      'DaemonSet',
      'Deployment',
      'Job',
      'Pod',
      'ReplicaSet',
      'Service',
      'StatefulSet',
    ]);
  });

  test('unknown kinds, wrong case and prototype keys are not roots', () => {
    assert.equal(rootType('service'), undefined);
    assert.equal(rootType('Ingress'), undefined);
    assert.equal(rootType('constructor'), undefined);
    assert.equal(rootType('__proto__'), undefined);
    assert.equal(resolvePath('Ingress', ['spec']), undefined);
  });

  test('every root has apiVersion, kind and metadata', () => {
    for (const kind of rootKinds()) {
      const fields = fieldsOf(rootType(kind)!);
      assert.deepEqual(fields.get('apiVersion')?.type, { kind: 'string' }, kind);
      assert.deepEqual(fields.get('kind')?.type, { kind: 'string' }, kind);
      assert.deepEqual(fields.get('metadata')?.type, { kind: 'object', ref: 'meta.v1.ObjectMeta' }, kind);
    }
  });

  test('every object reference points at a generated type', () => {
    const seen = new Set<string>();
    const visit = (ref: string): void => {
      if (seen.has(ref)) return;
      seen.add(ref);
      assert.ok(typeInfo(ref), `missing type ${ref}`);
      for (const f of fieldsOf(ref).values()) {
        let t = f.type;
        while (t.kind === 'array' || t.kind === 'map') t = t.kind === 'array' ? t.items : t.values;
        if (t.kind === 'object') visit(t.ref);
      }
    };
    for (const kind of rootKinds()) visit(rootType(kind)!);
    assert.ok(seen.has('core.v1.ServicePort'));
    assert.ok(seen.has('core.v1.PodSpec'));
  });
});

suite('k8s schema: Service tree matches kubernetes-types', () => {
  test('Service has exactly the declared fields', () => {
    assert.deepEqual([...fieldsOf('core.v1.Service').keys()].sort(), declaredFields('core/v1', 'Service'));
    assert.deepEqual([...fieldsOf('core.v1.Service').keys()].sort(), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
  });

  test('ServiceSpec has exactly the declared fields', () => {
    const fields = [...fieldsOf('core.v1.ServiceSpec').keys()].sort();
    assert.deepEqual(fields, declaredFields('core/v1', 'ServiceSpec'));
    for (const name of [
      'ports',
      'selector',
      'type',
      'clusterIP',
      'clusterIPs',
      'externalTrafficPolicy',
      'healthCheckNodePort',
      'loadBalancerSourceRanges',
      'allocateLoadBalancerNodePorts',
      'loadBalancerClass',
      'internalTrafficPolicy',
      'ipFamilies',
      'ipFamilyPolicy',
      'sessionAffinity',
      'sessionAffinityConfig',
      'trafficDistribution',
      'publishNotReadyAddresses',
      'externalIPs',
      'externalName',
      'loadBalancerIP',
    ]) {
      assert.ok(fields.includes(name), `ServiceSpec.${name}`);
    }
    assert.equal(fields.length, 20);
  });

  test('ServiceSpec field types', () => {
    const f = fieldsOf('core.v1.ServiceSpec');
    assert.deepEqual(f.get('ports')?.type, { kind: 'array', items: { kind: 'object', ref: 'core.v1.ServicePort' } });
    assert.deepEqual(f.get('selector')?.type, { kind: 'map', values: { kind: 'string' } });
    assert.deepEqual(f.get('type')?.type, { kind: 'string' });
    assert.deepEqual(f.get('clusterIP')?.type, { kind: 'string' });
    assert.deepEqual(f.get('clusterIPs')?.type, { kind: 'array', items: { kind: 'string' } });
    assert.deepEqual(f.get('externalIPs')?.type, { kind: 'array', items: { kind: 'string' } });
    assert.deepEqual(f.get('loadBalancerSourceRanges')?.type, { kind: 'array', items: { kind: 'string' } });
    assert.deepEqual(f.get('ipFamilies')?.type, { kind: 'array', items: { kind: 'string' } });
    assert.deepEqual(f.get('healthCheckNodePort')?.type, { kind: 'integer' });
    assert.deepEqual(f.get('allocateLoadBalancerNodePorts')?.type, { kind: 'boolean' });
    assert.deepEqual(f.get('publishNotReadyAddresses')?.type, { kind: 'boolean' });
    assert.deepEqual(f.get('sessionAffinityConfig')?.type, { kind: 'object', ref: 'core.v1.SessionAffinityConfig' });
    for (const field of f.values()) assert.equal(field.required, false, `ServiceSpec.${field.name} is optional`);
  });

  test('ServicePort fields, types and required flags', () => {
    const f = fieldsOf('core.v1.ServicePort');
    assert.deepEqual([...f.keys()].sort(), declaredFields('core/v1', 'ServicePort'));
    assert.deepEqual([...f.keys()].sort(), ['appProtocol', 'name', 'nodePort', 'port', 'protocol', 'targetPort']);
    assert.deepEqual(f.get('name')?.type, { kind: 'string' });
    assert.deepEqual(f.get('port')?.type, { kind: 'integer' });
    assert.deepEqual(f.get('targetPort')?.type, { kind: 'int-or-string' });
    assert.deepEqual(f.get('nodePort')?.type, { kind: 'integer' });
    assert.deepEqual(f.get('protocol')?.type, { kind: 'string' });
    assert.deepEqual(f.get('appProtocol')?.type, { kind: 'string' });
    assert.equal(f.get('port')?.required, true);
    assert.equal(f.get('targetPort')?.required, false);
    assert.equal(f.get('nodePort')?.required, false);
  });

  test('session affinity and status subtrees', () => {
    assert.deepEqual(resolvePath('Service', ['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'])?.type, {
      kind: 'integer',
    });
    assert.deepEqual(resolvePath('Service', ['status', 'loadBalancer', 'ingress', 0, 'ip'])?.type, { kind: 'string' });
    assert.deepEqual(resolvePath('Service', ['status', 'loadBalancer', 'ingress', 0, 'ports', 0, 'port'])?.type, {
      kind: 'integer',
    });
    assert.deepEqual(resolvePath('Service', ['status', 'conditions', 0, 'lastTransitionTime'])?.type, { kind: 'time' });
  });

  test('ObjectMeta: annotations and labels are string maps, timestamps are times, fieldsV1 is any', () => {
    const stringMap = { kind: 'map', values: { kind: 'string' } };
    assert.deepEqual(resolvePath('Service', ['metadata', 'annotations'])?.type, stringMap);
    assert.deepEqual(resolvePath('Service', ['metadata', 'labels'])?.type, stringMap);
    assert.deepEqual(resolvePath('Service', ['metadata', 'creationTimestamp'])?.type, { kind: 'time' });
    assert.deepEqual(resolvePath('Service', ['metadata', 'managedFields', 0, 'fieldsV1'])?.type, { kind: 'any' });
    assert.deepEqual(resolvePath('Service', ['metadata', 'generation'])?.type, { kind: 'integer' });
    assert.deepEqual(fieldsOf('meta.v1.ObjectMeta').get('name')?.type, { kind: 'string' });
  });

  test('workload aliases: Quantity, IntOrString', () => {
    const container = ['spec', 'template', 'spec', 'containers', 0];
    assert.deepEqual(resolvePath('Deployment', [...container, 'resources', 'limits'])?.type, {
      kind: 'map',
      values: { kind: 'quantity' },
    });
    assert.deepEqual(resolvePath('Deployment', [...container, 'resources', 'limits', 'cpu'])?.type, { kind: 'quantity' });
    assert.deepEqual(resolvePath('Deployment', [...container, 'ports', 0, 'containerPort'])?.type, { kind: 'integer' });
    assert.deepEqual(resolvePath('Deployment', [...container, 'livenessProbe', 'httpGet', 'port'])?.type, {
      kind: 'int-or-string',
    });
    assert.deepEqual(resolvePath('Deployment', ['spec', 'strategy', 'rollingUpdate', 'maxSurge'])?.type, {
      kind: 'int-or-string',
    });
    assert.deepEqual(resolvePath('CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image'])?.type, {
      kind: 'string',
    });
    assert.deepEqual(resolvePath('Pod', ['spec', 'securityContext', 'supplementalGroups'])?.type, {
      kind: 'array',
      items: { kind: 'integer' },
    });
  });
});

suite('k8s schema: resolvePath', () => {
  test('spec.ports[0].targetPort is int-or-string and carries the field', () => {
    const r = resolvePath('Service', ['spec', 'ports', 0, 'targetPort']);
    assert.ok(r);
    assert.deepEqual(r.type, { kind: 'int-or-string' });
    assert.equal(r.field?.name, 'targetPort');
    assert.match(r.field?.description ?? '', /^Number or name of the port to access on the pods targeted by the service\./);
  });

  test('empty path is the root object', () => {
    assert.deepEqual(resolvePath('Service', []), { type: { kind: 'object', ref: 'core.v1.Service' } });
  });

  test('array index and map key steps have no field', () => {
    const port = resolvePath('Service', ['spec', 'ports', 3]);
    assert.deepEqual(port, { type: { kind: 'object', ref: 'core.v1.ServicePort' } });
    assert.deepEqual(resolvePath('Service', ['spec', 'selector', 'app.kubernetes.io/name']), { type: { kind: 'string' } });
    assert.deepEqual(resolvePath('Service', ['metadata', 'annotations', 'anything']), { type: { kind: 'string' } });
    assert.equal(resolvePath('Service', ['spec', 'ports'])?.field?.name, 'ports');
  });

  test('any stays any below it', () => {
    assert.deepEqual(resolvePath('Service', ['metadata', 'managedFields', 0, 'fieldsV1', 'f:spec', 'f:ports']), {
      type: { kind: 'any' },
    });
  });

  test('unknown fields resolve to undefined', () => {
    assert.equal(resolvePath('Service', ['spec', 'poarts']), undefined);
    assert.equal(resolvePath('Service', ['spec', 'ports', 0, 'targetport']), undefined); // case matters
    assert.equal(resolvePath('Service', ['sepc']), undefined);
    assert.equal(resolvePath('Service', ['spec', 'constructor']), undefined);
    assert.equal(resolvePath('Service', ['spec', '__proto__']), undefined);
  });

  test('near misses: fields that exist elsewhere in the tree are not accepted here', () => {
    assert.ok(resolvePath('Service', ['status']));
    assert.equal(resolvePath('Service', ['spec', 'status']), undefined);
    assert.ok(resolvePath('Service', ['spec', 'ports', 0, 'port']));
    assert.equal(resolvePath('Service', ['spec', 'port']), undefined);
    assert.equal(resolvePath('Service', ['ports']), undefined);
    assert.equal(resolvePath('Service', ['spec', 'ports', 0, 'containerPort']), undefined);
    assert.ok(resolvePath('Pod', ['spec', 'containers', 0, 'ports', 0, 'containerPort']));
    assert.equal(resolvePath('Service', ['spec', 'replicas']), undefined);
    assert.ok(resolvePath('Deployment', ['spec', 'replicas']));
    assert.ok(resolvePath('Service', ['metadata', 'labels']));
    assert.equal(resolvePath('Service', ['spec', 'labels']), undefined);
  });

  test('steps of the wrong shape resolve to undefined', () => {
    assert.equal(resolvePath('Service', ['spec', 'ports', 'http']), undefined); // string into array
    assert.equal(resolvePath('Service', ['spec', 'ports', -1]), undefined);
    assert.equal(resolvePath('Service', ['spec', 'ports', 0.5]), undefined);
    assert.equal(resolvePath('Service', ['spec', 0]), undefined); // number into object
    assert.equal(resolvePath('Service', ['spec', 'selector', 0]), undefined); // number into map
    assert.equal(resolvePath('Service', ['spec', 'type', 'x']), undefined); // into a scalar
    assert.equal(resolvePath('Service', ['spec', 'ports', 0, 'targetPort', 0]), undefined);
    assert.equal(resolvePath('Service', ['spec', 'selector', 'app', 'x']), undefined);
  });
});

suite('k8s schema: documentation', () => {
  test('describeField returns the API doc text with the type', () => {
    const doc = describeField('Service', ['spec', 'ports']);
    assert.ok(doc);
    assert.match(doc, /^\*\*ports\*\* `\[\]ServicePort`\n\n/);
    assert.ok(doc.includes('The list of ports that are exposed by this service.'));

    assert.match(describeField('Service', ['spec', 'selector']) ?? '', /^\*\*selector\*\* `map\[string\]string`\n\nRoute service traffic to pods/);
    assert.match(describeField('Service', ['spec', 'ports', 0, 'nodePort']) ?? '', /^\*\*nodePort\*\* `integer`\n\nThe port on each node/);
    assert.match(describeField('Service', ['spec', 'ports', 0, 'targetPort']) ?? '', /^\*\*targetPort\*\* `IntOrString`\n\n/);
    assert.equal(describeField('Service', ['spec', 'ports', 0, 'port']), '**port** `integer` (required)\n\nThe port that will be exposed by this service.');
    assert.match(describeField('Service', ['spec', 'type']) ?? '', /Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer\./);
  });

  test('multi-paragraph docs keep their paragraphs and list indentation', () => {
    const doc = describeField('Service', ['spec', 'ports', 0, 'appProtocol']) ?? '';
    assert.ok(doc.includes("Valid values are either:\n\n* Un-prefixed protocol names"), doc);
    assert.ok(doc.includes("\n  * 'kubernetes.io/h2c' - HTTP/2"), doc);
    assert.ok(!doc.includes('/**') && !doc.includes('*/'));
  });

  test('object-typed positions describe the type; scalars inside collections have no doc', () => {
    assert.equal(describeField('Service', ['spec', 'ports', 0]), "**ServicePort**\n\nServicePort contains information on service's port.");
    assert.match(describeField('Service', []) ?? '', /^\*\*Service\*\*\n\nService is a named abstraction of software service/);
    assert.equal(describeField('Service', ['spec', 'selector', 'app']), undefined);
    assert.equal(describeField('Service', ['spec', 'status']), undefined);
    assert.equal(describeField('Service', ['spec', 'poarts']), undefined);
  });

  test('angle brackets are escaped for markdown, code spans are left alone', () => {
    const doc = describeField('Pod', ['spec', 'subdomain']) ?? '';
    assert.ok(doc.includes('\\<hostname\\>.\\<subdomain\\>'), doc);
    const env = describeField('Pod', ['spec', 'containers', 0, 'env', 0, 'valueFrom', 'fieldRef']) ?? '';
    assert.ok(env.includes("`metadata.labels['<KEY>']`"), env);
  });

  test('typeName uses kubectl explain wording', () => {
    assert.equal(typeName({ kind: 'array', items: { kind: 'object', ref: 'core.v1.ServicePort' } }), '[]ServicePort');
    assert.equal(typeName({ kind: 'map', values: { kind: 'string' } }), 'map[string]string');
    assert.equal(typeName({ kind: 'map', values: { kind: 'quantity' } }), 'map[string]Quantity');
    assert.equal(typeName({ kind: 'integer' }), 'integer');
    assert.equal(typeName({ kind: 'int-or-string' }), 'IntOrString');
    assert.equal(typeName({ kind: 'time' }), 'Time');
    assert.equal(typeName({ kind: 'any' }), 'Object');
  });

  test('schema objects are frozen', () => {
    const f = fieldsOf('core.v1.ServicePort').get('port')!;
    assert.ok(Object.isFrozen(f));
    assert.ok(Object.isFrozen(f.type));
    assert.throws(() => {
      (f as { required: boolean }).required = false;
    }, TypeError);
  });

  test('unknown refs', () => {
    assert.equal(typeInfo('core.v1.Nope'), undefined);
    assert.equal(fieldsOf('core.v1.Nope').size, 0);
    assert.equal(typeInfo('core.v1.ServicePort')?.name, 'ServicePort');
  });
});

suite('k8s schema: suggestField', () => {
  const specFields = () => fieldsOf('core.v1.ServiceSpec').keys();
  const portFields = () => fieldsOf('core.v1.ServicePort').keys();

  test('suggests near misses', () => {
    assert.equal(suggestField(specFields(), 'poarts'), 'ports');
    assert.equal(suggestField(specFields(), 'slector'), 'selector');
    assert.equal(suggestField(specFields(), 'selectr'), 'selector');
    assert.equal(suggestField(specFields(), 'clusterIp'), 'clusterIP');
    assert.equal(suggestField(specFields(), 'externalTraficPolicy'), 'externalTrafficPolicy');
    assert.equal(suggestField(specFields(), 'ipFamilly'), 'ipFamilies');
    assert.equal(suggestField(portFields(), 'targetport'), 'targetPort');
    assert.equal(suggestField(portFields(), 'TARGETPORT'), 'targetPort');
    assert.equal(suggestField(portFields(), 'protcol'), 'protocol');
    assert.equal(suggestField(portFields(), 'prot'), 'port'); // transposition counts as one edit
    assert.equal(suggestField(portFields(), 'nodeport'), 'nodePort');
  });

  test('refuses far words and known names', () => {
    assert.equal(suggestField(specFields(), 'replicas'), undefined);
    assert.equal(suggestField(specFields(), 'xyzzy'), undefined);
    assert.equal(suggestField(portFields(), 'containerPort'), undefined);
    assert.equal(suggestField(portFields(), 'foo'), undefined);
    assert.equal(suggestField(portFields(), 'x'), undefined);
    assert.equal(suggestField(portFields(), ''), undefined);
    assert.equal(suggestField(portFields(), 'port'), undefined); // not unknown
    assert.equal(suggestField([], 'port'), undefined);
  });

  test('the distance bound is max(2, floor(len/3))', () => {
    // 9 letters -> bound 3
    assert.equal(suggestField(['abcdefghi'], 'abcxyzghi'), 'abcdefghi');
    assert.equal(suggestField(['abcdefghi'], 'abwxyzghi'), undefined);
    // 5 letters -> bound 2
    assert.equal(suggestField(['abcde'], 'abxye'), 'abcde');
    assert.equal(suggestField(['abcde'], 'axyze'), undefined);
  });
});

suite('edit distance', () => {
  test('Damerau-Levenshtein basics', () => {
    assert.equal(editDistance('', ''), 0);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('abc', ''), 3);
    assert.equal(editDistance('ports', 'ports'), 0);
    assert.equal(editDistance('poarts', 'ports'), 1);
    assert.equal(editDistance('slector', 'selector'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(editDistance('prot', 'port'), 1);
    assert.equal(editDistance('ab', 'ba'), 1);
    // unrestricted Damerau-Levenshtein (optimal string alignment would give 3)
    assert.equal(editDistance('ca', 'abc'), 2);
    assert.equal(editDistance('Port', 'port'), 1);
    assert.equal(editDistance('tcp', 'TCP'), 3);
  });

  test('is symmetric', () => {
    for (const [a, b] of [
      ['selector', 'slecetor'],
      ['targetPort', 'tragetProt'],
      ['abcdef', 'badcfe'],
    ] as const) {
      assert.equal(editDistance(a, b), editDistance(b, a));
    }
  });

  test('counts code points', () => {
    assert.equal(editDistance('😀a', 'a😀'), 1);
    assert.equal(editDistance('😀', '😃'), 1);
  });

  test('closest', () => {
    assert.equal(closest(['TCP', 'UDP', 'SCTP'], 'tcp'), 'TCP');
    assert.equal(closest(['TCP', 'UDP', 'SCTP'], 'TPC'), 'TCP');
    assert.equal(closest(['TCP', 'UDP', 'SCTP'], 'SCPT'), 'SCTP');
    assert.equal(closest(['TCP', 'UDP', 'SCTP'], 'QUIC'), undefined);
    assert.equal(closest(['Port', 'port'], 'port'), 'port'); // exact case wins
    assert.equal(closest(['PORT', 'Port'], 'port'), 'PORT'); // first case-insensitive match
    assert.equal(closest(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'], 'Nodeport'), 'NodePort');
    assert.equal(closest(['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'], 'LoadBalancr'), 'LoadBalancer');
    assert.equal(closest(['abcd'], 'abxy', 1), undefined); // explicit bound
    assert.equal(closest(['abcd'], 'abxy', 2), 'abcd');
  });

  test('closest skips candidates whose length alone puts them too far: the same answers as comparing every one', () => {
    // the distance is at least the difference of the lengths; a 1 MB unknown key is never compared letter by letter
    const everyOne = (candidates: string[], word: string): string | undefined => {
      const limit = Math.max(2, Math.floor(Array.from(word).length / 3));
      const exact = candidates.find((c) => c === word) ?? candidates.find((c) => c.toLowerCase() === word.toLowerCase());
      if (exact !== undefined) return exact;
      let best: string | undefined;
      let bestD = Infinity;
      let bestE = Infinity;
      for (const c of candidates) {
        const d = editDistance(word.toLowerCase(), c.toLowerCase());
        if (d > limit || d >= Array.from(word).length || d > bestD) continue;
        const e = editDistance(word, c);
        if (d < bestD || e < bestE) { best = c; bestD = d; bestE = e; }
      }
      return best;
    };
    const letters = fc.stringMatching(/^[a-cA-C😀]{0,9}$/);
    fc.assert(fc.property(fc.array(letters, { maxLength: 6 }), letters, (candidates, word) => {
      assert.equal(closest(candidates, word), everyOne(candidates, word));
    }), { seed: 20261129, numRuns: 2000 });
    assert.equal(closest(['ports', 'selector', 'type'], 'k'.repeat(1 << 20)), undefined);
    assert.equal(closest(['selector'], 'selectorrr'), 'selector');
  });

  test('closest breaks ties by case-sensitive distance, then by order', () => {
    assert.equal(closest(['cat', 'bat'], 'hat'), 'cat');
    assert.equal(closest(['bat', 'cat'], 'hat'), 'bat');
    assert.equal(closest(['xA', 'xa'], 'ya'), 'xa');
  });
});
