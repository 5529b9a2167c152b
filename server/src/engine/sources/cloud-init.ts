/**
 * cloud-init user data read for its firewall commands: a `#cloud-config` document (`bootcmd` and `runcmd`
 * entries as strings — a shell line — or argv lists, run in that order; a script that `write_files` writes, read
 * where a command runs it by its path), or user data that is a shell script (`#!/bin/bash`). Anything else
 * (a MIME multi-part archive, `#include`, a script in another language) holds no commands we read.
 */
import { asMap, asSeq, asScalar, getValue, parseYaml, scalarString, type YNode, type YScalar } from '../parse/yaml';
import type { ParseProblem } from '../parse/problem';
import type { Span } from '../text/span';
import type { ReadResult } from './model';
import type { FirewallCommand, FirewallCommandFile } from './firewall-cmd';
import { scriptCommands, wordsCommands } from './firewall-script';
import { hasShellShebang, type ShellWord } from './shell-words';
import { lineIndent, nextLineStart } from './source-common';

/** The first line is `#cloud-config` (cloud-init's own test: the text starts with it). */
export function isCloudConfig(text: string): boolean {
  return text.startsWith('#cloud-config');
}

/** What kind of user data a text is, as cloud-init tells it by its first line. */
export function userDataKind(text: string): 'cloud-config' | 'script' | null {
  if (isCloudConfig(text)) return 'cloud-config';
  if (hasShellShebang(text)) return 'script';
  return null;
}

/** A shell line's text in a YAML scalar: read in place when the source text is the value (a plain scalar on one line). */
function scalarCommands(text: string, s: YScalar, problems: ParseProblem[]): FirewallCommand[] {
  const value = scalarString(s) ?? '';
  if (text.slice(s.span.start, s.span.end) === value) return scriptCommands(text, problems, s.span.start, s.span.end);
  // quoted or block scalars: the words are read from the value and point at the scalar
  const inner: ParseProblem[] = [];
  const cmds = scriptCommands(value, inner);
  for (const p of inner) problems.push({ ...p, span: s.span });
  return cmds.map((c) => { const { site: _site, ...rest } = c; return { ...rest, span: s.span, at: s.span }; });
}

/** An argv list (`- [firewall-cmd, --permanent, --add-port=30080/tcp]`): each item one word, no shell. */
function argvCommands(items: readonly (YNode | null)[], problems: ParseProblem[]): FirewallCommand[] {
  const words: ShellWord[] = [];
  for (const n of items) {
    const s = asScalar(n);
    if (!s) return [];
    const value = s.value === null ? '' : String(s.value);
    // a cloud-config that Terraform's templatefile renders may hold `${…}` here: unknown until it is rendered
    words.push({ value, span: s.span, expansions: s.template || value.includes('${') ? [value] : [] });
  }
  const out: FirewallCommand[] = [];
  wordsCommands(words, problems, out, 0);
  return out;
}

/** The firewall commands of a `#cloud-config` text. */
function cloudConfigCommands(text: string, problems: ParseProblem[], yamlProblems: ParseProblem[]): FirewallCommand[] {
  const parsed = parseYaml(text);
  for (const p of parsed.problems) yamlProblems.push(p);
  const root = asMap(parsed.documents[0]?.contents);
  if (!root) return [];
  // scripts that write_files writes, by path: read where a command names them
  const written = new Map<string, { commands: FirewallCommand[]; span: Span }>();
  for (const item of asSeq(getValue(root, 'write_files'))?.items ?? []) {
    const path = scalarString(getValue(item, 'path'));
    const content = asScalar(getValue(item, 'content'));
    const encoding = scalarString(getValue(item, 'encoding'));
    if (!path || !content || (encoding !== undefined && encoding !== 'text/plain')) continue;
    const cmds = scalarCommands(text, content, problems);
    if (cmds.length) written.set(path, { commands: cmds, span: content.span });
  }
  const out: FirewallCommand[] = [];
  for (const key of ['bootcmd', 'runcmd']) {
    for (const item of asSeq(getValue(root, key))?.items ?? []) {
      const seq = asSeq(item);
      const words = seq ? seq.items.map((n) => scalarString(n) ?? '') : (scalarString(item) ?? '').split(/\s+/);
      for (const w of words) {
        const script = written.get(w);
        if (script) { out.push(...script.commands); written.delete(w); }
      }
      const own = seq ? argvCommands(seq.items, problems) : [];
      const s = asScalar(item);
      if (!seq && s && typeof s.value === 'string') own.push(...scalarCommands(text, s, problems));
      // a fix adds an item after this one, in its style
      if (item && key === 'runcmd') {
        const style = seq ? (seq.flow ? 'argv' : 'plain') : s && s.style !== 'block' ? s.style : 'plain';
        const site = { after: nextLineStart(text, Math.max(item.span.start, item.span.end - 1)), indent: lineIndent(text, item.span.start), item: { style, flowSpaces: !!seq && text[seq.span.start + 1] === ' ' } } as const;
        for (const c of own) c.site = site;
      }
      out.push(...own);
    }
  }
  return out;
}

/**
 * cloud-init user data (a `#cloud-config` document or a shell script) read for its firewall commands;
 * `yamlProblems`: a cloud-config's YAML syntax problems (the others are the commands').
 */
export function readCloudInit(path: string, text: string): ReadResult<FirewallCommandFile> & { yamlProblems: ParseProblem[] } {
  const problems: ParseProblem[] = [];
  const yamlProblems: ParseProblem[] = [];
  const kind = userDataKind(text);
  const commands = kind === 'cloud-config' ? cloudConfigCommands(text, problems, yamlProblems) : kind === 'script' ? scriptCommands(text, problems) : [];
  return { value: { kind: 'firewall-commands', path, format: kind === 'cloud-config' ? 'cloud-init' : 'shell', commands }, problems, yamlProblems };
}
