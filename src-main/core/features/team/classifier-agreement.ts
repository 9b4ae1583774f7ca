// Agreement between the classifier annotator and the people: on each pair both judged, does the
// classifier's answer equal the people's majority? "Can't judge" is missing data on both sides, and a
// pair whose people are split (no strict majority) is counted apart rather than guessed.
import type { Choice } from '@shared/contract'

/** The strict plurality of the usable answers, or null (no answers, or a tie for the top). */
export function majorityChoice(choices: readonly Choice[]): Choice | null {
  const counts = new Map<Choice, number>()
  for (const c of choices) if (c !== 'cant_judge') counts.set(c, (counts.get(c) ?? 0) + 1)
  let best: Choice | null = null
  let bestCount = 0
  let tied = false
  for (const [c, n] of counts) {
    if (n > bestCount) {
      best = c
      bestCount = n
      tied = false
    } else if (n === bestCount) tied = true
  }
  return tied ? null : best
}

export interface MajorityAgreement {
  pairs: number
  agreed: number
  percentAgreement: number | null
  withoutMajority: number
}

export function majorityAgreement(machine: ReadonlyArray<{ pairId: number; choice: Choice }>, people: ReadonlyMap<number, readonly Choice[]>): MajorityAgreement {
  let pairs = 0
  let agreed = 0
  let withoutMajority = 0
  for (const { pairId, choice } of machine) {
    if (choice === 'cant_judge') continue
    const majority = majorityChoice(people.get(pairId) ?? [])
    if (majority === null) {
      withoutMajority++
      continue
    }
    pairs++
    if (majority === choice) agreed++
  }
  return { pairs, agreed, percentAgreement: pairs > 0 ? agreed / pairs : null, withoutMajority }
}
