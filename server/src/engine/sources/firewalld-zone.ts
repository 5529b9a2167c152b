/**
 * firewalld zone files (`/usr/lib/firewalld/zones/NAME.xml`, `/etc/firewalld/zones/NAME.xml`) and the entry point
 * for every firewalld XML file: `readFirewalldXml` dispatches on the root element (`<zone>` or `<service>`).
 */
import { attr, parseXml, type XmlElement } from '../parse/xml';
import type { ParseProblem } from '../parse/problem';
import type {
  FirewalldServiceFile,
  FirewalldZoneFile,
  ReadResult,
  RichRuleMatch,
  RichRuleSource,
  XmlInsertPoint,
  ZoneEntry,
  ZoneRichRuleEntry,
} from './model';
import { firewalldNameFromPath, serviceFromXml } from './firewalld-service';
import { detectNewline, indentBefore, parsePortRange } from './source-common';

/**
 * Reads a `*.xml` file that may be a firewalld zone or service.
 *
 * When is a file firewalld's, and when are its XML problems reported?
 *  - The root element is `<zone>` or `<service>` (even a broken document has a root as soon as its first start tag
 *    could be read): it is firewalld's; it is read as far as possible and every XML problem is reported.
 *  - The root element is anything else (a Maven `pom.xml`, an Android layout, …): not firewalld's; value null and
 *    no problems, however broken the rest is.
 *  - No root element could be read at all (empty, binary, garbage before the first tag): value null; the problems
 *    are reported only when the path has a `firewalld` folder (e.g. `etc/firewalld/zones/public.xml`), where the
 *    user evidently meant a firewalld file. Otherwise the file is not ours and stays silent.
 */
export function readFirewalldXml(path: string, text: string): ReadResult<FirewalldZoneFile | FirewalldServiceFile> {
  const { root, problems } = parseXml(text);
  if (!root) return { value: null, problems: pathSuggestsFirewalld(path) ? problems : [] };
  if (root.name === 'zone') {
    const all = [...problems];
    return { value: zoneFromXml(path, text, root, all), problems: all };
  }
  if (root.name === 'service') {
    const all = [...problems];
    return { value: serviceFromXml(path, root, all), problems: all };
  }
  return { value: null, problems: [] };
}

function pathSuggestsFirewalld(path: string): boolean {
  return path.split(/[\\/]/).some((seg) => seg.toLowerCase() === 'firewalld');
}

// a Map: the target attribute is the user's text (`constructor` is no target)
const TARGETS: ReadonlyMap<string, FirewalldZoneFile['target']> = new Map([
  ['ACCEPT', 'ACCEPT'],
  ['DROP', 'DROP'],
  ['%%REJECT%%', 'REJECT'],
  ['REJECT', 'REJECT'],
]);

/** Reads a `<zone>` root element; problems about its content are appended to `problems`. */
export function zoneFromXml(path: string, text: string, root: XmlElement, problems: ParseProblem[]): FirewalldZoneFile {
  const targetText = attr(root, 'target');
  const zone: FirewalldZoneFile = {
    kind: 'firewalld-zone',
    path,
    name: firewalldNameFromPath(path),
    span: root.span,
    target: (targetText !== undefined ? TARGETS.get(targetText) : undefined) ?? 'default',
    entries: [],
    sourceBindings: [],
    insert: insertPoint(text, root),
  };
  for (const child of root.children) {
    const entry = zoneEntry(child, problems);
    if (entry) zone.entries.push(entry);
    if (child.name === 'source') {
      const address = child.attributes.get('address');
      if (address) zone.sourceBindings.push({ address: address.value, span: child.span });
    }
  }
  return zone;
}

function zoneEntry(el: XmlElement, problems: ParseProblem[]): ZoneEntry | null {
  switch (el.name) {
    case 'port': {
      const port = el.attributes.get('port');
      const protocol = attr(el, 'protocol');
      const range = port ? parsePortRange(port.value) : null;
      if (!port) problems.push({ message: '<port> needs a port attribute', span: el.startTagSpan });
      else if (!range) problems.push({ message: `"${port.value}" is not a port or port range (N or N-M)`, span: port.span });
      if (protocol === undefined) problems.push({ message: '<port> needs a protocol attribute', span: el.startTagSpan });
      return { kind: 'port', protocol: protocol ?? '', range, span: el.span };
    }
    case 'protocol': {
      const value = attr(el, 'value');
      if (value === undefined) {
        problems.push({ message: '<protocol> needs a value attribute', span: el.startTagSpan });
        return null;
      }
      return { kind: 'protocol', value, span: el.span };
    }
    case 'service': {
      const name = attr(el, 'name');
      if (name === undefined) {
        problems.push({ message: '<service> needs a name attribute', span: el.startTagSpan });
        return null;
      }
      return { kind: 'service', name, span: el.span };
    }
    case 'rule':
      return richRule(el, problems);
    default:
      return null; // short, description, interface, source, forward, masquerade, icmp-block, forward-port, …
  }
}

