/**
 * Summary statistics for benchmark samples: every figure we publish carries its spread.
 *
 * @module
 */

/**
 * @typedef {object} Summary
 * @property {number} median
 * @property {number} p25
 * @property {number} p75
 * @property {number} min
 * @property {number} max
 * @property {number} n
 */

/**
 * The q-quantile (0..1) of `values`, linearly interpolated between closest ranks.
 *
 * @example
 * quantile([1, 2, 3, 4], 0.5) // 2.5
 * @param {readonly number[]} values
 * @param {number} q
 * @returns {number}
 */
export function quantile(values, q) {
  if (values.length === 0) throw new RangeError('quantile() needs at least one value')
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile() needs q in [0, 1], got ${q}`)
  const sorted = [...values].sort((a, b) => a - b)
  const rank = (sorted.length - 1) * q
  const low = Math.floor(rank)
  const high = Math.ceil(rank)
  const lowValue = /** @type {number} */ (sorted[low])
  const highValue = /** @type {number} */ (sorted[high])
  return lowValue + (highValue - lowValue) * (rank - low)
}

/**
 * The median of `values`.
 *
 * @example
 * median([3, 1, 2]) // 2
 * @param {readonly number[]} values
 * @returns {number}
 */
export function median(values) {
  return quantile(values, 0.5)
}

/**
 * Median, quartiles, extremes and count of `values`.
 *
 * @example
 * summarize([1, 2, 3, 4, 5]) // { median: 3, p25: 2, p75: 4, min: 1, max: 5, n: 5 }
 * @param {readonly number[]} values
 * @returns {Summary}
 */
export function summarize(values) {
  return {
    median: median(values),
    p25: quantile(values, 0.25),
    p75: quantile(values, 0.75),
    min: Math.min(...values),
    max: Math.max(...values),
    n: values.length,
  }
}

/**
 * `value / reference`, or `undefined` when the reference is zero or missing.
 *
 * @example
 * ratio(95, 100) // 0.95
 * @param {number | undefined} value
 * @param {number | undefined} reference
 * @returns {number | undefined}
 */
export function ratio(value, reference) {
  if (value === undefined || reference === undefined || reference === 0) return undefined
  return value / reference
}

/**
 * Relative spread of a summary: `(p75 - p25) / median` (the interquartile range as a fraction).
 *
 * @example
 * relativeSpread({ median: 100, p25: 95, p75: 105, min: 90, max: 110, n: 5 }) // 0.1
 * @param {Summary} summary
 * @returns {number}
 */
export function relativeSpread(summary) {
  return summary.median === 0 ? 0 : (summary.p75 - summary.p25) / summary.median
}

/**
 * The order in which to run `items` in round `round`: rotated so that every item takes every
 * position across rounds (A B C, B C A, C A B, ...), which cancels warm-up and position effects.
 *
 * @example
 * interleave(['a', 'b', 'c'], 1) // ['b', 'c', 'a']
 * @template T
 * @param {readonly T[]} items
 * @param {number} round
 * @returns {T[]}
 */
export function interleave(items, round) {
  if (items.length === 0) return []
  const shift = round % items.length
  return [...items.slice(shift), ...items.slice(0, shift)]
}
