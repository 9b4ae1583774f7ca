// Small PNG thumbnails of image files for the self-contained HTML export. Upscaled world renders are
// shrunk with nearest-neighbour so their pixels stay crisp; a file that cannot be read gets none (the
// HTML then lists the image by id only).
import sharp from 'sharp'
import { mapLimit } from '../import/map-limit'

export const THUMBNAIL_SIZE = 64

export async function thumbnailOf(path: string, size = THUMBNAIL_SIZE): Promise<Uint8Array | null> {
  try {
    return await sharp(path).removeAlpha().resize(size, size, { fit: 'inside', kernel: 'nearest', withoutEnlargement: true }).png({ compressionLevel: 9 }).toBuffer()
  } catch {
    return null
  }
}

/** Thumbnails by image id for the given (id, file) pairs. */
export async function thumbnailsFor(items: readonly { id: string; path: string | null }[], size = THUMBNAIL_SIZE): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>()
  await mapLimit(items, 4, async (it) => {
    if (it.path === null) return
    const png = await thumbnailOf(it.path, size)
    if (png) out.set(it.id, png)
  })
  return out
}
