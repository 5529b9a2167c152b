/**
 * The service definitions firewalld ships (`/usr/lib/firewalld/services/*.xml`), bundled as data. The table is
 * generated from Debian's firewalld package by scripts/gen-firewalld-services.mjs; do not edit it by hand.
 */
import table from './firewalld-builtin-services.json';
import type { FirewalldServiceDef, PortRange } from './model';
import { parsePortRange } from './source-common';

interface TableEntry {
  ports: { protocol: string; port: string }[];
  protocols: string[];
  includes: string[];
}

const services: Record<string, TableEntry> = table.services;
const cache = new Map<string, FirewalldServiceDef>();

/** Where the bundled table came from, e.g. `firewalld 1.3.3-1~deb12u2`. */
export const builtinServicesSource = `${table.package} ${table.version}`;

/** The built-in definition of service `name`, or undefined when firewalld ships no such service. */
export function builtinService(name: string): FirewalldServiceDef | undefined {
  if (!Object.prototype.hasOwnProperty.call(services, name)) return undefined;
  const hit = cache.get(name);
  if (hit) return hit;
  const entry = services[name];
  const ports: { protocol: string; range: PortRange }[] = [];
  for (const p of entry.ports) {
    const range = parsePortRange(p.port);
    if (range) ports.push({ protocol: p.protocol, range });
  }
  const def: FirewalldServiceDef = { name, ports, protocols: [...entry.protocols], includes: [...entry.includes] };
  cache.set(name, def);
  return def;
}

/** The names of all built-in services, sorted. */
export function builtinServiceNames(): string[] {
  return Object.keys(services).sort();
}
