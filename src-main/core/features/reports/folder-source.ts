// A folder of already generated images as an audit source: the import pipeline's manifest (PopAlignSDXL
// sidecars or an img_path,prompt CSV) says which prompt each image belongs to. Images of the audited
// prompts are kept; the rest is counted, never silently dropped: files the manifest already rejected
// become 'error' images of their prompt, and images of other prompts or with no prompt are reported.
import { buildManifest } from '../import/manifest'
import { DEFAULT_IMPORT_LIMITS } from '../import/limits'
import type { ImageProvenance } from './image-origin'

export interface SourceImage {
  /** Id in the report: the file's path relative to the folder. */
  id: string
  promptIndex: number
  /** Absolute path, or null when the manifest already failed this file. */
  path: string | null
  /** Why the file cannot be used (its status becomes 'error'). */
  problem: string | null
  seed: number | null
}

export interface FolderSource {
  folder: string
  images: SourceImage[]
  /** Images whose prompt is not in the prompt file. */
  otherPrompts: number
  /** Files no sidecar or CSV row gives a prompt. */
  withoutPrompt: number
  /** Audited prompts the folder has no image of. */
  emptyPrompts: string[]
  generators: string[]
  /** Generator and provenance of each audited image, for the report's "images drawn by" line. */
  origins: ImageProvenance[]
  seeds: number[]
}

export async function folderSource(folder: string, prompts: readonly string[]): Promise<FolderSource> {
  const manifest = await buildManifest(folder, DEFAULT_IMPORT_LIMITS)
  const index = new Map(prompts.map((p, i) => [p, i]))
  const images: SourceImage[] = []
  let otherPrompts = 0
  let withoutPrompt = 0
  const generators = new Set<string>()
  const origins: ImageProvenance[] = []
  const seeds = new Set<number>()
  for (const e of manifest.entries) {
    if (e.prompt === null) {
      withoutPrompt++
      continue
    }
    const promptIndex = index.get(e.prompt.trim())
    if (promptIndex === undefined) {
      otherPrompts++
      continue
    }
    if (e.generator) generators.add(e.generator)
    origins.push({ generator: e.generator, provenance: e.provenance })
    if (e.seed !== null) seeds.add(e.seed)
    images.push({ id: e.relPath, promptIndex, path: e.problem === null ? e.absPath : null, problem: e.problem, seed: e.seed })
  }
  if (images.length === 0) {
    throw new Error(
      `folder ${manifest.folder} has no image of the ${prompts.length} prompt(s) in the prompt file` +
        ` (${manifest.entries.length} image file(s): ${otherPrompts} of other prompts, ${withoutPrompt} without a prompt from a sidecar .json or CSV)`
    )
  }
  // Prompt-file order, then file order, so evidence lists read naturally.
  images.sort((a, b) => a.promptIndex - b.promptIndex || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const seen = new Set(images.map((i) => i.promptIndex))
  return {
    folder: manifest.folder,
    images,
    otherPrompts,
    withoutPrompt,
    emptyPrompts: prompts.filter((_, i) => !seen.has(i)),
    generators: [...generators].sort(),
    origins,
    seeds: [...seeds].sort((a, b) => a - b)
  }
}
