// The preference images of a snapshot, held in memory at the model's size, and how a step draws from
// them. Pairs follow the reference code's rows: the k-th image of a winning set is paired with the
// k-th image of its losing set (wrapping round when the sets differ in size), and a step samples
// pairs uniformly with replacement.
import type { DiTConfig } from '../../engine/model/dit-spec'
import { encodePrompt, VOCAB_SIZE } from '../../world/vocabulary'
import type { FinetuneMethod, PreferenceImage } from './spec'

export interface PreferenceData {
  readonly images: readonly PreferenceImage[]
  /** [winnerIndex, loserIndex] into images. */
  readonly pairs: readonly (readonly [number, number])[]
  /** Indices of every winning-set image (SFT's data). */
  readonly winners: readonly number[]
  /** Prompt vector of each image's caption [V]. */
  readonly cond: readonly Float32Array[]
}

export function buildPreferenceData(images: readonly PreferenceImage[], model: DiTConfig, method: FinetuneMethod): PreferenceData {
  if (images.length === 0) throw new Error('fine-tune: the snapshot has no training images')
  if (model.vocabSize !== VOCAB_SIZE) throw new Error(`fine-tune: the model reads ${model.vocabSize} words, the world vocabulary has ${VOCAB_SIZE}; captions cannot be encoded for it`)
  const size = model.imageSize * model.imageSize * model.channels
  const byCaption = new Map<string, Float32Array>()
  const cond = images.map((img, i) => {
    if (!(img.pixels instanceof Float32Array) || img.pixels.length !== size) {
      throw new Error(`fine-tune: image ${i} has ${img.pixels?.length} values, the model needs ${model.imageSize}x${model.imageSize}x${model.channels} = ${size}`)
    }
    if (img.label !== 1 && img.label !== -1) throw new Error(`fine-tune: image ${i} has label ${String(img.label)}; labels must be +1 or -1`)
    let v = byCaption.get(img.caption)
    if (!v) byCaption.set(img.caption, (v = encodePrompt(img.caption)))
    return v
  })
  const groups = new Map<number, { w: number[]; l: number[] }>()
  images.forEach((img, i) => {
    let g = groups.get(img.pairId)
    if (!g) groups.set(img.pairId, (g = { w: [], l: [] }))
    ;(img.label === 1 ? g.w : g.l).push(i)
  })
  const pairs: [number, number][] = []
  for (const { w, l } of groups.values()) {
    if (w.length === 0 || l.length === 0) continue
    for (let k = 0; k < Math.max(w.length, l.length); k++) pairs.push([w[k % w.length], l[k % l.length]])
  }
  const winners = images.flatMap((img, i) => (img.label === 1 ? [i] : []))
  if (method === 'sft' && winners.length === 0) throw new Error('fine-tune: SFT needs winning-set images and the snapshot has none')
  if (method !== 'sft' && pairs.length === 0) throw new Error(`fine-tune: ${method} needs set pairs with both a winning and a losing set; the snapshot has none`)
  return { images, pairs, winners, cond }
}
