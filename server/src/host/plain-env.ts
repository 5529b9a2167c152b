/**
 * `process.env` as a plain object. Node's `process.env` asks the C++ side on every read (~150 ns), and the `yaml`
 * package reads `process.env.LOG_TOKENS` once for every token it parses (a 4,200-file repository of charts holds
 * millions): a plain copy answers in nanoseconds. Service Reach never changes its environment nor starts a
 * process, so a copy taken at start reads the same. Called by the entry points only (CLI, language server, the
 * parse-ahead worker), never by the engine.
 */
export function useEnvironmentCopy(): void {
  process.env = { ...process.env };
}
