// The adjudication queue says who chose what by name, people only (issue 10): the second-hour journey
// showed "Set 1 · 0 chose it: classifier" on an acquired pair, the count of people beside the
// classifier's name. The classifier's verdict is said apart.
import { describe, expect, it } from 'vitest'
import type { PairOverview } from '@shared/contract'
import { classifierVerdict, whoChose } from '../../src-renderer/src/lib/team/adjudication-words'

const pair = (decisions: PairOverview['decisions']): PairOverview => ({
  id: 3,
  promptText: 'a photo of a doctor',
  setA: { id: 11, label: 'Set 1', imageIds: [1, 2] },
  setB: { id: 12, label: 'balanced', imageIds: [3, 4] },
  decisions
})

describe('who chose what in the adjudication queue', () => {
  const split = pair([
    { annotator: 'classifier', kind: 'classifier', criterion: 'fairness', choice: 'a' },
    { annotator: 'Ada', kind: 'human', criterion: 'fairness', choice: 'b' },
    { annotator: 'owner', kind: 'human', criterion: 'fairness', choice: 'tie' },
    { annotator: 'Ben', kind: 'human', criterion: 'quality', choice: 'a' }
  ])

  it('names the people who gave each answer on the criterion, never the classifier', () => {
    expect(whoChose(split, 'fairness', 'a')).toBe('nobody')
    expect(whoChose(split, 'fairness', 'b')).toBe('Ada')
    expect(whoChose(split, 'fairness', 'tie')).toBe('owner')
    expect(whoChose(split, 'quality', 'a')).toBe('Ben')
    expect(whoChose(undefined, 'fairness', 'a')).toBe('nobody')
  })

  it("says the classifier's verdict apart, naming the set", () => {
    expect(classifierVerdict(split, 'fairness')).toBe('The classifier chose Set 1.')
    expect(classifierVerdict(split, 'quality')).toBeNull()
    expect(classifierVerdict(pair([{ annotator: 'classifier', kind: 'classifier', criterion: 'fairness', choice: 'b' }]), 'fairness')).toBe('The classifier chose balanced.')
    expect(classifierVerdict(pair([{ annotator: 'classifier', kind: 'classifier', criterion: 'fairness', choice: 'tie' }]), 'fairness')).toBe('The classifier called it a tie.')
  })
})
