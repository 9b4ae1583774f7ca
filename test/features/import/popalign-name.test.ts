import { describe, expect, it } from 'vitest'
import { parsePopAlignName } from '../../../src-main/core/features/import/popalign-name'

describe('parsePopAlignName', () => {
  it('reads uuid, seed and generation index', () => {
    expect(parsePopAlignName('img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_1234_7.jpg')).toEqual({
      promptUuid: 'f0272b26-c94e-54de-9fa6-6bfb375f7e50',
      seed: 1234,
      genIndex: 7
    })
  })
  it.each([
    'image.jpg',
    'img_notauuid_seed_1_0.jpg',
    'img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_-1_0.jpg',
    'img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_1.jpg',
    'img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_99999999999999999_0.jpg',
    'x/img_f0272b26-c94e-54de-9fa6-6bfb375f7e50_seed_1_0.jpg'
  ])('returns null for %s', (name) => {
    expect(parsePopAlignName(name)).toBeNull()
  })
})
