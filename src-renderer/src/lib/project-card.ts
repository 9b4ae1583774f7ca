// The words on a project card (issue 10, "project cards with counts and progress"): what the project
// holds, and the one step that moves it on, so a newcomer knows where to go without opening it.
import type { ProjectCounts } from '@shared/contract'
import type { ProjectScreen } from './route'
import { counted } from './names'

/**
 * The owner's card: "120 images · 6 sets · 3 pairs, 1 labelled". An annotator's card: their own
 * progress, "You: 5 of 12 pairs labelled" (the project's totals are the owner's business and would
 * read as if the annotator were behind on work that is not theirs).
 */
export function projectCountsLine(c: ProjectCounts, isOwner = true): string {
  if (!isOwner) return c.mine.pairs === 0 ? 'You: no pairs to label yet' : `You: ${c.mine.labelledPairs.toLocaleString('en')} of ${counted(c.mine.pairs, 'pair', 'pairs')} labelled`
  const pairs = c.pairs === 0 ? 'no pairs yet' : `${counted(c.pairs, 'pair', 'pairs')}, ${c.labelledPairs.toLocaleString('en')} labelled`
  const importing = c.importsRunning > 0 ? ' · importing…' : ''
  return `${counted(c.images, 'image', 'images')} · ${counted(c.sets, 'set', 'sets')} · ${pairs}${importing}`
}

export interface NextStep {
  text: string
  screen: ProjectScreen
}

/**
 * The step the workflow asks for next (import -> sets -> pairs -> label -> preference data). An
 * annotator can only label, so they are sent to their queue with what is left of their own share.
 */
export function projectNextStep(c: ProjectCounts, isOwner: boolean): NextStep {
  // An annotator's step is their own share of the pairs, on the Label screen.
  if (!isOwner) {
    const mine = c.mine.pairs - c.mine.labelledPairs
    if (c.mine.pairs === 0) return { text: 'Open your label queue', screen: 'label' }
    return mine > 0 ? { text: `Label ${counted(mine, 'pair', 'pairs')}`, screen: 'label' } : { text: 'Look over your labels', screen: 'label' }
  }
  const left = c.pairs - c.labelledPairs
  // An import under way (the demo's, on first start) is waited for, not started again.
  if (c.images === 0) return c.importsRunning > 0 ? { text: 'Watch the images arrive', screen: 'browse' } : { text: 'Import images', screen: 'import' }
  if (c.sets < 2) return { text: 'Make sets of images', screen: 'sets' }
  if (c.pairs === 0) return { text: 'Pair the sets', screen: 'pairs' }
  if (left > 0) return { text: `Label ${counted(left, 'pair', 'pairs')}`, screen: 'label' }
  return { text: 'Take a snapshot of the labels', screen: 'preferences' }
}
