import { readFileSync } from 'node:fs'
import { renderScenarioTable, SCENARIOS } from '@foo/testkit'
import { describe, expect, it } from 'vitest'
import { README_FILES, ReadmeMarkersError, withScenarioTable } from '../src/readme.js'

describe("the READMEs' exit-path table", () => {
  const table = renderScenarioTable(SCENARIOS)

  it.each(README_FILES)(
    'is the one SCENARIOS gives in %s (pnpm --filter @foo/demo readme)',
    (file) => {
      const text = readFileSync(file, 'utf8')
      expect(withScenarioTable(text, table, file)).toBe(text)
    },
  )

  it('has one row per scenario, and a stale copy is caught', () => {
    const rows = table.split('\n').slice(2)
    expect(rows.map((row) => row.split(' | ')[0]?.slice(2))).toEqual(SCENARIOS.map((s) => s.id))
    const text = readFileSync(README_FILES[0] as string, 'utf8')
    const stale = text.replace(/\| natural-end \|[^\n]*/, '| natural-end | old | exit 0 | all |')
    expect(withScenarioTable(stale, table)).not.toBe(stale)
    expect(() => withScenarioTable('no markers', table)).toThrow(ReadmeMarkersError)
  })
})
