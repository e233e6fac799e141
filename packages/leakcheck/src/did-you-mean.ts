/**
 * Edit distance with adjacent transpositions (optimal string alignment), case-insensitive:
 * `setleMs` -> `settleMs` is 1, `hots` -> `host` is 1.
 */
function distance(a: string, b: string): number {
  const s = a.toLowerCase()
  const t = b.toLowerCase()
  const rows: number[][] = Array.from({ length: s.length + 1 }, (_, i) =>
    Array.from({ length: t.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i <= s.length; i++) {
    const row = rows[i] as number[]
    const above = rows[i - 1] as number[]
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1
      let best = Math.min(
        (above[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (above[j - 1] as number) + cost,
      )
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1)
      }
      row[j] = best
    }
  }
  return (rows[s.length] as number[])[t.length] as number
}

/**
 * The known name closest to a mistyped one, as a sentence for an error message (`''` when
 * nothing is close: at most a third of the name's letters differ, and at least one may).
 *
 * @example
 * ```ts
 * didYouMean('setleMs', ['mode', 'scope', 'settleMs', 'allow']) // ' Did you mean `settleMs`?'
 * didYouMean('verbose', ['mode', 'scope', 'settleMs', 'allow']) // ''
 * ```
 */
export function didYouMean(name: string, known: readonly string[]): string {
  let best: string | undefined
  let bestDistance = Math.max(1, Math.floor(name.length / 3))
  for (const candidate of known) {
    const d = distance(name, candidate)
    if (d <= bestDistance && (best === undefined || d < bestDistance)) {
      best = candidate
      bestDistance = d
    }
  }
  return best === undefined ? '' : ` Did you mean \`${best}\`?`
}
