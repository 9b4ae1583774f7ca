// PopAlignSDXL names generated images `img_{uuid5(prompt)}_seed_{seed}_{gen_id}.jpg` (see
// docs/formats.md §PopAlignSDXL CSV). The seed is provenance we want to keep; the name is the only place
// it is recorded.

export interface PopAlignName {
  /** uuid5 of the prompt text, as the generator computed it. */
  promptUuid: string
  seed: number
  /** Index of the image among those generated for the prompt. */
  genIndex: number
}

const PATTERN = /^img_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_seed_(\d{1,15})_(\d{1,9})\.[A-Za-z]+$/i

/** The parts of a PopAlignSDXL file name (base name only), or null when it is not one. */
export function parsePopAlignName(baseName: string): PopAlignName | null {
  const m = PATTERN.exec(baseName)
  if (!m) return null
  const seed = Number(m[2])
  if (!Number.isSafeInteger(seed)) return null
  return { promptUuid: m[1].toLowerCase(), seed, genIndex: Number(m[3]) }
}
