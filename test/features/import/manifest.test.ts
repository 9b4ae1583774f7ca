import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_IMPORT_LIMITS } from '../../../src-main/core/features/import/limits'
import { buildManifest, type Manifest, type ManifestEntry } from '../../../src-main/core/features/import/manifest'

const FIXTURE = path.resolve(__dirname, '..', '..', 'fixtures', 'import-basic')
const tmp = mkdtempSync(path.join(tmpdir(), 'manifest-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function byRel(entries: ManifestEntry[]): Map<string, ManifestEntry> {
  return new Map(entries.map((e) => [e.relPath, e]))
}

describe('buildManifest on the sidecar fixture', () => {
  let m: Manifest
  let entries: Map<string, ManifestEntry>
  beforeAll(async () => {
    m = await buildManifest(FIXTURE, DEFAULT_IMPORT_LIMITS)
    entries = byRel(m.entries)
  })

  it('lists the top-level images only (the csv-variant sub folder is not swept in)', () => {
    expect(m.entries).toHaveLength(12)
    expect([...entries.keys()].some((k) => k.includes('/'))).toBe(false)
  })

  it('takes prompt from the sidecar and seed from the PopAlignSDXL name', () => {
    const e = entries.get('img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_2_1.jpg')!
    expect(e.prompt).toBe('a photo of a doctor')
    expect(e.seed).toBe(2)
    expect(e.problem).toBeNull()
    expect(e.absPath).toBe(path.join(FIXTURE, e.relPath))
    expect(e.provenance).toMatchObject({ source: 'sidecar', genIndex: 1, promptUuid: 'f0272b26-c94e-54de-9fa6-6bfb375f7e50' })
  })

  it('reports a sidecar without a prompt', () => {
    expect(entries.get('no-prompt.png')!.problem).toMatch(/no-prompt\.json has no prompt/)
  })

  it('leaves file-content problems (corrupt, empty) for the decode step', () => {
    for (const name of ['corrupt.png', 'truncated.jpg', 'not-an-image.png', 'empty.png']) {
      expect(entries.get(name)!.problem).toBeNull()
    }
  })
})

describe('buildManifest on the CSV fixture', () => {
  let m: Manifest
  let entries: Map<string, ManifestEntry>
  beforeAll(async () => {
    m = await buildManifest(path.join(FIXTURE, 'csv-variant'), DEFAULT_IMPORT_LIMITS)
    entries = byRel(m.entries)
  })

  it('reads quoted prompts and paths into sub folders', () => {
    expect(entries.get('a.png')!.prompt).toBe('a photo of a teacher, smiling')
    expect(entries.get('b.jpg')!.prompt).toBe('a photo of a "chef"')
    expect(entries.get('sub/c.webp')!.prompt).toBe('a photo of a teacher, smiling')
  })

  it('refuses a ../ path, a missing file and an empty prompt, naming the CSV line', () => {
    const outside = m.entries.find((e) => e.relPath.startsWith('../'))!
    expect(outside.problem).toMatch(/images\.csv line 5: .*outside/)
    expect(outside.absPath).toBeNull()
    expect(entries.get('missing.png')!.problem).toMatch(/line 6: .*does not exist/)
    expect(entries.get('d.png')!.problem).toMatch(/line 7: empty prompt/)
  })

  it('has exactly the expected entries', () => {
    expect([...entries.keys()].sort()).toEqual(['../img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_1_0.png', 'a.png', 'b.jpg', 'd.png', 'missing.png', 'sub/c.webp'].sort())
  })
})

describe('buildManifest refuses hostile and odd inputs', () => {
  it('refuses a sidecar file_path that leads outside and a symlinked image pointing out', async () => {
    const dir = path.join(tmp, 'hostile')
    mkdirSync(dir)
    writeFileSync(path.join(tmp, 'secret.png'), 'x')
    writeFileSync(path.join(dir, 'orphan.json'), JSON.stringify({ file_path: '../secret.png', prompt: 'p' }))
    symlinkSync(path.join(tmp, 'secret.png'), path.join(dir, 'link.png'))
    writeFileSync(path.join(dir, 'link.json'), JSON.stringify({ prompt: 'p' }))
    writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ some: 'setting' }))
    const entries = byRel((await buildManifest(dir, DEFAULT_IMPORT_LIMITS)).entries)
    expect(entries.get('orphan.json')!.problem).toMatch(/file_path "\.\.\/secret\.png" is unusable: .*outside/)
    expect(entries.get('link.png')!.problem).toMatch(/symlink/)
    expect(entries.has('config.json')).toBe(false)
  })

  it('follows a sidecar file_path when there is no same-stem image, and reports bad JSON', async () => {
    const dir = path.join(tmp, 'paths')
    mkdirSync(path.join(dir, 'outputs'), { recursive: true })
    copyFileSync(path.join(FIXTURE, 'no-prompt.png'), path.join(dir, 'outputs', 'x.png'))
    writeFileSync(path.join(dir, 'meta.json'), JSON.stringify({ file_path: 'outputs/x.png', prompt: 'a cook' }))
    copyFileSync(path.join(FIXTURE, 'no-prompt.png'), path.join(dir, 'y.png'))
    writeFileSync(path.join(dir, 'y.json'), '{ not json')
    const entries = byRel((await buildManifest(dir, DEFAULT_IMPORT_LIMITS)).entries)
    expect(entries.get('outputs/x.png')!.prompt).toBe('a cook')
    expect(entries.get('y.png')!.problem).toMatch(/sidecar y\.json: not valid JSON/)
  })

  it('throws for a missing or relative folder', async () => {
    await expect(buildManifest(path.join(tmp, 'nope'), DEFAULT_IMPORT_LIMITS)).rejects.toThrow(/does not exist/)
    await expect(buildManifest('relative/dir', DEFAULT_IMPORT_LIMITS)).rejects.toThrow(/absolute/)
    await expect(buildManifest(path.join(FIXTURE, 'empty.png'), DEFAULT_IMPORT_LIMITS)).rejects.toThrow(/not a folder/)
  })
})
