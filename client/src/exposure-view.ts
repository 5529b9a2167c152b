/**
 * "Service Reach: Show exposure": a webview per Service with the diagram of its path — clients → load
 * balancer → every node → ClusterIP → pods — drawn by the language server (`serviceReach/exposure`), and its
 * findings with a Fix button each (`serviceReach/fixFinding` → `workspace.applyEdit`; nothing is ever run).
 * The view refreshes when the server says the analysis changed (`serviceReach/analysisChanged`).
 *
 * The page itself is built by exposure-html.ts (strict CSP, nonce'd script and styles, sanitised SVG).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type {
  AnalysisChangedParams, ExposureParams, ExposureResult, ExposureService, FixFindingParams, FixFindingResult, ServiceSelector,
} from '../../server/src/lsp/exposure';
import { exposureHtml, type ViewContent } from './exposure-html';

export const SHOW_EXPOSURE_COMMAND = 'serviceReach.showExposure';
const EXPOSURE_REQUEST = 'serviceReach/exposure';
const FIX_FINDING_REQUEST = 'serviceReach/fixFinding';
const ANALYSIS_CHANGED_NOTIFICATION = 'serviceReach/analysisChanged';
const VIEW_TYPE = 'serviceReach.exposure';

export function makeNonce(): string {
  return randomBytes(24).toString('base64url');
}

function readSelector(v: unknown): ServiceSelector | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.offset === 'number') return { offset: o.offset };
  if ('name' in o && (o.name === null || typeof o.name === 'string')) {
    const namespace = o.namespace === null || typeof o.namespace === 'string' ? o.namespace : undefined;
    return namespace === undefined ? { name: o.name as string | null } : { name: o.name as string | null, namespace };
  }
  return undefined;
}

function selectorOf(s: ExposureService): ServiceSelector {
  return { name: s.name, namespace: s.namespace };
}

function keyOf(uri: string, selector: ServiceSelector): string {
  if ('offset' in selector) return `${uri}#@${selector.offset}`;
  if ('position' in selector) return `${uri}#@${selector.position.line}:${selector.position.character}`;
  return `${uri}#${selector.namespace ?? ''}/${selector.name ?? ''}`;
}

function uriString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof vscode.Uri) return v.toString();
  return undefined;
}

/** The open exposure views, one per Service. */
export class ExposureViews implements vscode.Disposable {
  private readonly panels = new Map<string, ExposurePanel>();
  private client: LanguageClient | undefined;
  private listener: vscode.Disposable | undefined;

  constructor(private readonly log: vscode.LogOutputChannel | undefined) {}

  /** A (re)started language client: listen to it, and redraw what is open. */
  attach(client: LanguageClient): void {
    this.listener?.dispose();
    this.client = client;
    this.listener = client.onNotification(ANALYSIS_CHANGED_NOTIFICATION, (p: AnalysisChangedParams) => this.analysisChanged(p));
    for (const p of this.panels.values()) void p.refresh();
  }

  detach(): void {
    this.listener?.dispose();
    this.listener = undefined;
    this.client = undefined;
  }

  dispose(): void {
    this.detach();
    for (const p of [...this.panels.values()]) p.dispose();
  }

  async request<R>(method: string, params: unknown): Promise<R | undefined> {
    const c = this.client;
    if (!c || !c.isRunning()) return undefined;
    return (await c.sendRequest(method, params)) as R;
  }

  get converter(): LanguageClient['protocol2CodeConverter'] | undefined {
    return this.client?.protocol2CodeConverter;
  }

  error(what: string, err: unknown): void {
    this.log?.error(`exposure view: ${what}: ${(err as Error)?.stack ?? String(err)}`);
  }

  private analysisChanged(_p: AnalysisChangedParams): void {
    // (a view shows one folder's analysis; refreshing every open view is cheap: the result is compared first)
    for (const p of this.panels.values()) void p.refresh();
  }

  forget(key: string, panel: ExposurePanel): void {
    if (this.panels.get(key) === panel) this.panels.delete(key);
  }

