/**
 * A shell script's firewall commands (`firewall-cmd`, `firewall-offline-cmd`, `systemctl … firewalld`), in
 * order: node setup scripts (`*.sh`, a `sh`/`bash` shebang), cloud-init user data that is a script, the strings
 * of a cloud-config `runcmd`. Cut into commands by `shell-words.ts`; `sh -c '…'` / `bash -c "…"` read inside.
 */
import type { ParseProblem } from '../parse/problem';
import type { Span } from '../text/span';
import type { ReadResult } from './model';
import { firewallCmdOps, isFirewallCommand, programIndex, type FirewallCommand, type FirewallCommandFile } from './firewall-cmd';
import { readShell, type ShellWord } from './shell-words';
import { lineIndent, nextLineStart } from './source-common';

/** Scripts larger than this are read up to it (a problem says so). */
export const MAX_SCRIPT_CHARS = 4 * 1024 * 1024;

/** How deep `sh -c '… sh -c "…"'` is followed. */
const MAX_NESTING = 4;

/** The commands of a script held in `text` between `start` and `end` (spans stay offsets into `text`). */
export function scriptCommands(text: string, problems: ParseProblem[], start = 0, end = text.length): FirewallCommand[] {
  const script = readShell(text, start, Math.min(end, start + MAX_SCRIPT_CHARS));
  if (end - start > MAX_SCRIPT_CHARS) problems.push({ message: `the script is read up to its first ${MAX_SCRIPT_CHARS} characters`, span: { start: start + MAX_SCRIPT_CHARS, end }, limit: true });
  const out: FirewallCommand[] = [];
  // a broken quote is reported only in a script that has firewall commands (a script of other things is not ours)
  for (const c of script.commands) {
    const from = out.length;
    wordsCommands(c.words, problems, out, 0);
    // where a fix adds a line after this one: in place only (not inside `sh -c '…'`)
    const k = programIndex(c.words);
    for (let i = from; i < out.length; i++) {
      if (out[i].span.start !== c.span.start || k >= c.words.length) continue;
      const indent = lineIndent(text, c.span.start);
      const lineStart = c.span.start - (text.lastIndexOf('\n', c.span.start - 1) + 1) === indent.length;
      if (!lineStart) continue; // a command after `;` or `&&`: no line of its own to copy
      out[i].site = { after: nextLineStart(text, c.span.end), indent, prefix: text.slice(c.span.start, c.words[k].span.start) };
    }
  }
  if (out.length) for (const p of script.problems) problems.push(p);
  return out;
}

/**
 * The commands of one command's words (`sh -c '…'` read inside; the words of the inner script all point at the
 * string that holds them).
 */
export function wordsCommands(words: readonly ShellWord[], problems: ParseProblem[], out: FirewallCommand[], depth: number): void {
  const inner = innerScript(words);
  if (inner && depth < MAX_NESTING) {
    const script = readShell(inner.value);
    for (const c of script.commands) {
      const moved = c.words.map((w): ShellWord => ({ ...w, span: inner.span }));
      wordsCommands(moved, problems, out, depth + 1);
    }
    return;
  }
  if (!isFirewallCommand(words)) return;
  for (const c of firewallCmdOps(words, problems)) out.push(c);
}

/** `sh -c 'script'`, `bash -ec "script"`: the script word. */
function innerScript(words: readonly ShellWord[]): { value: string; span: Span } | undefined {
  const k = programIndex(words);
  const prog = words[k]?.value ?? '';
  const name = prog.slice(prog.lastIndexOf('/') + 1);
  if (name !== 'sh' && name !== 'bash') return undefined;
  for (let a = k + 1; a < words.length; a++) {
    const v = words[a].value;
    if (!v.startsWith('-')) return undefined;
    if (/^-[a-z]*c[a-z]*$/.test(v) && a + 1 < words.length) return { value: words[a + 1].value, span: words[a + 1].span };
  }
  return undefined;
}

/** A shell script file read for its firewall commands (a file with none gives an empty list). */
export function readFirewallScript(path: string, text: string): ReadResult<FirewallCommandFile> {
  const problems: ParseProblem[] = [];
  const commands = scriptCommands(text, problems);
  return { value: { kind: 'firewall-commands', path, format: 'shell', commands }, problems };
}
