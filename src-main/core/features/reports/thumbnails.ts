// Small thumbnails of image files for the report exports: PNGs for the self-contained HTML, decoded RGB
// for the PDF's contact sheets. Upscaled world renders are shrunk with nearest-neighbour so their pixels
// stay crisp; a file that cannot be read gets none (the export then lists the image by id only).
import sharp from 'sharp'
import type { RgbImage } from '../../formats/pdf-writer'
import type { RenderOptions } from './writers/write-report-files'
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

/** Side of the PDF's contact-sheet images: small, as they are written uncompressed. */
export const PDF_PICTURE_SIZE = 32

async function rgbOf(path: string, size: number): Promise<RgbImage | null> {
  try {
    const { data, info } = await sharp(path).removeAlpha().resize(size, size, { fit: 'inside', kernel: 'nearest', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true })
    return info.channels === 3 ? { width: info.width, height: info.height, rgb: new Uint8Array(data) } : null
  } catch {
    return null
  }
}

/**
 * The pictures of a report export: PNG thumbnails when the HTML is written, decoded ones when the PDF is.
 * `items` are the images the exports show (compose.ts exemplarIds).
 */
export async function pictureOptions(items: readonly { id: string; path: string | null }[], formats: readonly string[]): Promise<RenderOptions> {
  const options: RenderOptions = {}
  if (formats.includes('html')) options.html = { thumbnails: await thumbnailsFor(items) }
  if (formats.includes('pdf')) {
    const pictures = new Map<string, RgbImage>()
    await mapLimit(items, 4, async (it) => {
      const img = it.path === null ? null : await rgbOf(it.path, PDF_PICTURE_SIZE)
      if (img) pictures.set(it.id, img)
    })
    options.pdf = { pictures }
  }
  return options
}
