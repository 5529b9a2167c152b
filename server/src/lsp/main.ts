/**
 * `service-reach-lsp --stdio` (or `--node-ipc`, `--socket=N`, as vscode-languageserver reads them from argv).
 * Crashes are not an option: anything that escapes a handler is logged and the server goes on.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { ServiceReachServer } from './server';

export function start(): void {
  const connection = createConnection(ProposedFeatures.all);
  const report = (what: string) => (err: unknown) => {
    try {
      connection.console.error(`service-reach: ${what}: ${(err as Error)?.stack ?? String(err)}`);
    } catch {
      process.stderr.write(`service-reach: ${what}: ${String(err)}\n`);
    }
  };
  process.on('uncaughtException', report('uncaught exception'));
  process.on('unhandledRejection', report('unhandled rejection'));
  new ServiceReachServer(connection).listen();
}

if (require.main === module) start();
