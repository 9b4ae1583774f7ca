// The vote rule of one pair, by hand: majority over all four choices, agreement, exact ties, adjudication.
import { describe, expect, it } from 'vitest'
import type { Choice } from '@shared/contract'
import { decidePair } from '../../../../src-main/core/features/preference-data/snapshots/majority'

const votes = (...choices: Choice[]) => choices.map((choice, i) => ({ judgementId: i + 1, annotatorId: i + 1, choice, createdAt: `2025-01-0${i + 1}T00:00:00.000Z` }))

describe('decidePair', () => {
  it('one vote decides alone with agreement 1', () => {
    expect(decidePair(votes('b'))).toEqual({ outcome: 'b', agreement: 1, decidedAt: '2025-01-01T00:00:00.000Z' })
  })
  it('the majority wins; agreement is the share that agrees; the time is the latest agreeing vote', () => {
    expect(decidePair(votes('a', 'b', 'a'))).toEqual({ outcome: 'a', agreement: 2 / 3, decidedAt: '2025-01-03T00:00:00.000Z' })
    expect(decidePair(votes('a', 'cant_judge', 'a', 'b'))).toMatchObject({ outcome: 'a', agreement: 0.5 })
  })
  it("a majority of ties or of can't-judge leaves the pair undecided", () => {
    expect(decidePair(votes('tie', 'tie', 'a')).outcome).toBe('tie')
    expect(decidePair(votes('cant_judge', 'b', 'cant_judge')).outcome).toBe('cant_judge')
  })
  it('an exact tie between the leading choices is a vote tie', () => {
    expect(decidePair(votes('a', 'b'))).toMatchObject({ outcome: 'vote_tie', agreement: 0.5 })
    expect(decidePair(votes('a', 'tie', 'b', 'cant_judge')).outcome).toBe('vote_tie')
  })
  it('an adjudication replaces the vote and keeps the agreement with it', () => {
    expect(decidePair(votes('a', 'b'), { choice: 'b', createdAt: '2025-02-01T00:00:00.000Z' })).toEqual({ outcome: 'b', agreement: 0.5, decidedAt: '2025-02-01T00:00:00.000Z' })
  })
  it('refuses a pair with neither votes nor adjudication', () => {
    expect(() => decidePair([])).toThrow(/without votes/)
  })
})
