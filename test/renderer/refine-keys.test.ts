import { describe, expect, it } from 'vitest'
import { chainHash, chainIdFromHash } from '../../src-renderer/src/lib/refine/chain-route'
import { refineActionForKey } from '../../src-renderer/src/lib/refine/refine-keys'
import { currentTiles, percent, proposedTiles } from '../../src-renderer/src/lib/refine/swap'
import { classColour, OKABE_ITO } from '../../src-renderer/src/lib/palette'
import { screenChoiceOf } from '../../src-renderer/src/lib/stores/recent-decisions.svelte'
import { parseRoute } from '../../src-renderer/src/lib/route'

describe('refinement keys', () => {
  it.each([
    ['y', { kind: 'decide', decision: 'accept' }],
    ['Y', { kind: 'decide', decision: 'accept' }],
    ['n', { kind: 'decide', decision: 'reject' }],
    ['Escape', { kind: 'decide', decision: 'stop' }],
    ['t', { kind: 'tally' }],
    ['?', { kind: 'help' }],
    ['1', null],
    ['Enter', null]
  ])('%s -> %j', (key, action) => expect(refineActionForKey({ key })).toEqual(action))

  it('leaves modified keys to the browser', () => {
    expect(refineActionForKey({ key: 'n', ctrlKey: true })).toBeNull()
    expect(refineActionForKey({ key: 'y', metaKey: true })).toBeNull()
  })
})

describe('chain address', () => {
  it('round-trips and stays a refine route for the app router', () => {
    expect(chainIdFromHash(chainHash(3, 17))).toBe(17)
    expect(chainIdFromHash(chainHash(3, null))).toBeNull()
    expect(chainIdFromHash('#/p/3/label/17')).toBeNull()
    expect(chainIdFromHash('#/p/3/refine/abc')).toBeNull()
    expect(parseRoute(chainHash(3, 17))).toEqual({ screen: 'refine', projectId: 3 })
    expect(parseRoute('#/p/3/team')).toEqual({ screen: 'team', projectId: 3 })
  })
})

describe('swap tiles', () => {
  const proposal = { position: 1, outImageId: 20, inImageId: 99 }
  it('marks the outgoing member and puts the incoming one in its place', () => {
    expect(currentTiles([10, 20, 30], proposal)).toEqual([
      { imageId: 10, mark: null },
      { imageId: 20, mark: 'out' },
      { imageId: 30, mark: null }
    ])
    expect(proposedTiles([10, 20, 30], proposal)).toEqual([
      { imageId: 10, mark: null },
      { imageId: 99, mark: 'in' },
      { imageId: 30, mark: null }
    ])
    expect(currentTiles([10], null)).toEqual([{ imageId: 10, mark: null }])
    expect(percent(null)).toBe('—')
    expect(percent(2 / 3)).toBe('67%')
  })
})

describe('palette and recent decisions', () => {
  it('cycles the Okabe-Ito colours', () => {
    expect(classColour(0)).toBe(OKABE_ITO[0])
    expect(classColour(OKABE_ITO.length + 2)).toBe(OKABE_ITO[2])
  })
  it('shows a stored a/b choice on the side it was shown on', () => {
    expect(screenChoiceOf('a', 'a')).toBe('left')
    expect(screenChoiceOf('a', 'b')).toBe('right')
    expect(screenChoiceOf('b', 'a')).toBe('right')
    expect(screenChoiceOf('tie', 'b')).toBe('tie')
  })
})
