/**
 * A second, unrelated LSP client: Neovim's built-in client (headless) against `service-reach-lsp --stdio`.
 * Neovim 0.7 (Debian) has no `vim.lsp.start`, so the probe uses `start_client` + `buf_attach_client`, waits
 * inside Neovim for the published diagnostics, asks for a hover and prints both as one JSON line.
 * Skipped, saying so, when no `nvim` is installed.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SERVER_BIN, scratchWorkspace } from './support/lsp-client';

const PROBE = `
local out = {}
vim.cmd('edit ' .. vim.fn.fnameescape(os.getenv('LSP_FILE')))
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({ name = 'service-reach', cmd = vim.fn.json_decode(os.getenv('LSP_CMD')), root_dir = vim.fn.getcwd() })
vim.lsp.buf_attach_client(buf, id)
local deadline, timer = vim.loop.now() + 20000, vim.loop.new_timer()
timer:start(100, 100, vim.schedule_wrap(function()
  local diags = vim.diagnostic.get(buf)
  if #diags == 0 and vim.loop.now() < deadline then return end
  timer:stop()
  out.diagnostics = vim.tbl_map(function(d) return { line = d.lnum + 1, code = d.code, message = d.message, source = d.source } end, diags)
  local r = vim.lsp.get_client_by_id(id).request_sync('textDocument/hover',
    { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = tonumber(os.getenv('HOVER_LINE')), character = tonumber(os.getenv('HOVER_CHAR')) } }, 10000, buf)
  out.hover = r and r.result and r.result.contents or vim.NIL
  io.stdout:write(vim.fn.json_encode(out) .. '\\n')
  vim.cmd(#diags > 0 and 'qall!' or 'cquit! 3')
end))
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 30080
`;

const ZONE = '<?xml version="1.0" encoding="utf-8"?>\n<zone>\n  <service name="ssh"/>\n</zone>\n';

function findNvim(): string | undefined {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'nvim' : undefined;
}

suite('A second LSP client: Neovim (headless, built-in client)', function () {
  this.timeout(60000);

  test('Neovim gets a diagnostic and a hover from service-reach-lsp --stdio', async function () {
    const nvim = findNvim();
    if (!nvim) {
      console.log('    (Neovim not found: install Debian\'s `neovim` package to run this test; skipped)');
      this.skip();
    }
    const root = scratchWorkspace({ 'web.yaml': SERVICE, 'zones/public.xml': ZONE, 'probe.lua': PROBE });
    try {
      const env = {
        ...process.env,
        LSP_CMD: JSON.stringify([process.execPath, SERVER_BIN, '--stdio']),
        LSP_FILE: path.join(root, 'web.yaml'),
        HOVER_LINE: '8',
        HOVER_CHAR: '18',
        XDG_CONFIG_HOME: root, XDG_DATA_HOME: root, XDG_STATE_HOME: root, XDG_CACHE_HOME: root,
      };
      const child = spawn(nvim!, ['--headless', '--clean', '-u', path.join(root, 'probe.lua')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
      child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      const line = stdout.split('\n').find((l) => l.trim().startsWith('{'));
      assert.ok(line, `no JSON from Neovim (exit ${code}); stdout: ${stdout}; stderr: ${stderr}`);
      const out = JSON.parse(line!) as { diagnostics: { line: number; code: string; source: string; message: string }[]; hover: { kind: string; value: string } };
      assert.equal(code, 0, stderr);
      assert.deepEqual(out.diagnostics.map((d) => `${d.line} ${d.code} ${d.source}`), ['9 firewalld-port-closed service-reach']);
      assert.match(out.diagnostics[0].message, /30080/);
      assert.equal(out.hover.kind, 'markdown');
      assert.match(out.hover.value, /nodes :30080\/TCP ⚠ → ClusterIP :80/);
      assert.match(out.hover.value, /firewalld zone "public"/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
