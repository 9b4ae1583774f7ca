import { describe, expect, it } from 'vitest'
import { classifierCannotSee, judgeAutomatically, setDistance, tallySet, targetOf, type Verdict } from '../../../src-main/core/features/refinement/auto-judge'
import { applyProposal, drawInitialSet, drawProposal } from '../../../src-main/core/features/refinement/proposal'
import { ChainRng, initialRngState } from '../../../src-main/core/random/rng'

const gender = targetOf({ name: 'gender', classes: ['man', 'woman'], ideal: null })
const v = (g: string): Verdict => ({ status: 'ok', attributes: { gender: g } })
const hidden: Verdict = { status: 'no_detection', attributes: {} }

describe('chain RNG', () => {
  it('resumes from its stored state exactly', () => {
    const a = new ChainRng(initialRngState(42))
    a.next()
    a.next()
    const resumed = new ChainRng(a.state)
    expect([a.next(), a.next(), a.next()]).toEqual([resumed.next(), resumed.next(), resumed.next()])
    expect(() => new ChainRng(-1)).toThrow(/uint32/)
  })
})

describe('proposals', () => {
  it('swap one member for an image of the pool that is not in the set', () => {
    const rng = new ChainRng(initialRngState(7))
    const pool = [1, 2, 3, 4, 5, 6, 7, 8]
    const members = drawInitialSet(pool, 4, rng)
    expect(new Set(members).size).toBe(4)
    for (let i = 0; i < 200; i++) {
      const p = drawProposal(members, pool, rng)!
      expect(members).not.toContain(p.inImageId)
      expect(members[p.position]).toBe(p.outImageId)
      const next = applyProposal(members, p)
      expect(next.filter((id, j) => id !== members[j])).toEqual([p.inImageId])
    }
  })

  it('has nothing to propose when every pool image is in the set', () => {
    expect(drawProposal([1, 2, 3], [3, 2, 1], new ChainRng(1))).toBeNull()
    expect(() => drawInitialSet([1, 2], 3, new ChainRng(1))).toThrow(/2 image\(s\); a set of 3/)
  })

  it('refuses to apply a proposal that does not match the set', () => {
    expect(() => applyProposal([1, 2, 3], { position: 0, outImageId: 2, inImageId: 9 })).toThrow(/position 0 holds 1/)
  })
})

describe('automatic judge', () => {
  it('accepts a swap that moves the classifier distribution closer to the target (L2, summed over axes)', () => {
    const current = [v('man'), v('man'), v('man'), v('woman')]
    const better = [v('man'), v('man'), v('woman'), v('woman')]
    // shares .75/.25 against .5/.5: sqrt(2 * 0.25^2)
    expect(setDistance(current, [gender])).toBeCloseTo(Math.SQRT2 / 4, 12)
    expect(judgeAutomatically(current, better, [gender])).toEqual({ decision: 'accept', distanceBefore: expect.closeTo(Math.SQRT2 / 4, 12), distanceAfter: 0 })
    expect(judgeAutomatically(better, current, [gender]).decision).toBe('reject')
    // An equally fair set is not an improvement: the chain keeps what it has.
    expect(judgeAutomatically(current, [v('woman'), v('man'), v('man'), v('man')], [gender]).decision).toBe('reject')
  })

  it('sums the discrepancy over every axis and honours a non-uniform ideal', () => {
    const age = targetOf({ name: 'age', classes: ['young', 'old'], ideal: [0.75, 0.25] })
    const set: Verdict[] = [
      { status: 'ok', attributes: { gender: 'man', age: 'young' } },
      { status: 'low_confidence', attributes: { gender: 'woman', age: 'young' } },
      { status: 'ok', attributes: { gender: 'man', age: 'young' } },
      { status: 'ok', attributes: { gender: 'woman', age: 'old' } }
    ]
    expect(setDistance(set, [gender, age])).toBeCloseTo(0, 12)
    expect(tallySet(set, [age])).toEqual([
      {
        axis: 'age',
        counts: [
          { cls: 'young', count: 3 },
          { cls: 'old', count: 1 }
        ],
        unseen: 0
      }
    ])
  })

  it('counts members it cannot see as unseen, and says which images it cannot see', () => {
    expect(tallySet([v('man'), hidden, null, v('robot')], [gender])[0]).toEqual({
      axis: 'gender',
      counts: [
        { cls: 'man', count: 1 },
        { cls: 'woman', count: 0 }
      ],
      unseen: 3
    })
    expect(classifierCannotSee(hidden)).toBe(true)
    expect(classifierCannotSee(null)).toBe(true)
    expect(classifierCannotSee({ status: 'low_confidence', attributes: { gender: 'man' } })).toBe(false)
    // Nothing seen at all is unmeasurable; a measurable proposal beats it.
    expect(judgeAutomatically([hidden, hidden], [hidden, v('man')], [gender]).decision).toBe('accept')
  })
})
