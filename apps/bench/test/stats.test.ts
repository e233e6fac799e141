import { describe, expect, it } from 'vitest'
import { interleave, median, quantile, ratio, relativeSpread, summarize } from '../src/stats.mjs'

describe('quantile and median', () => {
  it('takes the middle value of an odd count and averages the middle two of an even count', () => {
    expect(median([5, 1, 3])).toBe(3)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })

  it('interpolates linearly between ranks and does not reorder its input', () => {
    const values = [40, 10, 30, 20]
    // ranks: 10 20 30 40; q=0.25 -> rank 0.75 -> 10 + 0.75 * 10
    expect(quantile(values, 0.25)).toBe(17.5)
    expect(quantile(values, 0)).toBe(10)
    expect(quantile(values, 1)).toBe(40)
    expect(values).toEqual([40, 10, 30, 20])
  })

  it('rejects an empty sample and a q outside [0, 1]', () => {
    expect(() => median([])).toThrow(RangeError)
    expect(() => quantile([1], 1.5)).toThrow(/q in \[0, 1\]/)
  })
})

describe('summarize', () => {
  it('reports median, quartiles, extremes and count', () => {
    expect(summarize([9, 1, 5, 3, 7])).toEqual({ median: 5, p25: 3, p75: 7, min: 1, max: 9, n: 5 })
  })

  it('handles a single sample', () => {
    expect(summarize([42])).toEqual({ median: 42, p25: 42, p75: 42, min: 42, max: 42, n: 1 })
  })

  it('gives the interquartile range relative to the median', () => {
    expect(relativeSpread(summarize([9, 1, 5, 3, 7]))).toBeCloseTo(0.8)
    expect(relativeSpread(summarize([0, 0]))).toBe(0)
  })
})

describe('ratio', () => {
  it('divides by the reference and is undefined without one', () => {
    expect(ratio(95, 100)).toBeCloseTo(0.95)
    expect(ratio(1, 0)).toBeUndefined()
    expect(ratio(undefined, 3)).toBeUndefined()
    expect(ratio(3, undefined)).toBeUndefined()
  })
})

describe('interleave', () => {
  it('rotates so that every item takes every position across rounds', () => {
    const items = ['a', 'b', 'c']
    const rounds = [0, 1, 2].map((round) => interleave(items, round))
    expect(rounds).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
    ])
    for (let position = 0; position < items.length; position++) {
      expect(new Set(rounds.map((order) => order[position]))).toEqual(new Set(items))
    }
    expect(interleave([], 3)).toEqual([])
  })
})