/** firewalld reads `invert="yes|true"` (any case) as true. */
function isTrue(value: string | undefined): boolean {
  const v = value?.toLowerCase();
  return v === 'true' || v === 'yes';
}

const OTHER_MATCHES = new Set(['icmp-block', 'icmp-type', 'forward-port', 'masquerade', 'source-port', 'tcp-mss-clamp']);

/**
 * A rich rule as firewalld reads it (src/firewall/core/io/policy.py): at most one element (port, service,
 * protocol, icmp-block, …) — a rule with two is ignored by firewalld, and here gets action `none` plus a problem;
 * so does a rule with an invalid family.
 */
function richRule(el: XmlElement, problems: ParseProblem[]): ZoneRichRuleEntry {
  const familyText = attr(el, 'family');
  const family = familyText === 'ipv4' || familyText === 'ipv6' ? familyText : undefined;
  let action: ZoneRichRuleEntry['action'] = 'none';
  let source: RichRuleSource | undefined;
  let match: RichRuleMatch = { kind: 'none' };
  let matchElement: XmlElement | null = null;
  let invalid = false;
  if (familyText !== undefined && !family) {
    problems.push({ message: `rich rule family must be ipv4 or ipv6, not "${familyText}"; firewalld ignores this rule`, span: el.attributes.get('family')?.span ?? el.startTagSpan });
    invalid = true;
  }
  const setMatch = (child: XmlElement, m: RichRuleMatch): void => {
    if (matchElement) {
      problems.push({ message: `a rich rule may hold only one element, but it has <${matchElement.name}> and <${child.name}>; firewalld ignores this rule`, span: child.startTagSpan });
      invalid = true;
      return;
    }
    matchElement = child;
    match = m;
  };
  for (const child of el.children) {
    switch (child.name) {
      case 'source': {
        const s: RichRuleSource = { invert: isTrue(attr(child, 'invert')) };
        const address = attr(child, 'address');
        const ipset = attr(child, 'ipset');
        const mac = attr(child, 'mac');
        if (address !== undefined) s.address = address;
        if (ipset !== undefined) s.ipset = ipset;
        if (mac !== undefined) s.mac = mac;
        source = s;
        break;
      }
      case 'port': {
        const port = attr(child, 'port');
        setMatch(child, { kind: 'port', protocol: attr(child, 'protocol') ?? '', range: port !== undefined ? parsePortRange(port) : null });
        break;
      }
      case 'service':
        setMatch(child, { kind: 'service', name: attr(child, 'name') ?? '' });
        break;
      case 'protocol':
        setMatch(child, { kind: 'protocol', value: attr(child, 'value') ?? '' });
        break;
      case 'accept':
      case 'drop':
      case 'reject':
      case 'mark':
        if (action === 'none') action = child.name;
        break;
      default:
        if (OTHER_MATCHES.has(child.name)) setMatch(child, { kind: 'other', element: child.name });
        break; // destination, log, nflog, audit, limit
    }
  }
  const entry: ZoneRichRuleEntry = { kind: 'rich', action: invalid ? 'none' : action, match, span: el.span };
  if (family) entry.family = family;
  if (source) entry.source = source;
  return entry;
}

/**
 * Where a fix adds a child element to the root. The fix inserts `indent + element + newline` at `offset`
 * (preceded by `newline` when `leadingNewline`). For a self-closing root the fix rewrites `rootTagSpan`.
 */
export function insertPoint(text: string, root: XmlElement): XmlInsertPoint {
  const newline = detectNewline(text);
  const rootIndent = indentBefore(text, root.span.start) ?? '';
  if (root.selfClosing) {
    return { offset: root.startTagSpan.end, indent: rootIndent + '  ', newline, selfClosing: true, rootTagSpan: root.startTagSpan };
  }
  const endTagStart = root.endTagSpan ? root.endTagSpan.start : root.span.end;
  let indent: string | null = null;
  for (let i = root.children.length - 1; i >= 0 && indent === null; i--) indent = indentBefore(text, root.children[i].span.start);
  if (indent === null) indent = rootIndent + '  ';

  const last = root.children[root.children.length - 1];
  if (last) {
    const nl = text.indexOf('\n', last.span.end);
    if (nl >= 0 && nl < endTagStart) return { offset: nl + 1, indent, newline, selfClosing: false };
    // the last child shares its line with `</root>`
    return { offset: last.span.end, indent, newline, selfClosing: false, leadingNewline: true };
  }
  // no children: before `</root>`, on a line of its own when `</root>` starts a line
  const lineIndent = indentBefore(text, endTagStart);
  if (lineIndent !== null && endTagStart - lineIndent.length > root.startTagSpan.end) {
    return { offset: endTagStart - lineIndent.length, indent, newline, selfClosing: false };
  }
  return { offset: endTagStart, indent, newline, selfClosing: false, leadingNewline: true };
}
