/** Edit distance with adjacent transpositions, case-insensitive: `timeot` -> `timeout` is 1. */
function distance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  let before: number[] = []
  let previous = Array.from({ length: t.length + 1 }, (_, j) => j)
  for (let i = 1; i <= s.length; i++) {
    const current = [i]
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let best = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, (before[j - 2] as number) + 1)
      }
      current.push(best)
    }
    before = previous
    previous = current
  }
  return previous[t.length] as number
}

/**
 * The known option closest to a mistyped one, as a sentence for a message (`''` when none is
 * close: at most a third of the letters may differ, and at least one may).
 */
export function closestName(name: string, known: Iterable<string>): string {
  let best: string | undefined
  let bestDistance = Math.max(1, Math.floor(name.length / 3))
  for (const candidate of known) {
    const d = distance(name, candidate)
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate
      bestDistance = d
    }
  }
  return best === undefined ? '' : ` Did you mean "${best}"?`
}
