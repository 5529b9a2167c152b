/**
 * The CPU time a synchronous piece of work takes: what a bound on "answers quickly" means. Wall time on a machine
 * busy with other processes grows many times over; the work done does not.
 */
export function cpuMs(fn: () => unknown): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return Math.round((used.user + used.system) / 1000);
}
