// The Pairs screen's words: what a pair's decisions say ("owner: Set 2 (fairness)", naming sets by
// their label instead of the stored a/b side, issue 10, "meaning, not ids"), what "Create all pairs"
// did, and which old pairs compare sets of different sizes.
import type { PairOverview } from '@shared/contract'
import { counted } from './names'

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

/**
 * The status line after "Create all pairs". A pair compares two sets of the same size, so a set no
 * other set of its prompt matches in size stays unpaired, and the line says so instead of leaving the
 * person to wonder why it is missing from the queue.
 */
export function createdPairsText({ created, unpaired }: { created: number; unpaired: number }): string {
  const made = created === 0 ? 'No new pairs: every two sets of the same prompt and size are already paired.' : `Created ${counted(created, 'pair', 'pairs')}.`
  if (unpaired === 0) return made
  const left =
    unpaired === 1
      ? '1 set was left unpaired: no other set of its prompt has the same number of images.'
      : `${unpaired} sets were left unpaired: no other set of their prompt has the same number of images.`
  return `${made} ${left}`
}

/**
 * "sizes differ: 2 vs 6" for a pair made before pairs had to hold sets of one size (older
 * workspaces keep such pairs: they may carry decisions), else null.
 */
export function sizesDiffer(pair: Pick<PairOverview, 'setA' | 'setB'>): string | null {
  const [a, b] = [pair.setA.imageIds.length, pair.setB.imageIds.length]
  return a === b ? null : `sizes differ: ${a} vs ${b}`
}
