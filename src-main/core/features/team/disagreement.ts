// The adjudication queue: pairs whose annotators disagree, the most contested first.
import type { Choice } from '@shared/contract'

export type ChoiceCounts = Record<Choice, number>

export interface QueueItem {
  pairId: number
  counts: ChoiceCounts
  answers: number
  disagreement: number
}

export function countChoices(choices: readonly Choice[]): ChoiceCounts {
  const counts: ChoiceCounts = { a: 0, b: 0, tie: 0, cant_judge: 0 }
  for (const c of choices) counts[c]++
  return counts
}

/** 1 - share of the most frequent answer (0 = unanimous). */
export function disagreementOf(counts: ChoiceCounts): number {
  const values = Object.values(counts)
  const total = values.reduce((s, v) => s + v, 0)
  return total === 0 ? 0 : 1 - Math.max(...values) / total
}

/**
 * Pairs with at least two answers and some disagreement, ordered by disagreement (highest first),
 * then by how many people answered (more evidence of a real split first), then by pair id.
 */
export function adjudicationQueue(choicesByPair: ReadonlyMap<number, readonly Choice[]>): QueueItem[] {
  const items: QueueItem[] = []
  for (const [pairId, choices] of choicesByPair) {
    if (choices.length < 2) continue
    const counts = countChoices(choices)
    const disagreement = disagreementOf(counts)
    if (disagreement > 0) items.push({ pairId, counts, answers: choices.length, disagreement })
  }
  return items.sort((x, y) => y.disagreement - x.disagreement || y.answers - x.answers || x.pairId - y.pairId)
}
