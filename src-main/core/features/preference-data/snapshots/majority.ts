// How the judgements of one set pair become one outcome. With one annotator it is their choice; with
// several it is the choice most of them made (tie and can't-judge are choices too, so a pair most
// people could not decide stays undecided), and an exact tie between the top choices decides nothing.
// The owner's adjudication, when there is one, replaces the vote. Agreement is the share of the votes
// that match the outcome; it is kept with the pair so a trainer can weight or filter on it.
import type { Choice } from '@shared/contract'

export interface Vote {
  judgementId: number
  annotatorId: number
  choice: Choice
  createdAt: string
}

export type Outcome = Choice | 'vote_tie'

export interface PairDecision {
  outcome: Outcome
  /** Share of the votes equal to the outcome (for a vote tie, the share of each tied leader). */
  agreement: number
  /** The latest time among the votes that agree with the outcome (all votes for a vote tie). */
  decidedAt: string
}

const CHOICES: readonly Choice[] = ['a', 'b', 'tie', 'cant_judge']

export function decidePair(votes: readonly Vote[], adjudication?: { choice: Choice; createdAt: string }): PairDecision {
  if (votes.length === 0 && !adjudication) throw new Error('a pair without votes has no outcome')
  const count = (c: Choice): number => votes.filter((v) => v.choice === c).length
  const share = (c: Choice): number => (votes.length === 0 ? 1 : count(c) / votes.length)
  const latest = (vs: readonly Vote[]): string => vs.reduce((at, v) => (v.createdAt > at ? v.createdAt : at), '')

  if (adjudication) {
    return { outcome: adjudication.choice, agreement: share(adjudication.choice), decidedAt: adjudication.createdAt }
  }
  const top = Math.max(...CHOICES.map(count))
  const leaders = CHOICES.filter((c) => count(c) === top)
  if (leaders.length > 1) return { outcome: 'vote_tie', agreement: top / votes.length, decidedAt: latest(votes) }
  const outcome = leaders[0]
  return { outcome, agreement: top / votes.length, decidedAt: latest(votes.filter((v) => v.choice === outcome)) }
}
