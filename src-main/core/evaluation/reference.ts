// Real renders for evaluation prompts: what the world itself draws for a prompt (asked attributes kept,
// unasked ones drawn from the pretraining bias). Frechet distance and colour shift compare samples with
// these, prompt by prompt in the same proportions.
import { Rng } from '../random/rng'
import { figureForPrompt } from '../world/sample-folder'
import { CHANNELS, renderFigureInto } from '../world/renderer'
import { resolveWorldBias, type WorldBias } from '../world/bias'

export function renderReference(prompts: readonly string[], perPrompt: number, seed: number, imageSize = 16, bias: WorldBias = resolveWorldBias()): Float32Array {
  if (!Number.isInteger(perPrompt) || perPrompt <= 0) throw new Error(`reference: images per prompt must be a positive integer, got ${perPrompt}`)
  const per = imageSize * imageSize * CHANNELS
  const out = new Float32Array(prompts.length * perPrompt * per)
  const rng = Rng.derive(seed, 'reference')
  let k = 0
  for (const prompt of prompts) {
    for (let i = 0; i < perPrompt; i++) renderFigureInto(out, per * k++, figureForPrompt(prompt, bias, rng), rng, { size: imageSize })
  }
  return out
}
