import { describe, expect, it } from 'vitest'
import { createDataSource, worldSourceModuleSpec, WORLD_SOURCE_MODULE } from '../../src-main/core/world/world-source'
import { checkTrainingBatch } from '../../src-main/core/engine/train/data-source'
import { Rng } from '../../src-main/core/random/rng'
import { VOCAB_SIZE, tokenId } from '../../src-main/core/world/vocabulary'
import type { DiTConfig } from '../../src-main/core/engine/model/dit-spec'

const model: DiTConfig = { imageSize: 16, channels: 3, patch: 4, width: 32, depth: 1, heads: 2, mlpRatio: 2, timeFeatures: 16, vocabSize: VOCAB_SIZE }

describe('world data-source module', () => {
  it('gives trainer batches over the world vocabulary, reproducible from the run RNG', () => {
    const source = createDataSource({}, model)
    const a = source.sampleBatch(new Rng(5), 32)
    checkTrainingBatch(a, 32, model)
    const b = source.sampleBatch(new Rng(5), 32)
    expect(b.images).toEqual(a.images)
    expect(b.cond).toEqual(a.cond)
    // Captions name the concept; some (default 30%) name attributes too.
    const attributeWords = ['round', 'angular', 'amber', 'teal', 'violet', 'rose', 'olive', 'slate'].map((w) => tokenId(w) as number)
    let named = 0
    for (let i = 0; i < 32; i++) if (attributeWords.some((t) => a.cond[i * VOCAB_SIZE + t] > 0)) named++
    expect(named).toBeGreaterThan(0)
    expect(named).toBeLessThan(32)
  })

  it('passes options through and rejects bad ones by name', () => {
    const none = createDataSource({ captionAttributeFraction: 0 }, model).sampleBatch(new Rng(1), 16)
    expect(none.cond.length).toBe(16 * VOCAB_SIZE)
    expect(() => createDataSource({ colour: 'red' }, model)).toThrow(/unknown option colour/)
    expect(() => createDataSource({}, { ...model, vocabSize: 64 })).toThrow(/vocabSize is 64/)
    expect(() => createDataSource({ captionAttributeFraction: 2 }, model)).toThrow(/captionAttributeFraction/)
  })

  it('names a module the worker can import', () => {
    expect(WORLD_SOURCE_MODULE).toMatch(/world-source\.(ts|js)$/)
    const spec = worldSourceModuleSpec()
    expect(spec.startsWith('data:') || spec === WORLD_SOURCE_MODULE).toBe(true)
  })
})
