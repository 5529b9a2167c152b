/**
 * `service-reach-lsp --stdio` (or `--node-ipc`, `--socket=N`, as vscode-languageserver reads them from argv).
 * Crashes are not an option: anything that escapes a handler is logged and the server goes on. Over stdio the
 * messages are read by our own reader (transport.ts), which survives bad framing instead of stopping for good.
 */
import { inspect } from 'node:util';
import { createConnection, ProposedFeatures, StreamMessageWriter, type Connection } from 'vscode-languageserver/node';
import { ServiceReachServer } from './server';
import { RobustMessageReader } from './transport';
import { useEnvironmentCopy } from '../host/plain-env';

/** The transport argv asks for (the first one, as vscode-languageserver reads it). */
function transportArg(): string | undefined {
  return process.argv.slice(2).find((a) => ['--stdio', '--node-ipc', '--socket', '--pipe'].includes(a.split('=')[0]));
}

/** stdout carries the protocol: what would be printed to the console goes to the client's log instead. */
function consoleToLog(connection: Connection): void {
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : inspect(a))).join(' ');
  const log = (...args: unknown[]) => connection.console.log(text(args));
  const error = (...args: unknown[]) => connection.console.error(text(args));
  Object.assign(console, {
    log, info: log, debug: log, dir: log, table: log, timeLog: log,
    warn: (...args: unknown[]) => connection.console.warn(text(args)),
    error, trace: error,
  });
}

export function start(): void {
  useEnvironmentCopy();
  let connection: Connection;
  let server: ServiceReachServer | undefined;
  if (transportArg() === '--stdio') {
    const reader = new RobustMessageReader(process.stdin, {
      report: (reason) => { try { connection.console.warn(`service-reach: input dropped: ${reason}`); } catch { /* not yet */ } },
    });
    connection = createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
    consoleToLog(connection);
    // the client closed our input: nothing more will come (exit code 0 only after `shutdown`, as the library does)
    reader.onClose(() => process.exit(server?.shutdownReceived ? 0 : 1));
  } else {
    connection = createConnection(ProposedFeatures.all);
  }
  const report = (what: string) => (err: unknown) => {
    try {
      connection.console.error(`service-reach: ${what}: ${(err as Error)?.stack ?? String(err)}`);
    } catch {
      process.stderr.write(`service-reach: ${what}: ${String(err)}\n`);
    }
  };
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
  server = new ServiceReachServer(connection);
  server.listen();
}

if (require.main === module) start();
