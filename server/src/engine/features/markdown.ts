/**
 * Workspace text inside the markdown of hovers and completion documentation. A Service name, a label, a port
 * name, a file name or a rule source's name is text, never markup: `mdText` makes it read literally in running
 * text, `mdCode` as an inline code span. Nothing from the workspace can then add an image (`![](https://…)`, a
 * remote fetch), a link (`[x](command:…)`), HTML (`<img>`), emphasis or a new line to what the editor renders.
 * (The hosts never mark this markdown as trusted nor allow HTML in it either.)
 */
import { escapeControls } from '../text/escape';

/**
 * The ASCII punctuation that makes markup in the middle of a line (user text never starts one, and holds no
 * line break once its controls are escaped): escapes and code (`\\` `` ` ``), emphasis and strikethrough
 * (`*` `_` `~`), links and images (`[` `]` `!`), entities (`&`), tables (`|`), headings and quotes (`#` `>`),
 * math and theme icons (`$`), attributes (`{` `}`), and what GFM turns into links by itself: the `:` of `://`,
 * the `.` of a `www.` that starts a word, the `@` of an e-mail address. Each is written `\c`, which every
 * CommonMark renderer shows as the character itself.
 */
const PUNCTUATION = /[\\`*_~[\]!&|@#>${}]|:(?=\/\/)|(?<=(?:^|[^A-Za-z0-9])www)\./gi;

/** User text in running markdown text: controls shown escaped, punctuation backslash-escaped, `<` as `&lt;`. */
export function mdText(text: string): string {
  return escapeControls(text).replace(PUNCTUATION, (c) => `\\${c}`).replace(/</g, '&lt;');
}

/**
 * User text as an inline code span: shown exactly (controls escaped). The fence is longer than any run of
 * backticks inside, and padded with a space where the text starts or ends with a backtick or a space.
 */
export function mdCode(text: string): string {
  const t = escapeControls(text);
  let longest = 0;
  let run = 0;
  for (let i = 0; i < t.length; i++) {
    run = t.charCodeAt(i) === 0x60 ? run + 1 : 0;
    if (run > longest) longest = run;
  }
  const fence = '`'.repeat(longest + 1);
  const pad = /^[` ]|[` ]$/.test(t) ? ' ' : '';
  return `${fence}${pad}${t}${pad}${fence}`;
}
