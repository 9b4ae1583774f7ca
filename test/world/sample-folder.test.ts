import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { writeWorldSample, uuid5, figureForPrompt } from '../../src-main/core/world/sample-folder'
import { resolveWorldBias } from '../../src-main/core/world/bias'
import { Rng } from '../../src-main/core/random/rng'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'world-sample-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('world sample folder', () => {
  it('computes uuid5 like Python uuid.uuid5(NAMESPACE_DNS, name)', () => {
    // python3 -c "import uuid; print(uuid.uuid5(uuid.NAMESPACE_DNS, 'a photo of a doctor'))"
    expect(uuid5('a photo of a doctor')).toBe('7e56a296-de89-52db-9be1-babc32673ef5')
  })

  it('writes PopAlignSDXL-style PNG + sidecar pairs, reproducibly', async () => {
    const prompts = ['a photo of a nurse', 'a photo of a round teal pilot']
    const a = await writeWorldSample({ outDir: join(dir, 'a'), prompts, perPrompt: 5, seed: 3 })
    const b = await writeWorldSample({ outDir: join(dir, 'b'), prompts, perPrompt: 5, seed: 3 })
    expect(a).toEqual(b)
    const files = readdirSync(join(dir, 'a')).sort()
    expect(files.length).toBe(20)
    for (const f of files) expect(f).toMatch(/^img_[0-9a-f-]{36}_seed_3_\d\.(png|json)$/)
    const side = JSON.parse(
      readFileSync(
        join(
          dir,
          'a',
          files.find((f) => f.endsWith('.json'))!
        ),
        'utf8'
      )
    )
    expect(Object.keys(side)).toEqual(expect.arrayContaining(['file_path', 'prompt']))
    expect(readFileSync(join(dir, 'a', a[0].file_path))).toEqual(readFileSync(join(dir, 'b', b[0].file_path)))
    // The specific prompt's attributes are honoured every time.
    for (const s of a.filter((x) => x.prompt.includes('pilot'))) expect(s.world).toEqual({ concept: 'pilot', silhouette: 'round', tone: 'teal' })
  })

  it('draws unnamed attributes from the bias and rejects prompts without a concept', () => {
    const bias = resolveWorldBias({ doctor: { silhouette: [0, 1] } })
    const rng = new Rng(1)
    for (let i = 0; i < 50; i++) expect(figureForPrompt('a doctor', bias, rng).silhouette).toBe('angular')
    expect(() => figureForPrompt('a photo of a wizard', bias, rng)).toThrow(/names no single known concept/)
  })

  it('ships a default sample folder under 1 MB with 4 neutral prompts x 20 images', () => {
    const sample = resolve(__dirname, '../../resources/world/sample')
    const files = readdirSync(sample)
    const sidecars = files.filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(sample, f), 'utf8')))
    expect(sidecars.length).toBe(80)
    expect(new Set(sidecars.map((s) => s.prompt)).size).toBe(4)
    for (const s of sidecars) expect(files).toContain(s.file_path)
    const bytes = files.reduce((n, f) => n + readFileSync(join(sample, f)).length, 0)
    expect(bytes).toBeLessThan(1024 * 1024)
  })
})
