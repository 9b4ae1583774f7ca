// Who chose what on a pair in the adjudication queue, by name. The queue weighs people's decisions
// only, so the classifier's verdict (acquired pairs carry one) is said apart instead of being listed
// among the people who chose a set ("0 chose it: classifier").
import type { Choice, Criterion, PairOverview } from '@shared/contract'

type Decisions = Pick<PairOverview, 'decisions'>

/** "Ada, Ben", or "nobody": the people who gave this answer on this criterion. */
export function whoChose(pair: Decisions | undefined, criterion: Criterion, choice: Choice): string {
  const names = (pair?.decisions ?? []).filter((d) => d.kind === 'human' && d.criterion === criterion && d.choice === choice).map((d) => d.annotator)
  return names.length === 0 ? 'nobody' : names.join(', ')
}

/** "The classifier chose Set 2." (or called it a tie, or could not judge); null when it gave no verdict. */
export function classifierVerdict(pair: (Decisions & Pick<PairOverview, 'setA' | 'setB'>) | undefined, criterion: Criterion): string | null {
  const verdict = pair?.decisions.find((d) => d.kind === 'classifier' && d.criterion === criterion)
  if (!pair || !verdict) return null
  if (verdict.choice === 'a') return `The classifier chose ${pair.setA.label}.`
  if (verdict.choice === 'b') return `The classifier chose ${pair.setB.label}.`
  return verdict.choice === 'tie' ? 'The classifier called it a tie.' : 'The classifier could not judge it.'
}
