// Imported images: content hash, absolute path, the root folder it came from, size and provenance.
// Pixels never enter the database.
import type Database from 'better-sqlite3'
import type { ImageSummary, ImageVariant } from '@shared/contract'

interface ImageRow {
  id: number
  project_id: number
  prompt_id: number
  sha256: string
  file_path: string
  root_path: string
  width: number
  height: number
  bytes: number
  seed: number | null
  generator: string | null
  provenance: string
  thumb_path: string | null
}

export interface NewImage {
  projectId: number
  promptId: number
  sha256: string
  filePath: string
  rootPath: string
  width: number
  height: number
  bytes: number
  seed?: number | null
  generator?: string | null
  provenance?: Record<string, unknown>
  thumbPath?: string | null
}

/** Full record for the core (import, engine, export); the API only sees ImageSummary. */
export interface ImageRecord extends ImageSummary {
  projectId: number
  filePath: string
  rootPath: string
  bytes: number
  provenance: Record<string, unknown>
  thumbPath: string | null
}

const toSummary = (r: ImageRow): ImageSummary => ({
  id: r.id,
  promptId: r.prompt_id,
  width: r.width,
  height: r.height,
  sha256: r.sha256,
  seed: r.seed,
  generator: r.generator
})

const toRecord = (r: ImageRow): ImageRecord => ({
  ...toSummary(r),
  projectId: r.project_id,
  filePath: r.file_path,
  rootPath: r.root_path,
  bytes: r.bytes,
  provenance: JSON.parse(r.provenance) as Record<string, unknown>,
  thumbPath: r.thumb_path
})

/** `thumbRoot` is the workspace's thumbnail cache folder, the only root thumbnails are served from. */
export function imagesRepo(db: Database.Database, thumbRoot: string) {
  const insert = db.prepare(
    `INSERT INTO images (project_id, prompt_id, sha256, file_path, root_path, width, height, bytes, seed, generator, provenance, thumb_path)
     VALUES (@projectId, @promptId, @sha256, @filePath, @rootPath, @width, @height, @bytes, @seed, @generator, @provenance, @thumbPath)
     ON CONFLICT (project_id, sha256) DO NOTHING`
  )
  const byHash = db.prepare<[number, string], ImageRow>('SELECT * FROM images WHERE project_id = ? AND sha256 = ?')
  const byId = db.prepare<[number], ImageRow>('SELECT * FROM images WHERE id = ?')
  const page = db.prepare<[number, number, number], ImageRow>('SELECT * FROM images WHERE project_id = ? ORDER BY id LIMIT ? OFFSET ?')
  const pageOfPrompt = db.prepare<[number, number, number, number], ImageRow>('SELECT * FROM images WHERE project_id = ? AND prompt_id = ? ORDER BY id LIMIT ? OFFSET ?')
  const count = db.prepare<[number], number>('SELECT count(*) FROM images WHERE project_id = ?').pluck()
  const countOfPrompt = db.prepare<[number, number], number>('SELECT count(*) FROM images WHERE project_id = ? AND prompt_id = ?').pluck()
  const idsOfPrompt = db.prepare<[number], number>('SELECT id FROM images WHERE prompt_id = ? ORDER BY id').pluck()
  const setThumb = db.prepare<[string, number]>('UPDATE images SET thumb_path = ? WHERE id = ?')
  return {
    /** Inserts an image unless the project already has these bytes; `duplicate` tells which happened. */
    add(img: NewImage): { image: ImageRecord; duplicate: boolean } {
      const { changes } = insert.run({
        ...img,
        seed: img.seed ?? null,
        generator: img.generator ?? null,
        provenance: JSON.stringify(img.provenance ?? {}),
        thumbPath: img.thumbPath ?? null
      })
      return { image: toRecord(byHash.get(img.projectId, img.sha256)!), duplicate: changes === 0 }
    },
    get(id: number): ImageRecord | null {
      const row = byId.get(id)
      return row ? toRecord(row) : null
    },
    byHash(projectId: number, sha256: string): ImageRecord | null {
      const row = byHash.get(projectId, sha256)
      return row ? toRecord(row) : null
    },
    list(projectId: number, opts: { promptId?: number; offset?: number; limit?: number } = {}): { total: number; items: ImageSummary[] } {
      const offset = opts.offset ?? 0
      const limit = opts.limit ?? 500
      if (opts.promptId === undefined) return { total: count.get(projectId)!, items: page.all(projectId, limit, offset).map(toSummary) }
      return { total: countOfPrompt.get(projectId, opts.promptId)!, items: pageOfPrompt.all(projectId, opts.promptId, limit, offset).map(toSummary) }
    },
    idsOfPrompt(promptId: number): number[] {
      return idsOfPrompt.all(promptId)
    },
    setThumb(id: number, thumbPath: string): void {
      setThumb.run(thumbPath, id)
    },
    /**
     * What the image protocol needs to serve an image by id: the file and the root it must stay
     * inside (checked by resolveInside). Null for an unknown id or a thumbnail not yet made.
     */
    imageFile(imageId: number, variant: ImageVariant): { path: string; root: string } | null {
      const row = byId.get(imageId)
      if (!row) return null
      if (variant === 'full') return { path: row.file_path, root: row.root_path }
      return row.thumb_path === null ? null : { path: row.thumb_path, root: thumbRoot }
    }
  }
}
export type ImagesRepo = ReturnType<typeof imagesRepo>
