/**
 * `unknown-field` (docs/rules.md): every key of a Service is checked against the Kubernetes API schema (generated
 * from kubernetes-types). Keys under an unknown key are not checked; map-typed fields (labels, selector,
 * annotations) take any key.
 */
import { finding } from '../findings/finding';
import type { YNode } from '../parse/yaml';
import { fieldsOf, rootType, suggestField, type TypeRef } from '../k8s/schema';
import type { ServiceModel } from '../k8s/service';
import type { CheckContext } from './context';

export function checkUnknownFields(svc: ServiceModel, ctx: CheckContext): void {
  const root = rootType('Service');
  if (!root) return;
  const visited = new Set<YNode>();
  const walk = (node: YNode | null, type: TypeRef, where: string) => {
    if (!node || visited.has(node)) return; // aliases share nodes: check each once
    visited.add(node);
    switch (type.kind) {
      case 'object': {
        if (node.kind !== 'map') return;
        const fields = fieldsOf(type.ref);
        for (const pair of node.pairs) {
          if (pair.key.template) continue;
          const field = fields.get(pair.name);
          if (!field) {
            const suggestion = suggestField(fields.keys(), pair.name);
            const typeName = type.ref.split('.').pop();
            // renamed to a key the map already has, the file would hold that key twice (which kubectl refuses): no fix
            const taken = suggestion !== undefined && node.pairs.some((q) => q !== pair && q.name === suggestion);
            const hint = !suggestion ? '.' : taken ? `; did you mean "${suggestion}"? (it is set already: merge the two)` : `; did you mean "${suggestion}"?`;
            ctx.report(finding('unknown-field', svc.path, pair.key.span, `Unknown field "${pair.name}" in ${typeName}${where ? ` (${where})` : ''}${hint}`,
              suggestion && !taken ? { fix: { kind: 'replace', span: pair.key.span, text: suggestion } } : {}));
            continue;
          }
          walk(pair.value, field.type, where ? `${where}.${pair.name}` : pair.name);
        }
        return;
      }
      case 'array':
        if (node.kind !== 'seq') return;
        node.items.forEach((item, i) => walk(item, type.items, `${where}[${i}]`));
        return;
      case 'map':
        if (node.kind !== 'map') return;
        for (const pair of node.pairs) walk(pair.value, type.values, `${where}.${pair.name}`);
        return;
      default:
        return;
    }
  };
  walk(svc.object.root, { kind: 'object', ref: root }, '');
}
