// The Pairs screen's decision line (issue 10): sets named by their label, never by the stored a/b side.
import { describe, expect, it } from 'vitest'
import { createdPairsText, pairStatus, sizesDiffer } from '../../src-renderer/src/lib/pair-status'

const pair = { id: 9, promptText: 'a doctor', setA: { id: 14, label: 'Set 2', imageIds: [1] }, setB: { id: 15, label: 'hand-picked', imageIds: [2] } }

describe('pairStatus', () => {
  it('says a pair without decisions is not labelled yet', () => {
    expect(pairStatus({ ...pair, decisions: [] })).toBe('Not labelled yet')
  })
  it('names who chose which set, per criterion', () => {
    expect(
      pairStatus({
        ...pair,
        decisions: [
          { annotator: 'owner', kind: 'human' as const, criterion: 'fairness', choice: 'b' },
          { annotator: 'alice', kind: 'human' as const, criterion: 'quality', choice: 'a' },
          { annotator: 'bob', kind: 'human' as const, criterion: 'fairness', choice: 'tie' },
          { annotator: 'carol', kind: 'human' as const, criterion: 'fairness', choice: 'cant_judge' }
        ]
      })
    ).toBe("owner: hand-picked fairer · alice: Set 2 better quality · bob: tie on fairness · carol: can't judge fairness")
  })
})

describe('createdPairsText', () => {
  it('says how many pairs were made and, when some sets found no partner of their size, why they stay unpaired', () => {
    expect(createdPairsText({ created: 6, unpaired: 0 })).toBe('Created 6 pairs.')
    expect(createdPairsText({ created: 1, unpaired: 0 })).toBe('Created 1 pair.')
    expect(createdPairsText({ created: 6, unpaired: 2 })).toBe('Created 6 pairs. 2 sets were left unpaired: no other set of their prompt has the same number of images.')
    expect(createdPairsText({ created: 3, unpaired: 1 })).toBe('Created 3 pairs. 1 set was left unpaired: no other set of its prompt has the same number of images.')
    expect(createdPairsText({ created: 0, unpaired: 0 })).toBe('No new pairs: every two sets of the same prompt and size are already paired.')
    expect(createdPairsText({ created: 0, unpaired: 1 })).toBe(
      'No new pairs: every two sets of the same prompt and size are already paired. 1 set was left unpaired: no other set of its prompt has the same number of images.'
    )
  })
})

describe('sizesDiffer', () => {
  it('marks only a pair whose sets hold different numbers of images', () => {
    expect(sizesDiffer(pair)).toBeNull()
    expect(sizesDiffer({ ...pair, setB: { ...pair.setB, imageIds: [2, 3, 4, 5, 6, 7] } })).toBe('sizes differ: 1 vs 6')
  })
})
