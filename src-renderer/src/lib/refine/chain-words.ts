// How a refinement chain reads on screen (issue 10, "meaning, not ids"): who judges it and where its
// images come from in words, decisions in the past tense, and where an entering image was sampled
// from by the model's name and the step as the chain log counts it (from 1), not "human", "accept",
// a catalogue id or a step counted from 0.
import type { McmcChain, McmcDecision, McmcIncoming } from '@shared/contract'
import { recordedModelName } from '../names'

const JUDGE_WORDS: Record<McmcChain['judge'], string> = { human: 'a person', auto: 'the classifier', mixed: 'the classifier, a person where it cannot see' }

/** "the classifier · freshly sampled proposals · generated start", for the list of chains. */
export function chainJudgeText(chain: Pick<McmcChain, 'judge' | 'proposalSource' | 'start'>): string {
  const parts = [JUDGE_WORDS[chain.judge]]
  if (chain.proposalSource === 'sample') parts.push('freshly sampled proposals')
  if (chain.proposalSource === 'mixed') parts.push('proposals from the images, then sampled')
  if (chain.start === 'generate') parts.push('generated start')
  const text = parts.join(' · ')
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** "Chain 2 · judged by the classifier". */
export function chainTitle(chain: Pick<McmcChain, 'number' | 'judge'>): string {
  return `Chain ${chain.number} · judged by ${chain.judge === 'mixed' ? 'the classifier and a person' : JUDGE_WORDS[chain.judge]}`
}

const PAST: Record<McmcDecision, string> = { accept: 'accepted', reject: 'rejected', stop: 'stopped' }

export const decisionText = (decision: McmcDecision): string => PAST[decision]

/**
 * Where the entering image was sampled, as a sentence; null for an image that was not sampled. `names`
 * (modelChoiceLabels over the catalogue) names the model as the pickers do; without it, or for a model no
 * longer listed, the label saved with the image stands.
 */
export function incomingText(inc: McmcIncoming | null, names: ReadonlyMap<string, string> = new Map()): string | null {
  if (!inc) return null
  const by = inc.source !== 'chain' ? 'by a sample job' : inc.role === 'start' ? 'by this chain for its starting set' : `by this chain${inc.chainStep !== null ? ` for step ${inc.chainStep + 1}` : ''}`
  // The model's name, never its catalogue id ("base", "run:3@40"); images from before names were recorded have none.
  const model = recordedModelName(inc.model, inc.modelLabel, names)
  return `The entering image was sampled ${by} from ${model ?? 'a model whose name was not recorded'}, seed ${inc.seed}.`
}
