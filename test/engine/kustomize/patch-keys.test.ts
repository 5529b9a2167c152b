/** The strategic-merge keys (k8s/patch-keys.ts) name list fields of the generated schema, and keys their items have. */
import * as assert from 'node:assert/strict';
import { fieldsOf } from '../../../server/src/engine/k8s/schema';
import { patchKeyEntries } from '../../../server/src/engine/k8s/patch-keys';

suite('strategic-merge patch keys', () => {
  test('every entry is a list field of a schema type, and its keys are fields of the items', () => {
    assert.ok(patchKeyEntries().length > 10);
    for (const [at, keys] of patchKeyEntries()) {
      const i = at.lastIndexOf('.');
      const field = fieldsOf(at.slice(0, i)).get(at.slice(i + 1));
      assert.ok(field, `${at}: no such field in the schema`);
      assert.equal(field.type.kind, 'array', `${at}: not a list`);
      const items = field.type.kind === 'array' ? field.type.items : undefined;
      assert.ok(items?.kind === 'object', `${at}: items are not objects`);
      for (const key of keys) assert.ok(fieldsOf(items.ref).has(key), `${at}: the items have no field ${key}`);
    }
  });
});
