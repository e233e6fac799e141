#!/usr/bin/env node
// Sums every workspace's Vitest JSON report (reports/vitest.json) into one closing line,
// `N passed, N failed`, the line CI reads. Exits 1 when a report is missing or a test failed.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(fileURLToPath(new URL('..', import.meta.url)))
let passed = 0
let failed = 0
let skipped = 0
const missing = []
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dir = join(root, group, name)
    if (!existsSync(join(dir, 'package.json'))) continue
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    if (!pkg.scripts?.test) continue
    const report = join(dir, 'reports', 'vitest.json')
    if (!existsSync(report)) {
      missing.push(pkg.name)
      continue
    }
    const r = JSON.parse(readFileSync(report, 'utf8'))
    passed += r.numPassedTests
    // A file that failed to load has no test results but counts as a failure.
    failed += r.numFailedTests + (r.numFailedTestSuites > 0 && r.numFailedTests === 0 ? 1 : 0)
    skipped += r.numPendingTests + (r.numTodoTests ?? 0)
    process.stdout.write(
      `${pkg.name}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped\n`,
    )
    // Name what failed, with the first line of its message, so a CI log's tail says which test.
    for (const file of r.testResults ?? []) {
      const rel = file.name.startsWith(dir) ? file.name.slice(dir.length + 1) : file.name
      if (file.status === 'failed' && (file.assertionResults ?? []).length === 0) {
        process.stdout.write(`  failed to load: ${rel}: ${firstLine(file.message)}\n`)
      }
      for (const t of file.assertionResults ?? []) {
        if (t.status !== 'failed') continue
        process.stdout.write(
          `  failed: ${rel} > ${t.fullName}: ${firstLine(t.failureMessages?.[0])}\n`,
        )
      }
    }
  }
}
function firstLine(text) {
  return String(text ?? '')
    .split('\n')[0]
    .slice(0, 300)
}
if (missing.length > 0) {
  process.stdout.write(`no test report from: ${missing.join(', ')} (counted as failed)\n`)
  failed += missing.length
}
process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`)
process.exit(failed > 0 ? 1 : 0)
