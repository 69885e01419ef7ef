/** The edit distance of two names (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

const PREFIX = 'MMTEL_';

/**
 * The known name closest to an unknown one, if one is close enough to be a slip: a typo
 * (MMTEL_NOTIFY_BACKOF_MS), or a variable without the MMTEL_ prefix written with it
 * (MMTEL_LOG_LEVEL for LOG_LEVEL).
 */
export function closestName(unknown: string, known: readonly string[]): string | undefined {
  const bare = (name: string) => (name.startsWith(PREFIX) ? name.slice(PREFIX.length) : name);
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = Math.min(editDistance(unknown, name), editDistance(bare(unknown), bare(name)));
    if (best === undefined || distance < best.distance) best = { name, distance };
  }
  // A third of the name (at least 2 edits) is a slip; more is another name.
  return best !== undefined && best.distance <= Math.max(2, Math.floor(bare(unknown).length / 3)) ? best.name : undefined;
}
