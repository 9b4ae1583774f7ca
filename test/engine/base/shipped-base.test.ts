// The shipped base model follows identity-specific prompts: a handful of samples through
// onnxruntime-node, classified by the shipped classifier, mostly show the asked concept. An untrained
// DiT gives noise that the classifier spreads over 9 concepts, so "most" separates the two.
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadCheckpoint } from '../../../src-main/core/engine/checkpoint/store'
import { samplePrompts } from '../../../src-main/core/evaluation/sample-prompts'
import { classifyImages } from '../../../src-main/core/classifier/world-classifier'
import { WORLD_CLASSIFIER_DIR } from '../../helpers/config'

const CKPT = resolve('resources/models/base/base.ckpt')

// Skipped only in a checkout without the shipped model (it is tracked in git, so normally it runs).
describe.skipIf(!existsSync(CKPT))('shipped base model (needs resources/models/base/base.ckpt)', () => {
  it('draws the asked concept for identity-specific prompts', async () => {
    const state = loadCheckpoint(CKPT)
    const prompts = ['a photo of a round teal doctor', 'a photo of an angular amber nurse', 'a photo of a round slate firefighter']
    const perPrompt = 6
    const images = await samplePrompts({ config: state.config.model, schedule: state.config.schedule, timesteps: state.config.timesteps, params: state.params }, prompts, perPrompt, {
      sampler: 'ddpm',
      steps: 50,
      guidance: 3,
      seed: 99
    })
    const results = await classifyImages(WORLD_CLASSIFIER_DIR, images, prompts.length * perPrompt)
    const wanted = prompts.flatMap((p) => Array<string>(perPrompt).fill(p.split(' ').at(-1) as string))
    const right = results.filter((r, i) => r.concept === wanted[i]).length
    expect(right).toBeGreaterThanOrEqual(Math.ceil(0.7 * results.length))
  }, 60000)
})
