/** What is in one of two sets and not in the other (the paths whose standing changed), `after`'s first. */
export function changedMembers<T>(before: ReadonlySet<T>, after: ReadonlySet<T>): T[] {
  const out: T[] = [];
  for (const x of after) if (!before.has(x)) out.push(x);
  for (const x of before) if (!after.has(x)) out.push(x);
  return out;
}
