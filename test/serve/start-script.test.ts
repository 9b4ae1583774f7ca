import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findElectronBinary } from '../../scripts/start.mjs'

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
