// Mean colour of images and the colour shift between two sets: the Debias paper's observation that
// constant-weighted epsilon training drifts samples' overall colour, measured as the distance between
// mean RGB of samples and of real renders of the same prompts.

/** Mean R, G, B over all pixels of `count` HWC images (values as stored, e.g. [-1, 1]). */
export function meanRgb(images: ArrayLike<number>, count: number, channels = 3): [number, number, number] {
  if (channels !== 3) throw new Error(`colour: expected 3 channels, got ${channels}`)
  if (!Number.isInteger(count) || count <= 0) throw new Error(`colour: image count must be a positive integer, got ${count}`)
  if (images.length === 0 || images.length % (count * 3) !== 0) throw new Error(`colour: ${images.length} values do not split into ${count} RGB images`)
  const sums = [0, 0, 0]
  for (let i = 0; i < images.length; i += 3) {
    sums[0] += images[i]
    sums[1] += images[i + 1]
    sums[2] += images[i + 2]
  }
  const pixels = images.length / 3
  return [sums[0] / pixels, sums[1] / pixels, sums[2] / pixels]
}

export interface ColourShift {
  /** Per-channel difference sample minus reference. */
  delta: [number, number, number]
  /** Euclidean length of delta. */
  magnitude: number
}

export function colourShift(sample: readonly number[], reference: readonly number[]): ColourShift {
  if (sample.length !== 3 || reference.length !== 3) throw new Error('colour: mean colours must have 3 channels')
  const delta: [number, number, number] = [sample[0] - reference[0], sample[1] - reference[1], sample[2] - reference[2]]
  return { delta, magnitude: Math.hypot(...delta) }
}

/**
 * Mean over prompts of the per-prompt colour shift magnitude: comparing per prompt first keeps a model
 * that gets colours right but mixes up prompts from looking unshifted.
 */
export function meanColourShift(perPrompt: readonly { sample: readonly number[]; reference: readonly number[] }[]): number {
  if (perPrompt.length === 0) throw new Error('colour: no prompts to compare')
  let total = 0
  for (const p of perPrompt) total += colourShift(p.sample, p.reference).magnitude
  return total / perPrompt.length
}
