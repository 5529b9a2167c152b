/**
 * A variable's value converted to its declared type, as Terraform converts it: primitive conversions, collections
 * element by element, object attributes with `optional()` and its defaults; what cannot convert is unknown, with
 * Terraform's complaint.
 */
import * as assert from 'node:assert/strict';
import { rootModule } from '../../../server/src/engine/terraform/module';
import { plain } from '../../../server/src/engine/terraform/values';
import { ready } from '../../support/workspace';
import { world } from './evaluate-support';

function variable(decl: string, name = 'v'): unknown {
  return plain(rootModule(world({ 'main.tf': decl }), '')!.variable(name));
}

suite('terraform: variable types', () => {
  suiteSetup(ready);

  test('primitive conversions: number from a string, string from a number or bool, bool from a string', () => {
    assert.equal(variable('variable "v" {\n  type    = number\n  default = "8080"\n}\n'), 8080);
    assert.equal(variable('variable "v" {\n  type    = string\n  default = 6\n}\n'), '6');
    assert.equal(variable('variable "v" {\n  type    = string\n  default = true\n}\n'), 'true');
    assert.equal(variable('variable "v" {\n  type    = bool\n  default = "false"\n}\n'), false);
    assert.equal(variable('variable "v" {\n  type    = any\n  default = "8080"\n}\n'), '8080');
    assert.equal(variable('variable "v" {\n  default = "8080"\n}\n'), '8080', 'no type: as written');
  });

  test('what cannot convert is unknown, with the reason', () => {
    assert.equal(variable('variable "v" {\n  type    = number\n  default = "http"\n}\n'), '(unknown: `var.v`: a number is required, not "http")');
    assert.match(String(variable('variable "v" {\n  type    = object({ port = number })\n  default = {}\n}\n')), /attribute "port" is required/);
  });

  test('collections convert element by element; a set is distinct', () => {
    assert.deepEqual(variable('variable "v" {\n  type    = list(number)\n  default = ["80", 443]\n}\n'), [80, 443]);
    assert.deepEqual(variable('variable "v" {\n  type    = set(string)\n  default = ["b", "a", "b"]\n}\n'), ['a', 'b']);
    assert.deepEqual(variable('variable "v" {\n  type    = map(number)\n  default = { http = "80" }\n}\n'), { http: 80 });
    assert.deepEqual(variable('variable "v" {\n  type    = tuple([string, number])\n  default = [1, "2"]\n}\n'), ['1', 2]);
  });

  test('object attributes: optional() is null or its default, converted; attributes the type does not name are dropped', () => {
    const decl = `variable "nsgs" {
  type = map(object({
    create = optional(string, "auto")
    id     = optional(string)
    port   = optional(number, "10256")
  }))
  default = {
    workers = {}
    pub_lb  = { create = "never", port = "30080", extra = 1 }
  }
}
`;
    assert.deepEqual(variable(decl, 'nsgs'), {
      pub_lb: { create: 'never', id: null, port: 30080 },
      workers: { create: 'auto', id: null, port: 10256 },
    });
  });

  test('a module input converts to the called module\'s variable type; the rule reads the converted port', () => {
    const files = {
      'main.tf': 'module "net" {\n  source = "./net"\n  ports  = { health = {}, web = { port = "30080" } }\n}\n',
      'net/main.tf': `variable "ports" {
  type = map(object({ port = optional(number, 10256), cidr = optional(string, "10.0.20.0/24") }))
}

output "rules" {
  value = { for k, v in var.ports : k => v.port + 0 }
}
`,
    };
    const root = rootModule(world(files), '')!;
    assert.deepEqual(plain(root.lookup('module', ['net'], { start: 0, end: 0 }).value), { rules: { health: 10256, web: 30080 } });
  });
});
