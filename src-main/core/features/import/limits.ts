// What the importer accepts. Caps exist so that one hostile or broken file (a 2 GB "PNG", a
// 100000 x 100000 decompression bomb) cannot exhaust memory and stall the whole import.

export const IMPORT_IMAGE_EXTENSIONS: readonly string[] = Object.freeze(['.png', '.jpg', '.jpeg', '.webp'])
/** sharp's names for the formats we accept; the content decides, not the extension. */
export const IMPORT_IMAGE_FORMATS: readonly string[] = Object.freeze(['png', 'jpeg', 'webp'])

export interface ImportLimits {
  /** Largest file accepted, in bytes. */
  maxFileBytes: number
  /** Largest width or height accepted, in pixels. */
  maxDimension: number
  /** Largest width x height accepted. */
  maxPixels: number
  /** Largest CSV manifest read, in bytes. */
  maxManifestBytes: number
  /** Largest sidecar JSON read, in bytes (a real one is a few hundred bytes). */
  maxSidecarBytes: number
}

export const DEFAULT_IMPORT_LIMITS: Readonly<ImportLimits> = Object.freeze({
  maxFileBytes: 50 * 1024 * 1024,
  maxDimension: 16_384,
  maxPixels: 100_000_000,
  maxManifestBytes: 64 * 1024 * 1024,
  maxSidecarBytes: 1024 * 1024
})

/** Thumbnail edge length in pixels (the longer side). */
export const THUMB_SIZE = 256
