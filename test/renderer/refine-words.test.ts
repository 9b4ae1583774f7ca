// How a refinement chain reads on screen (issue 10): the chain list named "human"/"auto" and showed the
// chain's database id, the entering image named its catalogue id ("(base)") and counted its step from
// 0 beside a log that counts from 1; and, for a classifier-judged chain, where the distance to the
// target started and where it stands now.
import { describe, expect, it } from 'vitest'
import type { McmcIncoming, ModelEntry } from '@shared/contract'
import { chainJudgeText, chainTitle, decisionText, incomingText } from '../../src-renderer/src/lib/refine/chain-words'
import { distanceText, distanceTrend } from '../../src-renderer/src/lib/refine/swap'
import { modelChoiceLabels, recordedModelName } from '../../src-renderer/src/lib/names'

const incoming = (over: Partial<McmcIncoming>): McmcIncoming => ({ imageId: 40, source: 'chain', model: 'run:12@40', modelLabel: 'Run 2 · step 40', seed: 77, chainStep: 0, role: 'proposal', ...over })

describe('a refinement chain in words', () => {
  it('says who judges and where images come from', () => {
    expect(chainJudgeText({ judge: 'human', proposalSource: 'pool', start: 'pool' })).toBe('A person')
    expect(chainJudgeText({ judge: 'auto', proposalSource: 'sample', start: 'pool' })).toBe('The classifier · freshly sampled proposals')
    expect(chainJudgeText({ judge: 'mixed', proposalSource: 'mixed', start: 'generate' })).toBe(
      'The classifier, a person where it cannot see · proposals from the images, then sampled · generated start'
    )
    expect(chainTitle({ number: 2, judge: 'auto' })).toBe('Chain 2 · judged by the classifier')
    expect(chainTitle({ number: 1, judge: 'human' })).toBe('Chain 1 · judged by a person')
    expect(decisionText('accept')).toBe('accepted')
  })

  it('names the model an entering image came from, never its id, and counts steps from 1 like the log', () => {
    const text = incomingText(incoming({}))!
    expect(text).toBe('The entering image was sampled by this chain for step 1 from Run 2 · step 40, seed 77.')
    expect(text).not.toContain('run:12')
    expect(incomingText(incoming({ model: 'base', modelLabel: 'Base model (built in)', chainStep: 11 }))).toBe(
      'The entering image was sampled by this chain for step 12 from Base model (built in), seed 77.'
    )
    expect(incomingText(incoming({ role: 'start', chainStep: 2 }))).toContain('by this chain for its starting set from')
    expect(incomingText(incoming({ source: 'sample-job', chainStep: null, role: null, modelLabel: null }))).toBe(
      'The entering image was sampled by a sample job from a model whose name was not recorded, seed 77.'
    )
    expect(incomingText(null)).toBeNull()
  })

  it("names the entering image's model as the pickers do while it is listed, by its saved label once deleted", () => {
    const listed: ModelEntry = {
      id: 'run:12@40',
      label: 'Run 2 · step 40',
      source: 'run',
      jobId: 12,
      projectId: 1,
      method: 'popalign',
      step: 40,
      totalSteps: 40,
      arch: { imageSize: 16, patch: 4, width: 96, depth: 4, heads: 4 },
      weighting: 'constant',
      schedule: 'cosine',
      seed: 0,
      path: '/models/run-12-40'
    }
    const names = modelChoiceLabels([listed])
    expect(names.get('run:12@40')).toBe('Run 2 · PopAlign · step 40')
    expect(incomingText(incoming({}), names)).toBe('The entering image was sampled by this chain for step 1 from Run 2 · PopAlign · step 40, seed 77.')
    // The run was deleted: the catalogue no longer lists it, and the label saved with the image stands.
    expect(incomingText(incoming({}), modelChoiceLabels([]))).toBe('The entering image was sampled by this chain for step 1 from Run 2 · step 40, seed 77.')
    expect(recordedModelName('run:12@40', 'Run 2 · step 40', names)).toBe('Run 2 · PopAlign · step 40')
    expect(recordedModelName('run:9@5', 'Run 1 · step 5', names)).toBe('Run 1 · step 5')
    expect(recordedModelName('run:9@5', null, names)).toBeNull()
  })

  it('reads the distance to the target from the log: where it started and where it stands', () => {
    const auto = (decision: 'accept' | 'reject', before: number, after: number) => ({ decision, distanceBefore: before, distanceAfter: after })
    expect(distanceTrend([])).toBeNull()
    // A person's chain records no distances.
    expect(distanceTrend([{ decision: 'accept', distanceBefore: null, distanceAfter: null }])).toBeNull()
    const log = [auto('reject', 1.62, 1.8), auto('accept', 1.62, 0.9), auto('reject', 0.9, 1.1)]
    expect(distanceTrend(log)).toEqual({ start: 1.62, now: 0.9 })
    expect(distanceText(distanceTrend(log)!)).toBe('1.620 → 0.900')
    expect(distanceTrend(log.slice(0, 2))).toEqual({ start: 1.62, now: 0.9 })
    // A person accepted a swap after the last measured step (mixed chain): only the start is known.
    const mixed = [...log, { decision: 'accept' as const, distanceBefore: null, distanceAfter: null }]
    expect(distanceText(distanceTrend(mixed)!)).toBe('1.620 at the start')
    // A person's rejection leaves the set, and so the distance, as it was.
    expect(distanceTrend([...log, { decision: 'reject' as const, distanceBefore: null, distanceAfter: null }])).toEqual({ start: 1.62, now: 0.9 })
  })
})
