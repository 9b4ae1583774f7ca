import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findElectronBinary } from '../../scripts/start.mjs'
import { BUILD_OUTPUTS, STAMP_FILE, buildIfChanged, buildIsCurrent, sourceHash } from '../../scripts/build-stamp.mjs'
import { browserOpener, openInBrowser } from '../../src-main/core/serve/open-browser'

const dir = mkdtempSync(join(tmpdir(), 'start-test-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('findElectronBinary', () => {
  it('is null when electron has no path.txt (binary never downloaded)', () => {
    const pkg = join(dir, 'no-binary')
    mkdirSync(pkg)
    expect(findElectronBinary(pkg, {})).toBeNull()
    expect(findElectronBinary(null, {})).toBeNull()
  })

  it('is null when path.txt names a binary that is not there', () => {
    const pkg = join(dir, 'missing')
    mkdirSync(pkg)
    writeFileSync(join(pkg, 'path.txt'), 'electron')
    expect(findElectronBinary(pkg, {})).toBeNull()
  })

  it('finds dist/<path.txt>, the override dist folder, and ELECTRON_EXEC_PATH', () => {
    const pkg = join(dir, 'present')
    mkdirSync(join(pkg, 'dist'), { recursive: true })
    writeFileSync(join(pkg, 'path.txt'), 'electron')
    writeFileSync(join(pkg, 'dist', 'electron'), '')
    expect(findElectronBinary(pkg, {})).toBe(join(pkg, 'dist', 'electron'))
    const other = join(dir, 'other-dist')
    mkdirSync(other)
    writeFileSync(join(other, 'electron'), '')
    expect(findElectronBinary(pkg, { ELECTRON_OVERRIDE_DIST_PATH: other })).toBe(join(other, 'electron'))
    expect(findElectronBinary(pkg, { ELECTRON_EXEC_PATH: join(other, 'electron') })).toBe(join(other, 'electron'))
    expect(findElectronBinary(pkg, { ELECTRON_EXEC_PATH: join(other, 'nope') })).toBeNull()
  })
})

describe('a quiet start: build only when the sources changed (issue 10)', () => {
  /** A project folder whose "electron-vite" writes the build outputs, prints a lot, and counts its runs. */
  function fakeProject(name: string, buildExit = 0): { dir: string; builds: () => number } {
    const project = join(dir, name)
    mkdirSync(join(project, 'src-main'), { recursive: true })
    mkdirSync(join(project, 'src-renderer'), { recursive: true })
    mkdirSync(join(project, 'node_modules', 'electron-vite', 'bin'), { recursive: true })
    writeFileSync(join(project, 'src-main', 'a.ts'), 'export const a = 1\n')
    writeFileSync(join(project, 'src-renderer', 'App.svelte'), '<p>hi</p>\n')
    writeFileSync(join(project, 'package.json'), '{}\n')
    const outputs = JSON.stringify(BUILD_OUTPUTS)
    writeFileSync(
      join(project, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      `const fs = require('fs'), path = require('path')
for (let i = 0; i < 50; i++) console.log('vite noise line ' + i)
fs.appendFileSync('builds.txt', 'x')
if (${buildExit}) { console.error('error TS1: broken'); process.exit(${buildExit}) }
for (const f of ${outputs}) { fs.mkdirSync(path.dirname(f), { recursive: true }); fs.writeFileSync(f, '') }
`
    )
    return { dir: project, builds: () => (existsSync(join(project, 'builds.txt')) ? readFileSync(join(project, 'builds.txt'), 'utf8').length : 0) }
  }

  it('builds once with one line, skips an unchanged tree, and builds again after an edit', () => {
    const p = fakeProject('quiet')
    const lines: string[] = []
    expect(buildIfChanged(p.dir, (l) => lines.push(l))).toBe(true)
    expect(lines).toEqual(['Building PopAlign Studio (its sources changed since the last build)…'])
    expect(p.builds()).toBe(1)
    expect(buildIsCurrent(p.dir)).toBe(true)
    expect(buildIfChanged(p.dir, (l) => lines.push(l))).toBe(false)
    expect(p.builds()).toBe(1)
    expect(lines).toHaveLength(1)
    // Same size, same mtime resolution: the content decides.
    writeFileSync(join(p.dir, 'src-main', 'a.ts'), 'export const a = 2\n')
    expect(buildIsCurrent(p.dir)).toBe(false)
    expect(buildIfChanged(p.dir, () => {})).toBe(true)
    expect(p.builds()).toBe(2)
    // A missing output is rebuilt too.
    rmSync(join(p.dir, BUILD_OUTPUTS[1]))
    expect(buildIfChanged(p.dir, () => {})).toBe(true)
    expect(p.builds()).toBe(3)
  })

  it('a renamed or added source changes the hash; a file outside the inputs does not', () => {
    const p = fakeProject('hash')
    const before = sourceHash(p.dir)
    writeFileSync(join(p.dir, 'notes.txt'), 'not a build input')
    expect(sourceHash(p.dir)).toBe(before)
    writeFileSync(join(p.dir, 'src-renderer', 'New.svelte'), '')
    expect(sourceHash(p.dir)).not.toBe(before)
  })

  it('a failing build says so and leaves no stamp', () => {
    const p = fakeProject('broken', 2)
    expect(() => buildIfChanged(p.dir, () => {})).toThrow(/the build failed \(exit 2\)/)
    expect(existsSync(join(p.dir, STAMP_FILE))).toBe(false)
  })
})

describe('opening the browser after a start', () => {
  const asked = { POPALIGN_OPEN_BROWSER: '1' }
  it('uses xdg-open in a Linux desktop session, open on macOS, start on Windows', () => {
    expect(browserOpener('linux', { ...asked, DISPLAY: ':0' })).toEqual({ command: 'xdg-open', args: [] })
    expect(browserOpener('linux', { ...asked, WAYLAND_DISPLAY: 'wayland-0' })).toEqual({ command: 'xdg-open', args: [] })
    expect(browserOpener('darwin', asked)?.command).toBe('open')
    expect(browserOpener('win32', asked)?.command).toBe('cmd')
  })

  it('opens nothing without a display, in CI, or when the start did not ask for it (tests, node out/main/serve.js)', () => {
    expect(browserOpener('linux', asked)).toBeNull()
    expect(browserOpener('linux', { ...asked, DISPLAY: ':0', CI: 'true' })).toBeNull()
    expect(browserOpener('linux', { DISPLAY: ':0' })).toBeNull()
    expect(openInBrowser('http://127.0.0.1:1/', 'linux', asked)).toBe(false)
  })

  it('does not fail when the opener is missing', () => {
    // PATH without xdg-open: the spawn fails asynchronously and is ignored.
    expect(openInBrowser('http://127.0.0.1:1/', 'linux', { ...asked, DISPLAY: ':0', PATH: dir })).toBe(true)
  })
})
