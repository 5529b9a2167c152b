/**
 * The Service Reach extension: it starts the language server (dist/server.js, bundled, over IPC) for YAML
 * documents and for the rule sources beside them, and implements the one command the server's code actions
 * use, `serviceReach.copyText` (clipboard + output channel; nothing is ever run). It claims no language, no
 * schema and no validation, so Red Hat YAML keeps YAML files. In an untrusted workspace it offers analysis
 * only: no command actions.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { ExposureViews } from './exposure-view';

const ID = 'serviceReach';
let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
let exposureViews: ExposureViews | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Service Reach', { log: true });
  exposureViews = new ExposureViews(output);
  const views = exposureViews;
  context.subscriptions.push(
    output,
    views,
    // `[uri, { name, namespace } | { offset }]` from the CodeLens; no arguments from the palette
    vscode.commands.registerCommand(`${ID}.showExposure`, (uri?: unknown, service?: unknown) => views.show(uri, service)),
    vscode.commands.registerCommand(`${ID}.copyText`, copyText),
    vscode.commands.registerCommand(`${ID}.restartServer`, () => restart(context)),
    vscode.commands.registerCommand(`${ID}.showOutput`, () => output?.show(true)),
    // trust granted: restart so that the server may offer command actions
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context)),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  const c = client;
  client = undefined;
  exposureViews?.detach();
  if (c) await c.stop();
}

function settings(): Record<string, unknown> {
  // resource-scoped settings (maxFileSize, configPath) are read for the first folder; the server asks per folder too
  const c = vscode.workspace.getConfiguration(ID, vscode.workspace.workspaceFolders?.[0]?.uri);
  return { maxFileSize: c.get('maxFileSize'), configPath: c.get('configPath'), codeLens: { enable: c.get('codeLens.enable') } };
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const module = context.asAbsolutePath('dist/server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const trusted = vscode.workspace.isTrusted;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'yaml' },
      // the rule sources: edits show up before they are saved (on disk, the server's file watchers see them)
      { scheme: 'file', pattern: '**/*.xml' },
      { scheme: 'file', pattern: '**/*.tf' },
      { scheme: 'file', pattern: '**/*.json' },
      { scheme: 'file', pattern: '**/firewalld.conf' },
      // node firewalls: iptables-save files and nftables rulesets (docs/node-firewalls.md)
      { scheme: 'file', pattern: '**/{rules.v4,rules.v6,iptables,ip6tables,iptables.rules,ip6tables.rules,*.iptables,*.ip6tables,*.nft,nftables.conf}' },
      // firewall commands: shell scripts and the templates Terraform renders into user data (docs/firewall-commands.md)
      { scheme: 'file', language: 'shellscript' },
      { scheme: 'file', pattern: '**/*.{sh,bash,tpl,tftpl,tmpl,cfg}' },
    ],
    synchronize: { configurationSection: ID },
    // hovers and completion documentation hold workspace text (escaped by the server): never trusted, so no
    // command: links run and no HTML renders, whatever the markdown says
    markdown: { isTrusted: false, supportHtml: false, supportThemeIcons: false },
    initializationOptions: { trusted, copyCommand: true, exposureView: true, settings: settings() },
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      // analysis only in an untrusted workspace: no action that runs a command
      provideCodeActions: async (document, range, ctx, token, next) => {
        const actions = await next(document, range, ctx, token);
        if (vscode.workspace.isTrusted || !actions) return actions;
        return actions.filter((a) => !(a instanceof vscode.CodeAction ? a.command : true));
      },
      // `${ID}.createConfig` is the server's command (the client registers it from the server's capabilities): from
      // the palette it gets the workspace folder of the active editor, so the config goes where the user works
      executeCommand: (command, args, next) => {
        if (command !== `${ID}.createConfig` || args.length) return next(command, args);
        const active = vscode.window.activeTextEditor?.document.uri;
        const folder = active && vscode.workspace.getWorkspaceFolder(active);
        return next(command, folder ? [folder.uri.toString()] : []);
      },
    },
  };
  client = new LanguageClient(ID, 'Service Reach', serverOptions, clientOptions);
  await client.start();
  exposureViews?.attach(client);
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  await deactivate();
  await start(context);
}

/** `serviceReach.copyText`: the text of a copy-only fix goes to the clipboard and is shown; it is never run. */
async function copyText(text: unknown): Promise<void> {
  if (typeof text !== 'string') return;
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showWarningMessage('Service Reach: copying commands is available in trusted workspaces only.');
    return;
  }
  await vscode.env.clipboard.writeText(text);
  output?.info(`Copied to the clipboard (not run):\n${text}`);
  const show = 'Show';
  const choice = await vscode.window.showInformationMessage('Service Reach: copied to the clipboard. Nothing was run.', show);
  if (choice === show) {
    const doc = await vscode.workspace.openTextDocument({ content: text, language: 'shellscript' });
    await vscode.window.showTextDocument(doc, { preview: true });
  }
}
