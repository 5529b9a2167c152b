import * as assert from 'node:assert/strict';
import { hasShellShebang, readShell } from '../../../server/src/engine/sources/shell-words';

/** Each command's word values. */
function words(text: string): string[][] {
  return readShell(text).commands.map((c) => c.words.map((w) => w.value));
}

suite('sources/shell-words', () => {
  test('separators, comments and continuation lines', () => {
    const text = [
      '#!/bin/bash',
      'set -euo pipefail # strict',
      'sudo firewall-cmd --permanent \\',
      '    --zone=public --add-port=30080/tcp && firewall-cmd --reload; echo done',
      'systemctl restart firewalld || true',
      'echo "#not a comment" a#b',
    ].join('\n');
    assert.deepEqual(words(text), [
      ['set', '-euo', 'pipefail'],
      ['sudo', 'firewall-cmd', '--permanent', '--zone=public', '--add-port=30080/tcp'],
      ['firewall-cmd', '--reload'],
      ['echo', 'done'],
      ['systemctl', 'restart', 'firewalld'],
      ['true'],
      ['echo', '#not a comment', 'a#b'],
    ]);
  });

  test('quotes: single, double with escapes, words joined from parts', () => {
    const text = `firewall-cmd --add-rich-rule='rule family="ipv4" source address="10.0.0.0/8" accept' "--zone"=pub"lic" a\\ b "x\\"y\\\\z"`;
    assert.deepEqual(words(text), [[
      'firewall-cmd', '--add-rich-rule=rule family="ipv4" source address="10.0.0.0/8" accept', '--zone=public', 'a b', 'x"y\\z',
    ]]);
  });

  test('expansions are kept as written and listed', () => {
    const s = readShell('firewall-cmd --add-port="$PORT"/tcp --zone=${ZONE:-public} --add-port=$(cat p)/udp `x` \'$LIT\'');
    const w = s.commands[0].words;
    assert.deepEqual(w.map((x) => x.expansions), [[], ['$PORT'], ['${ZONE:-public}'], ['$(cat p)'], ['`x`'], []]);
    assert.equal(w[5].value, '$LIT');
  });

  test('here-document bodies are data, not commands', () => {
    const text = "cat <<'EOF' > /etc/x\nfirewall-cmd --add-port=1/tcp\nit's prose\nEOF\nfirewall-cmd --reload\ncat <<-END\n\tfirewall-cmd --add-port=2/tcp\n\tEND\necho after\n";
    assert.deepEqual(words(text), [['cat'], ['firewall-cmd', '--reload'], ['cat'], ['echo', 'after']]);
  });

  test('redirections are no arguments', () => {
    assert.deepEqual(words('firewall-cmd --reload 2>/dev/null >> log.txt'), [['firewall-cmd', '--reload']]);
  });

  test('spans point at the words as written', () => {
    const text = 'x=1\n  firewall-cmd "--add-port=80/tcp"\n';
    const c = readShell(text).commands[1];
    assert.equal(text.slice(c.words[1].span.start, c.words[1].span.end), '"--add-port=80/tcp"');
    assert.equal(text.slice(c.span.start, c.span.end), 'firewall-cmd "--add-port=80/tcp"');
  });

  test('an unterminated quote is a problem, and reading ends there without throwing', () => {
    const s = readShell("firewall-cmd --add-port=80/tcp\nfirewall-cmd --add-rich-rule='rule accept\nmore");
    assert.equal(s.problems.length, 1);
    assert.match(s.problems[0].message, /single quote is not closed/);
    assert.deepEqual(s.commands[0].words.map((w) => w.value), ['firewall-cmd', '--add-port=80/tcp']);
    const d = readShell('echo "open');
    assert.match(d.problems[0].message, /double quote/);
  });

  test('hostile input: binary, a long line of quotes, deep substitutions — linear, no throw', () => {
    const binary = Array.from({ length: 5000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    readShell(binary);
    readShell('"\'"'.repeat(50000));
    readShell('$('.repeat(20000));
    readShell('\\'.repeat(100001));
    const big = 'firewall-cmd --permanent --add-port=30080/tcp\n'.repeat(20000);
    assert.equal(readShell(big).commands.length, 20000);
  });

  test('shebangs', () => {
    assert.ok(hasShellShebang('#!/bin/bash\n'));
    assert.ok(hasShellShebang('#!/usr/bin/env bash\n'));
    assert.ok(hasShellShebang('#!/bin/sh -e\n'));
    assert.ok(!hasShellShebang('#!/usr/bin/env python3\n'));
    assert.ok(!hasShellShebang('#cloud-config\n'));
  });
});
