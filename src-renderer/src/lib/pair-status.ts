// What a pair's decisions say, in words: "owner: Set 2 (fairness)", naming sets by their label
// instead of the stored a/b side (issue 10, "meaning, not ids").
import type { PairOverview } from '@shared/contract'

const criterionWord = { fairness: 'fairer', quality: 'better quality' } as const

export function decisionText(pair: Pick<PairOverview, 'setA' | 'setB'>, d: PairOverview['decisions'][number]): string {
  const what =
    d.choice === 'a'
      ? `${pair.setA.label} ${criterionWord[d.criterion]}`
      : d.choice === 'b'
        ? `${pair.setB.label} ${criterionWord[d.criterion]}`
        : d.choice === 'tie'
          ? `tie on ${d.criterion}`
          : `can't judge ${d.criterion}`
  return `${d.annotator}: ${what}`
}

/** One line for the Pairs table: "Not labelled yet", or each decision. */
export function pairStatus(pair: PairOverview): string {
  if (pair.decisions.length === 0) return 'Not labelled yet'
  return pair.decisions.map((d) => decisionText(pair, d)).join(' · ')
}
