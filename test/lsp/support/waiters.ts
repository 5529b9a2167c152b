/**
 * Waiting by event for the language-server suites: a waiter is checked when it is added and on every event the
 * client `poke`s it with (a message received, the server exiting); a deadline only turns a hang into a failure.
 */

export interface Waiter {
  run: () => void;
}

export class Waiters {
  private readonly set = new Set<Waiter>();

  /**
   * @param exited the server's exit code once it has exited (null: killed), undefined while it runs
   * @param context what a failure message adds (stderr, the last log lines)
   */
  constructor(private readonly exited: () => number | null | undefined, private readonly context: () => string) {}

  add(w: Waiter): void {
    this.set.add(w);
  }

  delete(w: Waiter): void {
    this.set.delete(w);
  }

  /** Check every waiter (after an event). */
  poke(): void {
    for (const w of [...this.set]) w.run();
  }

  /** Resolve when `check` returns something (checked now and on every event); reject if the server exits first. */
  waitFor<T>(what: string, check: () => T | undefined, timeoutMs = 15000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = (err: Error | undefined, v?: T) => {
        clearTimeout(timer);
        this.set.delete(w);
        if (err) reject(err);
        else resolve(v as T);
      };
      const w: Waiter = {
        run: () => {
          let v: T | undefined;
          try { v = check(); } catch (err) { done(err as Error); return; }
          if (v !== undefined) done(undefined, v);
          else if (this.exited() !== undefined) done(new Error(`the server exited (${this.exited()}) while waiting for ${what}; ${this.context()}`));
        },
      };
      const timer = setTimeout(() => done(new Error(`timed out waiting for ${what}; ${this.context()}`)), timeoutMs);
      this.set.add(w);
      w.run();
    });
  }
}
