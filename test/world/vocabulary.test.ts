import { describe, expect, it } from 'vitest'
import { encodePrompt, encodePromptDetailed, encodePrompts, nullCondition, tokenId, tokenisePrompt, VOCABULARY, VOCAB_SIZE } from '../../src-main/core/world/vocabulary'
import { neutralPrompt, parsePrompt, specificPrompt, specificPromptSet } from '../../src-main/core/world/prompts'
import { CONCEPTS, SILHOUETTES, TONES } from '../../src-main/core/world/taxonomy'

describe('vocabulary', () => {
  it('starts with <null> and holds every concept, attribute class and template word once', () => {
    expect(VOCABULARY[0]).toBe('<null>')
    expect(new Set(VOCABULARY).size).toBe(VOCABULARY.length)
    for (const w of [...CONCEPTS, ...SILHOUETTES, ...TONES, 'a', 'photo', 'of']) expect(tokenId(w)).toBeGreaterThan(0)
    expect(VOCAB_SIZE).toBe(VOCABULARY.length)
  })

  it('encodes a multi-hot bag of words over whole words', () => {
    const v = encodePrompt('a photo of a doctor')
    expect(v.length).toBe(VOCAB_SIZE)
    expect(v[tokenId('a')!]).toBe(1)
    expect(v[tokenId('doctor')!]).toBe(1)
    expect(v.reduce((s, x) => s + x, 0)).toBe(4)
    // An attribute word weighs as much as the concept, however long the prompt.
    const specific = encodePrompt('a photo of a round teal doctor')
    expect(specific[tokenId('teal')!]).toBe(specific[tokenId('doctor')!])
    // Case and punctuation do not matter; word order does not either (it is a bag).
    expect(Array.from(encodePrompt('A photo, of a DOCTOR.'))).toEqual(Array.from(v))
  })

  it('matches whole words only and reports unknown words', () => {
    const r = encodePromptDetailed('a doctors photo of a roundish doctor in space')
    expect(r.unknown).toEqual(['doctors', 'roundish', 'in', 'space'])
    expect(r.vector[tokenId('round')!]).toBe(0)
    expect(r.vector[tokenId('doctor')!]).toBe(1)
  })

  it('encodes an empty or all-unknown prompt as the <null> one-hot', () => {
    expect(Array.from(encodePrompt(''))).toEqual(Array.from(nullCondition()))
    const r = encodePromptDetailed('zebra crossing')
    expect(Array.from(r.vector)).toEqual(Array.from(nullCondition()))
    expect(r.unknown).toEqual(['zebra', 'crossing'])
    expect(tokenisePrompt('<null> doctor').unknown).toEqual(['<null>'])
  })

  it('encodes unseen combinations of known words', () => {
    const v = encodePrompt('a photo of a round violet astronaut')
    for (const w of ['round', 'violet', 'astronaut']) expect(v[tokenId(w)!]).toBeGreaterThan(0)
  })

  it('batches prompts into [B, V] rows', () => {
    const rows = encodePrompts(['a doctor', '', 'a teal pilot'])
    expect(rows.length).toBe(3 * VOCAB_SIZE)
    expect(Array.from(rows.subarray(0, VOCAB_SIZE))).toEqual(Array.from(encodePrompt('a doctor')))
    expect(rows[VOCAB_SIZE]).toBe(1)
  })

  it('rejects a non-string prompt', () => {
    expect(() => encodePrompt(3 as never)).toThrow(/prompt must be a string/)
  })
})

describe('prompts', () => {
  it('builds neutral and specific prompts and parses them back by whole words', () => {
    expect(neutralPrompt('doctor')).toBe('a photo of a doctor')
    expect(specificPrompt('doctor', { silhouette: 'round', tone: 'teal' })).toBe('a photo of a round teal doctor')
    expect(neutralPrompt('astronaut')).toBe('a photo of an astronaut')
    expect(specificPrompt('pilot', { tone: 'amber' }, 'a {}')).toBe('an amber pilot')
    expect(parsePrompt('a photo of a round teal doctor')).toEqual({ concept: 'doctor', silhouette: 'round', tone: 'teal' })
    expect(parsePrompt('a photo of a doctor')).toEqual({ concept: 'doctor', silhouette: null, tone: null })
    expect(parsePrompt('a roundish teal nurse and a pilot')).toEqual({ concept: null, silhouette: null, tone: 'teal' })
    expect(specificPromptSet().length).toBe(CONCEPTS.length * 12)
  })
})
