// Where the images of an audited image set came from, read from the provenance their import kept. A
// report over images a fine-tune drew ("Audit it" under a real-model run) must name that run and the
// hashes that pin its weights, instead of calling the set an image set with no model; images from
// elsewhere are named by the generator their sidecars record, and images that record nothing are counted.

export interface ImageProvenance {
  generator: string | null
  provenance: Record<string, unknown>
}

/** The run's name as its project shows it ("Run 2", or the name a person gave it); null when unknown here. */
export type RunNamer = (jobId: number) => string | null

function text(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

/** One line naming one source of images; images of the same source give the same line. */
function originOf(image: ImageProvenance, runName: RunNamer): string {
  const p = image.provenance
  const job = finite(p.fineTuneJob)
  if (job !== null) {
    const method = text(p.fineTuneMethod)
    const beta = finite(p.fineTuneBeta)
    const step = finite(p.fineTuneStep)
    const weights = p.weights && typeof p.weights === 'object' ? text((p.weights as Record<string, unknown>).sha256) : null
    const lineage = text(p.lineageSha256)
    const settings = [method, beta !== null && method !== 'sft' ? `beta ${beta}` : null, step !== null ? `step ${step}` : null].filter(Boolean).join(', ')
    return [
      `${runName(job) ?? `fine-tune job ${job}`}${settings ? ` (${settings})` : ''}`,
      weights ? `weights sha256 ${weights}` : 'weights hash not recorded',
      lineage ? `lineage sha256 ${lineage}` : null
    ]
      .filter(Boolean)
      .join(', ')
  }
  const generator = text(image.generator)
  return generator ? `generator ${generator}` : 'no recorded origin'
}

/**
 * The origin line of an image set: "<source>: all N images" when one source drew them all, else each
 * source with its count, largest first. Null for an empty set.
 */
export function imageSetOrigin(images: readonly ImageProvenance[], runName: RunNamer): string | null {
  if (images.length === 0) return null
  const counts = new Map<string, number>()
  for (const image of images) {
    const line = originOf(image, runName)
    counts.set(line, (counts.get(line) ?? 0) + 1)
  }
  const plural = (n: number): string => `${n} image${n === 1 ? '' : 's'}`
  if (counts.size === 1) return `${[...counts.keys()][0]}: ${images.length === 1 ? 'the one image' : `all ${images.length} images`}`
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([line, n]) => `${line} (${plural(n)})`)
    .join('; ')
}
