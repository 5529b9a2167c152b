/**
 * Helm control lines with long runs of white space: what an action says is read without its trim markers
 * (`{{-`, `-}}`) in time linear in the line — a line of `{{x`, 400,000 spaces and `x}}` took minutes when the
 * markers were stripped with `/\s*-?$/`, which backtracks over every space.
 */
import * as assert from 'node:assert/strict';
import { blankControlLines } from '../../../server/src/engine/parse/yaml';

suite('Helm control lines: trim markers and white space', () => {
  test('an action is quiet (renders nothing) whatever white space and markers surround `end` or a comment', () => {
    const quiet = ['{{end}}', '{{- end -}}', '{{-end-}}', '{{ end }}', '{{-\t end \t-}}', '{{- /* c */ -}}', '{{/* c */}}', '{{\u00a0end\u2003}}'];
    const loud = ['{{ end- }}', '{{ - end }}', '{{ x }}', '{{- x -}}', '{{ ends }}', '{{ - }}', '{{-}}'];
    for (const a of quiet) assert.deepEqual(blankControlLines(`a: 1\n${a}\n`).lines.slice(2), [1], a);
    for (const a of loud) assert.deepEqual(blankControlLines(`a: 1\n${a}\n`).lines.slice(2), [0], a);
  });

  test('a control line of 400,000 spaces between the braces is blanked like a short one', () => {
    const line = `{{x${' '.repeat(400_000)}x}}`;
    const text = `a: 1\n${line}\nb: 2\n`;
    const out = blankControlLines(text);
    assert.equal(out.text, `a: 1\n${' '.repeat(line.length)}\nb: 2\n`);
    assert.deepEqual(out.lines, [5, 5 + line.length, 0]);
    const end = `{{- end${' '.repeat(400_000)}-}}`;
    assert.deepEqual(blankControlLines(`${end}\n`).lines, [0, end.length, 1]);
  });
});
