// The words on a project card (issue 10): its counts, and the next step in the workflow's order.
import { describe, expect, it } from 'vitest'
import { projectCountsLine, projectNextStep } from '../../src-renderer/src/lib/project-card'

const counts = (images: number, sets: number, pairs: number, labelledPairs: number, importsRunning = 0, mine = { pairs, labelledPairs: 0 }) => ({
  images,
  sets,
  pairs,
  labelledPairs,
  importsRunning,
  mine
})

describe('project card', () => {
  it('says what the project holds, with units and singulars', () => {
    expect(projectCountsLine(counts(120, 6, 3, 1))).toBe('120 images · 6 sets · 3 pairs, 1 labelled')
    expect(projectCountsLine(counts(1, 1, 1, 0))).toBe('1 image · 1 set · 1 pair, 0 labelled')
    expect(projectCountsLine(counts(0, 0, 0, 0, 1))).toBe('0 images · 0 sets · no pairs yet · importing…')
    expect(projectCountsLine(counts(12000, 0, 0, 0))).toBe('12,000 images · 0 sets · no pairs yet')
  })

  it('names the next step in the order import, sets, pairs, label, snapshot', () => {
    const step = (c: ReturnType<typeof counts>) => projectNextStep(c, true)
    expect(step(counts(0, 0, 0, 0))).toEqual({ text: 'Import images', screen: 'import' })
    // The demo's first seconds: its import is running, so the step is to watch it, not to import again.
    expect(step(counts(0, 0, 0, 0, 1))).toEqual({ text: 'Watch the images arrive', screen: 'browse' })
    expect(step(counts(20, 1, 0, 0))).toEqual({ text: 'Make sets of images', screen: 'sets' })
    expect(step(counts(20, 4, 0, 0))).toEqual({ text: 'Pair the sets', screen: 'pairs' })
    expect(step(counts(20, 4, 6, 5))).toEqual({ text: 'Label 1 pair', screen: 'label' })
    expect(step(counts(20, 4, 6, 6))).toEqual({ text: 'Take a snapshot of the labels', screen: 'preferences' })
    // An annotator can only label: the card sends them to their own queue.
    expect(projectNextStep(counts(0, 0, 0, 0), false)).toEqual({ text: 'Open your label queue', screen: 'label' })
  })

  it("shows an annotator their own progress and what is left of their share, not the project's totals", () => {
    // The project has 20 pairs, 15 labelled by the team; this annotator was routed 12 and decided 5.
    const theirs = counts(80, 8, 20, 15, 0, { pairs: 12, labelledPairs: 5 })
    expect(projectCountsLine(theirs, false)).toBe('You: 5 of 12 pairs labelled')
    expect(projectNextStep(theirs, false)).toEqual({ text: 'Label 7 pairs', screen: 'label' })
    // The owner's card of the same project stays as it was.
    expect(projectCountsLine(theirs, true)).toBe('80 images · 8 sets · 20 pairs, 15 labelled')
    expect(projectNextStep(theirs, true)).toEqual({ text: 'Label 5 pairs', screen: 'label' })

    const one = counts(80, 8, 20, 20, 0, { pairs: 1, labelledPairs: 0 })
    expect(projectCountsLine(one, false)).toBe('You: 0 of 1 pair labelled')
    expect(projectNextStep(one, false)).toEqual({ text: 'Label 1 pair', screen: 'label' })
    const done = counts(80, 8, 20, 20, 0, { pairs: 12, labelledPairs: 12 })
    expect(projectCountsLine(done, false)).toBe('You: 12 of 12 pairs labelled')
    expect(projectNextStep(done, false)).toEqual({ text: 'Look over your labels', screen: 'label' })
    const none = counts(80, 8, 0, 0, 0, { pairs: 0, labelledPairs: 0 })
    expect(projectCountsLine(none, false)).toBe('You: no pairs to label yet')
    expect(projectNextStep(none, false)).toEqual({ text: 'Open your label queue', screen: 'label' })
  })
})
