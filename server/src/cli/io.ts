/** Where a CLI command runs and writes: the process's own in `bin/`, strings in tests. */
export interface CliIo {
  cwd: string;
  stdout: (s: string) => void;
  stderr: (s: string) => void;
}
