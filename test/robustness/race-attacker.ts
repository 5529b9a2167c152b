/**
 * The second process of the `check --fix` race test (hostile-writes.test.ts), started with `child_process.fork`:
 * while the test runs `check --fix`, it swaps the workspace's zone folder for a symbolic link to a folder outside
 * the workspace (and back), and edits the zone file the fix is about to rewrite (in place, as most editors save,
 * or by renaming a new file over it). Each edit inserts a numbered marker; the edits it completed are reported, so
 * the test can tell whether one was lost.
 *
 * Messages: `{ kind: 'go', folder, outside, file, mode, seed }` → `{ kind: 'going' }`; `{ kind: 'stop' }` →
 * `{ kind: 'stopped', edits, swaps, skipped }` (the folder is back in place before that answer).
 * Modes: `storm` (actions one after the other from a random start), `targeted` (an action as soon as a
 * temporary file of the fix appears in the folder).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Go { kind: 'go'; folder: string; outside: string; file: string; mode: 'storm' | 'targeted'; seed: number }
type Message = Go | { kind: 'stop' };

let rand = 1;
function random(): number {
  // xorshift32: the run is replayable from its seed
  rand ^= rand << 13; rand >>>= 0;
  rand ^= rand >>> 17;
  rand ^= rand << 5; rand >>>= 0;
  return rand / 0x1_0000_0000;
}

const yieldOnce = () => new Promise<void>((resolve) => setImmediate(resolve));

let running: State | undefined;
let counter = 0;

function away(folder: string): string {
  return path.join(path.dirname(folder), `.${path.basename(folder)}-away`);
}

/** The folder is a folder again (after a swap, or a swap cut short). */
function unswap(folder: string): void {
  const aside = away(folder);
  if (!fs.existsSync(aside)) return;
  try {
    if (fs.lstatSync(folder).isSymbolicLink()) fs.unlinkSync(folder);
  } catch { /* not there */ }
  fs.renameSync(aside, folder);
}

async function swap(go: Go): Promise<void> {
  fs.renameSync(go.folder, away(go.folder));
  try {
    fs.symlinkSync(go.outside, go.folder);
    const turns = Math.floor(random() * 3);
    for (let i = 0; i < turns; i++) await yieldOnce();
  } finally {
    unswap(go.folder);
  }
}

/** One edit: a marker before `</zone>`; false when the file was not there to read (the fix had it aside). */
function edit(go: Go, marker: string): boolean {
  const file = path.join(go.folder, go.file);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return false;
  }
  const at = text.lastIndexOf('</zone>');
  const next = at < 0 ? `${text}<!-- ${marker} -->\n` : `${text.slice(0, at)}<!-- ${marker} -->\n${text.slice(at)}`;
  if (random() < 0.5) {
    fs.writeFileSync(file, next); // in place: open with O_TRUNC, write
  } else {
    const tmp = path.join(go.folder, `.editor-${process.pid}-${counter}.tmp`);
    fs.writeFileSync(tmp, next);
    fs.renameSync(tmp, file);
  }
  return true;
}

async function act(go: Go, out: { edits: string[]; swaps: number; skipped: number }): Promise<void> {
  if (random() < 0.4) {
    await swap(go);
    out.swaps++;
    return;
  }
  const marker = `edit ${go.seed}-${++counter}`;
  if (edit(go, marker)) out.edits.push(marker);
  else out.skipped++;
}

interface State { stop: boolean; wake?: () => void; done?: Promise<{ edits: string[]; swaps: number; skipped: number }> }

async function attack(go: Go, state: State): Promise<{ edits: string[]; swaps: number; skipped: number }> {
  const out = { edits: [] as string[], swaps: 0, skipped: 0 };
  if (go.mode === 'targeted') {
    // as soon as the fix's temporary file appears: an edit or a swap, a few times (idle, not spinning, between)
    let pending = 0;
    const watcher = fs.watch(go.folder, (_event, name) => {
      if (name && String(name).includes('service-reach')) {
        pending = 3;
        state.wake?.();
      }
    });
    try {
      while (!state.stop) {
        if (pending > 0) {
          pending--;
          await act(go, out);
        } else await new Promise<void>((resolve) => { state.wake = resolve; });
      }
    } finally {
      watcher.close();
    }
  } else {
    // start at a random moment of the fix's run (a few tens of milliseconds): before it reads, while it
    // analyses, while it writes, or after it is done
    const until = performance.now() + random() * 40;
    while (performance.now() < until && !state.stop) await yieldOnce();
    while (!state.stop) {
      await act(go, out);
      await yieldOnce();
    }
  }
  unswap(go.folder);
  return out;
}

process.on('message', (m: Message) => {
  if (m.kind === 'go') {
    rand = (m.seed >>> 0) || 1;
    const state: State = { stop: false };
    state.done = attack(m, state);
    running = state;
    process.send!({ kind: 'going' });
  } else if (m.kind === 'stop' && running) {
    const r = running;
    running = undefined;
    r.stop = true;
    r.wake?.();
    r.done!.then(
      (out) => process.send!({ kind: 'stopped', ...out }),
      (err: Error) => process.send!({ kind: 'stopped', error: err.stack ?? String(err), edits: [], swaps: 0, skipped: 0 }),
    );
  }
});
