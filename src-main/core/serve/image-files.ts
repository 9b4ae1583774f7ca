// Images are addressed by database id, never by path: the caller (renderer, browser) only ever
// names an id, the workspace store maps it to a file, and resolveInside() re-checks that the file
// really lies inside its root (symlinks, `..`, sibling-prefix folders) before a byte is read.
import type { ImageVariant } from '@shared/contract'
import { resolveInside } from '../fs/safe-path'
import { IMAGE_CONTENT_TYPES, IMAGE_EXTENSIONS, contentTypeFor } from './content-types'

export interface ImageFileRef {
  /** The file as the store knows it (absolute, or relative to `root`). */
  path: string
  /** The folder the file must stay inside (the imported folder, or the thumbnail cache). */
  root: string
}

/** Provided by the workspace store: where image `id` in `variant` lives, or null if unknown. */
export type ImageFileLookup = (id: number, variant: ImageVariant) => ImageFileRef | null | Promise<ImageFileRef | null>

export interface LocatedImage {
  file: string
  contentType: string
}

export const IMAGE_VARIANTS: readonly ImageVariant[] = ['full', 'thumb']

/** A positive decimal id without sign, leading zeros or exponent, or null. */
export function parseImageId(raw: string | null | undefined): number | null {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,15}$/.test(raw)) return null
  const id = Number(raw)
  return Number.isSafeInteger(id) ? id : null
}

export function parseImageVariant(raw: string | null | undefined): ImageVariant | null {
  if (raw === null || raw === undefined || raw === '') return 'full'
  return (IMAGE_VARIANTS as readonly string[]).includes(raw) ? (raw as ImageVariant) : null
}

/**
 * The checked file and content type for image `id`, or null when the id is unknown or the stored
 * path fails the containment check (which is logged through `onRefused`, since it means a tampered
 * or stale workspace rather than a user mistake). A thumbnail that was never made (or whose file is
 * gone) falls back to the full image, so a grid never shows a broken image for a known id.
 */
export async function locateImage(lookup: ImageFileLookup, id: number, variant: ImageVariant, onRefused: (reason: string) => void = () => {}): Promise<LocatedImage | null> {
  const located = await locateVariant(lookup, id, variant, onRefused)
  return located ?? (variant === 'thumb' ? locateVariant(lookup, id, 'full', onRefused) : null)
}

async function locateVariant(lookup: ImageFileLookup, id: number, variant: ImageVariant, onRefused: (reason: string) => void): Promise<LocatedImage | null> {
  const ref = await lookup(id, variant)
  if (!ref) return null
  let file: string
  try {
    file = resolveInside(ref.root, ref.path, { extensions: IMAGE_EXTENSIONS, decode: false })
  } catch (err) {
    onRefused(`image ${id} (${variant}) refused: ${err instanceof Error ? err.message : String(err)}`)
    return null
  }
  const contentType = contentTypeFor(file, IMAGE_CONTENT_TYPES)
  return contentType ? { file, contentType } : null
}