  /**
   * `serviceReach.showExposure [uri, service]`: the CodeLens passes the file and `{ name, namespace }` (or
   * `{ offset }`); from the palette: the Service under the cursor, else a pick among the workspace's Services.
   */
  async show(uriArg?: unknown, selectorArg?: unknown): Promise<void> {
    if (!this.client) {
      void vscode.window.showWarningMessage('Service Reach: the language server is not running.');
      return;
    }
    const uri = uriString(uriArg);
    const selector = readSelector(selectorArg);
    if (uri && selector) {
      await this.open(uri, selector);
      return;
    }
    const editor = vscode.window.activeTextEditor;
    const doc = uri ? undefined : editor?.document;
    let known: ExposureResult | null | undefined;
    if (uri || (doc && doc.uri.scheme === 'file')) {
      const params: ExposureParams = uri ? { uri } : { uri: doc!.uri.toString(), service: { offset: doc!.offsetAt(editor!.selection.active) } };
      known = await this.request<ExposureResult | null>(EXPOSURE_REQUEST, params);
      if (known?.service) {
        await this.open(known.service.uri, selectorOf(known.service), known);
        return;
      }
    }
    const services = known?.services.length ? known.services : await this.allServices();
    if (services.length === 0) {
      void vscode.window.showInformationMessage('Service Reach: no Kubernetes Service in this workspace.');
      return;
    }
    const active = doc?.uri.toString() ?? uri;
    const items = services
      .map((s) => ({
        label: s.display,
        description: s.type ?? 'type unknown',
        detail: `${vscode.workspace.asRelativePath(vscode.Uri.parse(s.uri))}:${s.range.start.line + 1}`,
        service: s,
      }))
      .sort((a, b) => Number(b.service.uri === active) - Number(a.service.uri === active));
    const picked = await vscode.window.showQuickPick(items, { title: 'Service Reach: Show exposure', placeHolder: 'Which Service?', matchOnDescription: true, matchOnDetail: true });
    if (picked) await this.open(picked.service.uri, selectorOf(picked.service));
  }

  private async allServices(): Promise<ExposureService[]> {
    const out: ExposureService[] = [];
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      if (f.uri.scheme !== 'file') continue;
      const r = await this.request<ExposureResult | null>(EXPOSURE_REQUEST, { uri: f.uri.toString() } satisfies ExposureParams);
      for (const s of r?.services ?? []) if (!out.some((x) => x.uri === s.uri && x.range.start.line === s.range.start.line)) out.push(s);
    }
    return out;
  }

  private async open(uri: string, selector: ServiceSelector, initial?: ExposureResult): Promise<void> {
    const key = keyOf(uri, selector);
    let panel = this.panels.get(key);
    if (panel) {
      panel.reveal();
    } else {
      panel = new ExposurePanel(this, key, uri, selector);
      this.panels.set(key, panel);
    }
    if (initial) panel.show(initial);
    else await panel.refresh();
  }
}

class ExposurePanel {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private last: ExposureResult | null = null;
  private shown: string | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private disposed = false;

