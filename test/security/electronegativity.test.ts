// Electronegativity (Doyensec's Electron security scanner, docs/methods/security.md §Electron checklist) over what electron-vite
// built. It runs offline when given the Electron version. Every warning or error fails the test; a
// note passes only if it is in the reviewed list below, with the reason it was accepted.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const out = join(root, 'out')
const built = existsSync(join(out, 'main/index.js')) && existsSync(join(out, 'renderer/index.html'))
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version
const tmp = mkdtempSync(join(tmpdir(), 'electronegativity-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

/** Findings we reviewed: rule id, the file it points at, and why it is acceptable. */
const REVIEWED: { rule: string; file: RegExp; why: string }[] = [
  { rule: 'CSP_GLOBAL_CHECK', file: /renderer\/index\.html$/, why: 'the CSP is present; its directives are asserted in test/security/csp.test.ts' },
  { rule: 'OPEN_EXTERNAL_JS_CHECK', file: /main\/index\.js$/, why: 'openExternal only receives URLs that passed vetExternalUrl (test/security/protocol.test.ts)' }
]

interface Finding {
  rule: string
  level: string
  file: string
  line: number | null
}

function scan(input: string): Finding[] {
  const sarif = join(tmp, `${Math.random().toString(36).slice(2)}.sarif`)
  const r = spawnSync(process.execPath, [join(root, 'node_modules/@doyensec/electronegativity/dist/index.js'), '-i', input, '-e', electronVersion, '-r', '-v', 'false', '-o', sarif], {
    encoding: 'utf8',
    timeout: 120_000
  })
  if (!existsSync(sarif)) throw new Error(`electronegativity wrote no report (exit ${r.status}): ${r.stderr || r.stdout}`)
  const report = JSON.parse(readFileSync(sarif, 'utf8')) as {
    runs: { results: { ruleId: string; level?: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine?: number } } }[] }[] }[]
  }
  return report.runs.flatMap((run) =>
    run.results.map((res) => {
      const loc = res.locations[0]?.physicalLocation
      return { rule: res.ruleId, level: res.level ?? 'warning', file: loc?.artifactLocation.uri ?? '', line: loc?.region?.startLine ?? null }
    })
  )
}

describe.skipIf(!built)('Electronegativity', () => {
  it('finds no warning or error in the built app, and only reviewed notes', () => {
    const findings = scan(out)
    const unreviewed = findings.filter((f) => f.level !== 'note' || !REVIEWED.some((r) => r.rule === f.rule && r.file.test(f.file)))
    expect(unreviewed).toEqual([])
  }, 150_000)

  it('does report a window that turns on nodeIntegration (the scan can fail)', () => {
    const dir = join(tmp, 'bad-app')
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    writeFileSync(join(dir, 'main.js'), "const { BrowserWindow } = require('electron')\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } })\n")
    const rules = scan(dir).map((f) => f.rule)
    expect(rules).toContain('NODE_INTEGRATION_JS_CHECK')
  }, 150_000)
})
