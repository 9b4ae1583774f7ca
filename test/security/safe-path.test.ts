// Table test for resolveInside (docs/methods/security.md §Serving local images safely, tests U).
// Every row builds on a real temporary tree, including real symlinks, so the checks are exercised
// against the filesystem rather than against string patterns.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { UnsafePathError, isStrictlyInside, resolveInside } from '../../src-main/core/fs/safe-path'

const IMAGES = ['.png', '.jpg', '.jpeg', '.webp'] as const

let base: string
let root: string
let haveFifo = false

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'safe-path-')))
  root = path.join(base, 'root')
  mkdirSync(path.join(root, 'sub'), { recursive: true })
  mkdirSync(path.join(root, 'dir.png'))
  writeFileSync(path.join(root, 'a.png'), 'x')
  writeFileSync(path.join(root, 'UPPER.PNG'), 'x')
  writeFileSync(path.join(root, 'sub', 'b.jpg'), 'x')
  writeFileSync(path.join(root, 'café.webp'), 'x')
  writeFileSync(path.join(root, '100%.png'), 'x')
  writeFileSync(path.join(root, 'notes.txt'), 'x')
  writeFileSync(path.join(root, '..hidden.png'), 'x') // a legal name that merely starts with two dots
  writeFileSync(path.join(base, 'secret.png'), 'outside')
  mkdirSync(path.join(base, 'root-evil'))
  writeFileSync(path.join(base, 'root-evil', 'x.png'), 'evil sibling')
  symlinkSync(path.join(base, 'secret.png'), path.join(root, 'link-out.png'))
  symlinkSync(path.join(base, 'root-evil'), path.join(root, 'dirlink'))
  symlinkSync(path.join(root, 'a.png'), path.join(root, 'link-in.png'))
  symlinkSync(path.join(root, 'notes.txt'), path.join(root, 'disguised.png'))
  try {
    execFileSync('mkfifo', [path.join(root, 'fifo.png')])
    haveFifo = true
  } catch {
    // no mkfifo on this platform: the FIFO row below is skipped
  }
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

describe('resolveInside accepts files inside the root', () => {
  const ok: Array<[string, string]> = [
    ['plain name', 'a.png'],
    ['sub folder', 'sub/b.jpg'],
    ['dot segment that stays inside', 'sub/../a.png'],
    ['percent-encoded ordinary character', 'sub%2Fb.jpg'],
    ['upper-case extension', 'UPPER.PNG'],
    ['unicode name (NFC as on disk)', 'caf%C3%A9.webp'],
    ['name starting with two dots', '..hidden.png'],
    ['symlink that stays inside', 'link-in.png']
  ]
  it.each(ok)('%s: %s', (_label, input) => {
    const got = resolveInside(root, input, { extensions: IMAGES })
    expect(isStrictlyInside(root, got)).toBe(true)
  })

  it('accepts an absolute path that lies inside the root (stored DB paths are absolute)', () => {
    expect(resolveInside(root, path.join(root, 'sub', 'b.jpg'))).toBe(path.join(root, 'sub', 'b.jpg'))
  })

  it('returns the real path of a symlink inside the root', () => {
    expect(resolveInside(root, 'link-in.png')).toBe(path.join(root, 'a.png'))
  })

  it('keeps % literal when decoding is off (CSV and JSON cells)', () => {
    expect(resolveInside(root, '100%.png', { decode: false, extensions: IMAGES })).toBe(path.join(root, '100%.png'))
    expect(() => resolveInside(root, '100%.png')).toThrow(/percent-encoding/)
  })
})

