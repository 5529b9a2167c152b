/**
 * The extension's package.json contributions, checked against what the client and the server rely on, and
 * against the README's coexistence rule: Service Reach claims no YAML files (no language, no schema, no validation).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  main: string; bin: Record<string, string>; activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations?: string[] }; virtualWorkspaces: unknown };
  contributes: Record<string, unknown> & {
    commands: { command: string }[];
    configuration: { properties: Record<string, { default?: unknown }> };
    grammars: { scopeName: string; path: string; injectTo?: string[]; language?: string }[];
  };
};
const clientSource = fs.readFileSync(path.join(ROOT, 'client/src/extension.ts'), 'utf8');

suite('Extension manifest', () => {
  test('claims no YAML files: no language, no JSON/YAML validation, no schema, an injection grammar only', () => {
    for (const key of ['languages', 'jsonValidation', 'yamlValidation']) assert.ok(!(key in pkg.contributes), key);
    assert.deepEqual(pkg.contributes.grammars.map((g) => [g.scopeName, g.language, g.injectTo]), [['service-reach.injection', undefined, ['source.yaml']]]);
    assert.ok(fs.existsSync(path.join(ROOT, pkg.contributes.grammars[0].path)));
    assert.ok(!/yaml\.schemas|registerContributor/.test(clientSource), 'the client registers no schema with Red Hat YAML');
  });

  test('the commands the client registers and the code actions use are contributed', () => {
    const contributed = pkg.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, ['serviceReach.copyText', 'serviceReach.createConfig', 'serviceReach.restartServer', 'serviceReach.showExposure', 'serviceReach.showOutput']);
    for (const c of contributed) assert.ok(clientSource.includes(`\${ID}.${c.slice('serviceReach.'.length)}`), `${c} is registered by the client`);
    const server = fs.readFileSync(path.join(ROOT, 'server/src/lsp/code-actions.ts'), 'utf8');
    assert.match(server, /COPY_COMMAND = 'serviceReach\.copyText'/);
  });

  test('settings, trust, activation, binaries', () => {
    const props = pkg.contributes.configuration.properties;
    for (const k of ['serviceReach.trace.server', 'serviceReach.maxFileSize', 'serviceReach.configPath', 'serviceReach.codeLens.enable']) assert.ok(k in props, k);
    assert.equal(props['serviceReach.maxFileSize'].default, 4 * 1024 * 1024);
    assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations?.includes('serviceReach.configPath'));
    assert.ok(pkg.activationEvents.includes('onLanguage:yaml'));
    // a workspace with manifests or firewall rules starts the server before a YAML file is opened: its first
    // diagnostics are then ready when one is
    for (const e of ['workspaceContains:**/*.yaml', 'workspaceContains:**/*.tf', 'workspaceContains:**/firewalld/**/*.xml']) assert.ok(pkg.activationEvents.includes(e), e);
    assert.equal(pkg.bin['service-reach-lsp'], 'bin/service-reach-lsp.js');
    assert.equal(pkg.main, './dist/client/extension.js');
    assert.match(clientSource, /isTrusted/);
    assert.match(clientSource, /\{ scheme: 'file', language: 'yaml' \}/);
  });
});