  constructor(private readonly views: ExposureViews, private readonly key: string, private readonly uri: string, private readonly selector: ServiceSelector) {
    this.panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Exposure', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [],
    });
    this.disposables.push(
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.webview.onDidReceiveMessage((m: unknown) => { void this.message(m); }),
    );
  }

  reveal(): void {
    this.panel.reveal(undefined, true);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.views.forget(this.key, this);
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }

  /** Ask the server again (coalesced: one request at a time, one more if something changed meanwhile). */
  refresh(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    this.inFlight = (async () => {
      do {
        this.again = false;
        try {
          const r = await this.views.request<ExposureResult | null>(EXPOSURE_REQUEST, { uri: this.uri, service: this.selector } satisfies ExposureParams);
          if (this.disposed) return;
          if (r !== undefined) this.show(r);
        } catch (err) {
          this.views.error('refresh', err);
        }
      } while (this.again && !this.disposed);
    })().finally(() => { this.inFlight = undefined; });
    return this.inFlight;
  }

  show(r: ExposureResult | null): void {
    if (this.disposed) return;
    this.last = r;
    const content = this.content(r);
    const signature = JSON.stringify(content);
    if (signature === this.shown) return; // nothing changed: keep the page (and its scroll position, focus)
    this.shown = signature;
    this.panel.title = content.title;
    this.panel.webview.html = exposureHtml(content, { cspSource: this.panel.webview.cspSource, nonce: makeNonce() });
  }

  private content(r: ExposureResult | null): ViewContent {
    const name = 'offset' in this.selector || 'position' in this.selector
      ? 'this Service'
      : `${this.selector.namespace ?? '?'}/${this.selector.name ?? '(unnamed)'}`;
    const file = vscode.workspace.asRelativePath(vscode.Uri.parse(this.uri));
    if (!r || !r.service || !r.model || r.svg === null) {
      return {
        title: `Exposure: ${name}`, heading: `Service ${name}`, svg: null, findings: [], notes: [], fixes: false,
        message: !r ? `${file} is not part of the workspace Service Reach reads.` : `There is no Service ${name} in ${file} (any more).`,
      };
    }
    return {
      title: `Exposure: ${r.service.display}`,
      heading: r.model.title,
      svg: r.svg,
      findings: r.findings.map((f) => ({ key: f.key, number: f.number, severity: f.severity, code: f.code, title: f.title, message: f.message, location: f.location, fix: f.fix })),
      notes: r.model.notes,
      message: r.indexed ? undefined : 'Still reading the workspace: the picture may be incomplete.',
      // fixes are edits, as the lightbulb's are; they are offered in untrusted workspaces too (nothing is run)
      fixes: true,
    };
  }

  private async message(m: unknown): Promise<void> {
    if (!m || typeof m !== 'object') return;
    const { type, key, id } = m as { type?: unknown; key?: unknown; id?: unknown };
    try {
      if (type === 'reveal' && typeof key === 'string') {
        const f = this.last?.findings.find((x) => x.key === key);
        if (f) await this.revealAt(f.uri, f.range);
      } else if (type === 'revealNode' && typeof id === 'string') {
        const place = this.last?.places[id];
        if (place) await this.revealAt(place.uri, place.range);
      } else if (type === 'fix' && typeof key === 'string') {
        const ok = await this.fix(key);
        if (!ok) void this.panel.webview.postMessage({ type: 'fixFailed', key });
      }
    } catch (err) {
      this.views.error(String(type), err);
      if (type === 'fix' && typeof key === 'string') void this.panel.webview.postMessage({ type: 'fixFailed', key });
    }
  }

  private async revealAt(uri: string, range: ExposureResult['findings'][number]['range']): Promise<void> {
    const conv = this.views.converter;
    const target = conv ? conv.asUri(uri) : vscode.Uri.parse(uri);
    const selection = conv ? conv.asRange(range) : new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
    const open = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === target.toString());
    const column = open?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Beside : vscode.ViewColumn.One);
    await vscode.window.showTextDocument(target, { selection, viewColumn: column, preserveFocus: false });
  }

  /** The finding's first quick fix, as an edit the editor applies (undoable, unsaved, like the lightbulb's). */
  private async fix(key: string): Promise<boolean> {
    if (!this.last?.findings.some((f) => f.key === key && f.fix)) return false;
    const r = await this.views.request<FixFindingResult | null>(FIX_FINDING_REQUEST, { findingKey: key, uri: this.uri } satisfies FixFindingParams);
    if (!r) {
      void vscode.window.showInformationMessage('Service Reach: this finding has no fix any more (the files changed). The view is refreshed.');
      void this.refresh();
      return false;
    }
    const conv = this.views.converter;
    if (!conv) return false;
    const edit = await conv.asWorkspaceEdit(r.edit);
    const applied = await vscode.workspace.applyEdit(edit);
    if (!applied) {
      void vscode.window.showWarningMessage(`Service Reach: could not apply "${r.title}".`);
      return false;
    }
    const files = edit.entries().map(([u]) => u);
    const show = 'Show';
    void vscode.window.showInformationMessage(`Service Reach: ${r.title} (${files.map((u) => vscode.workspace.asRelativePath(u)).join(', ')}; not saved yet).`, show)
      .then(async (choice) => {
        if (choice !== show || files.length === 0) return;
        const [u, edits] = edit.entries()[0];
        await vscode.window.showTextDocument(u, { selection: edits[0]?.range, viewColumn: vscode.ViewColumn.One });
      });
    return true;
  }
}
