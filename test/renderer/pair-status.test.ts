// The Pairs screen's decision line (issue 10): sets named by their label, never by the stored a/b side.
import { describe, expect, it } from 'vitest'
import { pairStatus } from '../../src-renderer/src/lib/pair-status'

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