describe('resolveInside refuses', () => {
  const bad: Array<[string, () => string, RegExp]> = [
    ['../', () => '../secret.png', /outside/],
    ['deep ../', () => 'sub/../../secret.png', /outside/],
    ['..%2f', () => '..%2fsecret.png', /outside/],
    ['..%2F upper-case', () => '..%2Fsecret.png', /outside/],
    ['%2e%2e/', () => '%2e%2e/secret.png', /outside/],
    ['%2E%2E%2F all encoded', () => '%2E%2E%2Fsecret.png', /outside/],
    ['double-encoded %252e%252e%252f', () => '%252e%252e%252fsecret.png', /encoded more than once/],
    ['double-encoded %252E upper', () => '%252E%252E/secret.png', /encoded more than once/],
    ['malformed encoding', () => '%E0%A4%A.png', /malformed/],
    ['absolute path outside', () => '/etc/passwd', /outside/],
    ['absolute path to outside image', () => path.join(base, 'secret.png'), /outside/],
    ['Windows drive C:\\', () => 'C:\\Windows\\win.ini', /drive/],
    ['Windows drive c:/', () => 'c:/secret.png', /drive/],
    ['backslash traversal', () => '..\\secret.png', /outside/],
    ['UNC \\\\host\\share', () => '\\\\host\\share\\x.png', /UNC/],
    ['UNC //host/share', () => '//host/share/x.png', /UNC/],
    ['NUL byte', () => 'a.png\0.txt', /NUL/],
    ['encoded NUL byte', () => 'a.png%00.txt', /NUL/],
    ['symlink pointing outside', () => 'link-out.png', /symlink/],
    ['symlinked folder pointing outside', () => 'dirlink/x.png', /symlink/],
    ['sibling <root>-evil (the startsWith bug)', () => '../root-evil/x.png', /outside/],
    ['sibling <root>-evil absolute', () => path.join(base, 'root-evil', 'x.png'), /outside/],
    ['fullwidth dots look-alike', () => '\uFF0E\uFF0E/secret.png', /look-alike/],
    ['fullwidth dots and slash look-alike', () => '\uFF0E\uFF0E\uFF0Fsecret.png', /look-alike/],
    ['one-dot-leader pair', () => '\u2025/secret.png', /look-alike/],
    ['trailing dot', () => 'a.png.', /ends with a dot/],
    ['trailing space', () => 'a.png ', /space/],
    ['case variation of the root folder', () => path.join(base, 'ROOT', 'a.png'), /outside/],
    ['case variation of the extension that does not exist', () => 'a.PNG', /does not exist/],
    ['unicode NFD form of an NFC name (no such file here)', () => 'cafe\u0301.webp', /does not exist/],
    ['extension not allowed', () => 'notes.txt', /extension/],
    ['symlink with image name to a text file', () => 'disguised.png', /extension/],
    ['folder with an image extension', () => 'dir.png', /regular file/],
    ['the root itself', () => '.', /root folder itself/],
    ['empty string', () => '', /empty/],
    ['missing file', () => 'nope.png', /does not exist/],
    ['overlong input', () => 'a/'.repeat(3000) + 'a.png', /longer/]
  ]
  it.each(bad)('%s', (_label, input, why) => {
    let caught: unknown
    try {
      resolveInside(root, input(), { extensions: IMAGES })
    } catch (err) {
      caught = err
    }
    expect(caught).toBeInstanceOf(UnsafePathError)
    expect((caught as Error).message).toMatch(why)
  })

  it('refuses a FIFO even with an image extension', () => {
    if (!haveFifo) return
    expect(() => resolveInside(root, 'fifo.png', { extensions: IMAGES })).toThrow(/regular file/)
  })

  it('refuses when the root does not exist', () => {
    expect(() => resolveInside(path.join(base, 'missing'), 'a.png')).toThrow(/root folder does not exist/)
  })

  it('quotes the input in the error so the import report can show it', () => {
    expect(() => resolveInside(root, '../secret.png')).toThrow('"../secret.png"')
  })
})

describe('isStrictlyInside compares whole segments', () => {
  it.each([
    ['/a/root', '/a/root/x', true],
    ['/a/root', '/a/root', false],
    ['/a/root', '/a/root-evil/x', false],
    ['/a/root', '/a/rootx', false],
    ['/a/root', '/a/root/..x', true],
    ['/a/root', '/a', false]
  ])('%s contains %s: %s', (parent, child, expected) => {
    expect(isStrictlyInside(parent, child)).toBe(expected)
  })
})
