// Static checks on what electron-vite built (`npm test` builds first). docs/methods/security.md §Electron checklist, items 1, 4,
// 6, 8-12, 16 and 20.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(__dirname, '../..')
const out = join(root, 'out')
const preload = join(out, 'preload/index.js')
const built = existsSync(preload) && existsSync(join(out, 'main/index.js'))

/** Pinned "latest known" Electron major (November 2026); bump it when a new major ships. */
const LATEST_KNOWN_ELECTRON_MAJOR = 45
const MAX_MAJORS_BEHIND = 3

function filesUnder(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n)
    return statSync(p).isDirectory() ? filesUnder(p, ext) : ext.test(n) ? [p] : []
  })
}

describe.skipIf(!built)('built output (out/)', () => {
  it('the preload requires only "electron" and exposes exactly one key, "api"', () => {
    const src = readFileSync(preload, 'utf8')
    const requires = [...src.matchAll(/\brequire\s*\(\s*(["'`])([^"'`]*)\1\s*\)/g)].map((m) => m[2])
    expect(requires.length).toBeGreaterThan(0)
    expect(new Set(requires)).toEqual(new Set(['electron']))
    expect(src).not.toMatch(/\bimport\s*\(/)
    const exposes = [...src.matchAll(/exposeInMainWorld\s*\(\s*(["'`])([^"'`]*)\1/g)].map((m) => m[2])
    expect(exposes).toEqual(['api'])
    expect(src.match(/exposeInMainWorld/g)?.length).toBe(1)
  })

  it('the preload hands out no ipcRenderer, require or process', () => {
    const src = readFileSync(preload, 'utf8')
    const exposed = src.slice(src.indexOf('exposeInMainWorld'))
    expect(exposed).not.toMatch(/exposeInMainWorld\s*\([^)]*ipcRenderer\s*\)/)
    expect(src).not.toMatch(/exposeInMainWorld\s*\(\s*["']\w+["']\s*,\s*(ipcRenderer|require|process)\b/)
  })

  it('no dangerous webPreferences or <webview> anywhere in the build', () => {
    const files = [...filesUnder(join(out, 'main'), /\.(c|m)?js$/), ...filesUnder(join(out, 'preload'), /\.(c|m)?js$/), ...filesUnder(join(out, 'renderer'), /\.(html|js)$/)]
    expect(files.length).toBeGreaterThan(2)
    const bad: string[] = []
    for (const f of files) {
      const src = readFileSync(f, 'utf8')
      for (const re of [
        /webSecurity\s*:\s*(false|!0|!1\b)/,
        /allowRunningInsecureContent/,
        /experimentalFeatures/,
        /enableBlinkFeatures/,
        /<webview/i,
        /nodeIntegration\s*:\s*(true|!0)/,
        /contextIsolation\s*:\s*(false|!1)/,
        /sandbox\s*:\s*(false|!1)/
      ]) {
        if (re.test(src)) bad.push(`${f}: ${re}`)
      }
    }
    expect(bad).toEqual([])
  })

  it('the main process loads only the app:// renderer, never a remote URL', () => {
    const src = readFileSync(join(out, 'main/index.js'), 'utf8')
    const loads = [...src.matchAll(/loadURL\s*\(([^)]*)\)/g)].map((m) => m[1])
    expect(loads.length).toBeGreaterThan(0)
    for (const arg of loads) expect(arg).not.toMatch(/["'`]https?:\/\//)
    expect(src).toMatch(/app:\/\/|["']app["']/)
  })

  it('the renderer loads no remote script', () => {
    const html = readFileSync(join(out, 'renderer/index.html'), 'utf8')
    expect(html).not.toMatch(/<script[^>]+src\s*=\s*["']?(https?:)?\/\//i)
  })
})

describe('Electron version', () => {
  it(`is at most ${MAX_MAJORS_BEHIND} majors behind the latest known (${LATEST_KNOWN_ELECTRON_MAJOR})`, () => {
    const pkg = JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }
    const major = Number(pkg.version.split('.')[0])
    expect(Number.isInteger(major)).toBe(true)
    expect(LATEST_KNOWN_ELECTRON_MAJOR - major).toBeLessThanOrEqual(MAX_MAJORS_BEHIND)
  })
})
