// Runs every test suite through Vitest and ends with the plain summary line CI reads:
// "N passed, N failed" (Vitest's own summary is not a line CI recognises).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const reportFile = join(mkdtempSync(join(tmpdir(), 'popalign-tests-')), 'report.json')
const extra = process.argv.slice(2)
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/vitest.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${reportFile}`, ...extra],
  { stdio: 'inherit', env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' } }
)

let passed = 0
let failed = 0
let skipped = 0
if (existsSync(reportFile)) {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'))
  passed = report.numPassedTests ?? 0
  // A file that fails before any test runs (a syntax or import error) counts as one failure.
  const brokenFiles = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length
  failed = (report.numFailedTests ?? 0) + brokenFiles
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
} else {
  failed = 1
}
if (run.status !== 0 && failed === 0) failed = 1
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed === 0 && passed > 0 ? 0 : 1)
