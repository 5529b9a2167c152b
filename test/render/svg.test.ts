import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { initEngine } from '../../server/src/engine';
import { readHclGrammar } from '../../server/src/host/hcl-grammar';
import { diagramsOf, type DiagramModel } from '../../server/src/engine/features/diagram';
import { parseXml } from '../../server/src/engine/parse/xml';
import {
  diagramToSvg, escapeXml, layoutDiagram, renderSvg, stylesheet, THEME_VARIABLES, type ElkLike,
} from '../../server/src/render';
import { analyse, ready } from '../support/workspace';
import { REPO, corpusCases, loadCase } from '../engine/diagram/corpus';

function wellFormed(svg: string): void {
  const r = parseXml(svg, { maxDepth: 64, maxElements: 1_000_000, maxProblems: 5 });
  assert.deepEqual(r.problems.map((p) => p.message), [], 'the SVG is not well-formed XML');
  assert.equal(r.root?.name, 'svg');
}

const NODEPORT = (name: string, extra = '') =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\nspec:\n  type: NodePort\n  selector: {app: x}\n  ports:\n    - port: 80\n      nodePort: 30080\n${extra}`;

suite('render: SVG of the exposure diagram', () => {
  suiteSetup(async () => {
    await initEngine({ hcl: readHclGrammar() });
    await ready();
  });

  test('escapeXml escapes markup and replaces what XML cannot hold', () => {
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&#39;');
    assert.equal(escapeXml('x\u0000y\u0007z\uffff'), 'x\ufffdy\ufffdz\ufffd');
    assert.equal(escapeXml('lone \ud800 and \udc00'), 'lone \ufffd and \ufffd');
    assert.equal(escapeXml('pair 😀 ok'), 'pair 😀 ok');
    assert.equal(escapeXml('tab\tnl\n'), 'tab&#9;nl&#10;');
  });

  test('every corpus Service renders to well-formed, self-contained SVG under 100 KB', async function () {
    if (corpusCases().length === 0) this.skip();
    for (const name of corpusCases()) {
      for (const m of diagramsOf(loadCase(name).analysis)) {
        const svg = await diagramToSvg(m);
        wellFormed(svg);
        assert.ok(svg.length < 100_000, `${name} ${m.title}: ${svg.length} bytes`);
        // no remote (or any external) resources, no scripts
        assert.doesNotMatch(svg, /<script|href=|url\(|@import|<image|<foreignObject/i);
        assert.deepEqual([...svg.matchAll(/https?:\/\/[^"'\s<>]*/g)].map((x) => x[0]), ['http://www.w3.org/2000/svg']);
        // one group per hop, with its status
        for (const e of m.edges) {
          const count = svg.split(`<g class="sr-edge sr-status-${e.status}" data-edge-id="${escapeXml(e.id)}"`).length - 1;
          assert.equal(count, 1, `${name}: hop ${e.id}`);
        }
        // the legend names every status
        for (const s of ['allowed', 'blocked', 'unknown', 'managed-by-cloud-controller', 'not-applicable']) {
          assert.ok(svg.includes(`<g class="sr-status-${s}"><title>`), `${name}: legend lacks ${s}`);
        }
      }
    }
  });

  test('text from the workspace is escaped (names, annotations, control characters)', async () => {
    const hostile = `"x</text><script>alert(1)</script>&amp;\u0001"`;
    const a = analyse({
      'zones/public.xml': '<zone><port port="22" protocol="tcp"/></zone>',
      's.yaml': NODEPORT(hostile, `  externalTrafficPolicy: Local\n`),
      'd.yaml': `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: "<b>&amp;"}\nspec:\n  template:\n    metadata: {labels: {app: x}}\n    spec: {containers: [{name: c}]}\n`,
    });
    const m = diagramsOf(a)[0];
    assert.equal(m.service.name, 'x</text><script>alert(1)</script>&amp;\u0001');
    const svg = await diagramToSvg(m);
    wellFormed(svg);
    assert.doesNotMatch(svg, /<script|<b>/);
    assert.ok(svg.includes('x&lt;/text&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;\ufffd'));
    assert.ok(svg.includes('Deployment default/&lt;b&gt;&amp;amp;'));
  });

  test('blocked hops are drawn with the blocked colour variable; allowed ones with the allowed one', async () => {
    const a = analyse({
      'zones/public.xml': '<zone><port port="30080" protocol="tcp"/></zone>',
      's.yaml': NODEPORT('web') + '    - name: b\n      port: 81\n      nodePort: 30081\n',
    });
    const m = diagramsOf(a)[0];
    const svg = await diagramToSvg(m);
    assert.match(svg, /<g class="sr-edge sr-status-allowed" data-edge-id="clients-to-nodes:0"/);
    assert.match(svg, /<g class="sr-edge sr-status-blocked" data-edge-id="clients-to-nodes:1"[^>]*data-codes="firewalld-port-closed"/);
    assert.match(svg, /\.sr-edge\.sr-status-blocked path\{stroke:var\(--_sr-blocked\);\}/);
    assert.match(svg, /--_sr-blocked:var\(--sr-blocked,#d1242f\);/);
  });

  test('colours come only from theme variables with defaults', () => {
    for (const scheme of ['light', 'dark', 'auto'] as const) {
      const css = stylesheet('sr-diagram', scheme);
      // every colour literal is the default of a public variable
      const literals = [...css.matchAll(/#[0-9a-fA-F]{3,8}\b/g)].map((x) => x.index!);
      for (const i of literals) {
        const before = css.slice(Math.max(0, i - 40), i);
        assert.match(before, /var\(--sr-[a-z-]+,$/, `${scheme}: colour at ${i} is not a variable default: …${before}`);
      }
      for (const t of THEME_VARIABLES) assert.ok(css.includes(`var(${t.name},`), `${scheme}: ${t.name} unused`);
    }
    assert.match(stylesheet('sr-diagram', 'auto'), /@media \(prefers-color-scheme: dark\)/);
    assert.doesNotMatch(stylesheet('sr-diagram', 'light'), /@media/);
  });

  test('the layout is deterministic and the picture holds every box and label', async () => {
    const m = diagramsOf(analyse({ 's.yaml': NODEPORT('web') }))[0];
    const one = await layoutDiagram(m);
    const two = await layoutDiagram(m);
    assert.equal(renderSvg(one), renderSvg(two));
    assert.equal(one.nodes.length, m.nodes.length);
    assert.equal(one.edges.length, m.edges.length);
    for (const n of one.nodes) {
      assert.ok(n.box.x >= 0 && n.box.y >= 0 && n.box.x + n.box.width <= one.width && n.box.y + n.box.height <= one.height, n.node.id);
    }
    for (const e of one.edges) {
      assert.ok(e.points.length >= 2, e.edge.id);
      assert.ok(e.label, e.edge.id);
    }
    // boxes are stacked top to bottom in the order of the path
    const ys = one.nodes.map((n) => n.box.y);
    assert.deepEqual([...ys].sort((p, q) => p - q), ys);
  });

  test('the layout engine and text measurer can be supplied by the host (webview)', async () => {
    const m = diagramsOf(analyse({ 's.yaml': NODEPORT('web') }))[0];
    let called = 0;
    const real = await layoutDiagram(m);
    const elk: ElkLike = {
      async layout(graph) {
        called++;
        return { ...graph, width: 500, height: 400, children: (graph.children ?? []).map((c, i) => ({ ...c, x: 10, y: 10 + i * 100 })), edges: [] };
      },
    };
    const measured: string[] = [];
    const laid = await layoutDiagram(m, { elk, measure: (t) => { measured.push(t); return t.length * 5; } });
    assert.equal(called, 1);
    assert.ok(measured.includes('Every node'));
    assert.notDeepEqual(laid.nodes.map((n) => n.box), real.nodes.map((n) => n.box));
  });

  test('a Service with many ports stays under 100 KB', async () => {
    const ports = Array.from({ length: 16 }, (_, i) => `    - name: p${i}\n      port: ${8000 + i}\n      nodePort: ${30100 + i}\n`).join('');
    const a = analyse({
      'zones/public.xml': '<zone><port port="30100-30107" protocol="tcp"/></zone>',
      's.yaml': `apiVersion: v1\nkind: Service\nmetadata: {name: many}\nspec:\n  type: LoadBalancer\n  ports:\n${ports}`,
    });
    const svg = await diagramToSvg(diagramsOf(a)[0]);
    wellFormed(svg);
    assert.ok(svg.length < 100_000, `${svg.length} bytes`);
  });

  test('ids are unique per diagram when a prefix is given', async () => {
    const m: DiagramModel = diagramsOf(analyse({ 's.yaml': NODEPORT('web') }))[0];
    const svg = await diagramToSvg(m, { idPrefix: 'd2' });
    assert.deepEqual([...svg.matchAll(/ id="([^"]+)"/g)].map((x) => x[1]), ['d2-title', 'd2-desc']);
  });

  test('the renderer uses no Node-only API (the webview bundles it)', () => {
    const dir = path.join(REPO, 'server/src/render');
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.ts'))) {
      const src = fs.readFileSync(path.join(dir, f), 'utf8');
      assert.doesNotMatch(src, /from 'node:|from '(fs|path|os|child_process|zlib|url)'|require\('(node:|fs|path)|\bprocess\.|\bBuffer\b|__dirname/, f);
      for (const imp of src.matchAll(/^import (?!type)[^;]*from '([^']+)'/gm)) {
        assert.ok(imp[1].startsWith('./'), `${f} imports ${imp[1]} at run time (only type imports leave the folder)`);
      }
    }
  });
});
