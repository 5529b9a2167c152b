/**
 * A YAML syntax error is reported once, at its position, and the rest of the file is still analysed (docs/rules.md),
 * and a finding is made only on what the user wrote. What the parser's recovery makes of the collection that
 * holds the error (an item split in two, a key that swallowed its value) gets no finding; the documents around
 * it, and the rest of the same document, are analysed as usual.
 */
import * as assert from 'node:assert/strict';
import { keys, ready } from '../../support/workspace';

const GOOD = `apiVersion: v1
kind: Service
metadata:
  name: good
spec:
  ports:
    - port: 80
      protocol: tcp
`;

suite('checks: a YAML syntax error is reported once', () => {
  suiteSetup(ready);

  test('a mis-indented key in a ports item: the syntax error only, not the item the recovery invented', () => {
    const broken = `apiVersion: v1
kind: Service
metadata:
  name: bad
spec:
  type: Nodeport
  ports:
    - name: http
      port: 80
     targetPort: 8080
`;
    assert.deepEqual(keys({ 'svc.yaml': `${GOOD}---\n${broken}---\n${GOOD.replace('good', 'after')}` }), [
      'svc.yaml:15 invalid-service-type', // the same document, outside the broken ports: analysed
      'svc.yaml:19 yaml-syntax',
      'svc.yaml:28 invalid-protocol',
      'svc.yaml:8 invalid-protocol',
    ]);
  });

  test('a key without its colon: no unknown-field for "targetPort 8080"; other files are analysed', () => {
    const broken = `apiVersion: v1
kind: Service
metadata:
  name: bad
spec:
  ports:
    - port: 80
      targetPort 8080
`;
    assert.deepEqual(keys({ 'a.yaml': broken, 'b.yaml': GOOD }), ['a.yaml:8 yaml-syntax', 'b.yaml:8 invalid-protocol']);
  });
});
