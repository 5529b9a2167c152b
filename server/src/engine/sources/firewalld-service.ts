/**
 * firewalld service definitions (`/usr/lib/firewalld/services/NAME.xml`, `/etc/firewalld/services/NAME.xml`):
 * `<service>` with `<port port="N|N-M" protocol="…"/>`, `<protocol value="…"/>` and `<include service="…"/>`.
 * Files are recognised and dispatched by `readFirewalldXml` in firewalld-zone.ts.
 */
import { attr, type XmlElement } from '../parse/xml';
import type { ParseProblem } from '../parse/problem';
import type { FirewalldServiceFile } from './model';
import { baseName, parsePortRange } from './source-common';

/** The name a firewalld XML file defines: its base name without `.xml`. */
export function firewalldNameFromPath(path: string): string {
  const base = baseName(path);
  return base.toLowerCase().endsWith('.xml') ? base.slice(0, -4) : base;
}

/**
 * Reads a `<service>` root element as firewalld does (src/firewall/core/io/service.py): a `<port>` with an empty
 * port attribute adds its protocol; repeated entries count once. Invalid `<port>` elements are left out, with a
 * problem.
 */
export function serviceFromXml(path: string, root: XmlElement, problems: ParseProblem[]): FirewalldServiceFile {
  const file: FirewalldServiceFile = {
    kind: 'firewalld-service',
    path,
    name: firewalldNameFromPath(path),
    span: root.span,
    ports: [],
    protocols: [],
    includes: [],
  };
  for (const child of root.children) {
    switch (child.name) {
      case 'port': {
        const port = child.attributes.get('port');
        const protocol = attr(child, 'protocol');
        if (!protocol) {
          problems.push({ message: '<port> needs a protocol attribute', span: child.startTagSpan });
          break;
        }
        if (port && port.value === '') {
          // firewalld reads `<port port="" protocol="esp"/>` as the whole protocol (ipsec.xml does this)
          if (!file.protocols.includes(protocol)) file.protocols.push(protocol);
          break;
        }
        const range = port ? parsePortRange(port.value) : null;
        if (!port || !range) {
          problems.push({
            message: port ? `"${port.value}" is not a port or port range (N or N-M)` : '<port> needs a port attribute',
            span: port ? port.span : child.startTagSpan,
          });
        } else if (!file.ports.some((p) => p.protocol === protocol && p.range.min === range.min && p.range.max === range.max)) {
          file.ports.push({ protocol, range });
        }
        break;
      }
      case 'protocol': {
        const value = attr(child, 'value');
        if (value) {
          if (!file.protocols.includes(value)) file.protocols.push(value);
        } else problems.push({ message: '<protocol> needs a value attribute', span: child.startTagSpan });
        break;
      }
      case 'include': {
        const service = attr(child, 'service');
        if (service) {
          if (!file.includes.includes(service)) file.includes.push(service);
        }
        else problems.push({ message: '<include> needs a service attribute', span: child.startTagSpan });
        break;
      }
      default:
        break; // short, description, source-port, destination, helper, module: not a port allow
    }
  }
  return file;
}
