// What exports need to know beyond the snapshot rows: per-image facts (prompt used, seed, generator,
// classifier verdicts), per-set facts (origin, MCMC chain), judgement details and annotator names,
// and the image bytes themselves, checked against the content hash recorded at import.
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type Database from 'better-sqlite3'

export interface ImageFacts {
  promptText: string
  promptKind: 'neutral' | 'specific'
  seed: number | null
  generator: string | null
  classifications: Array<{ classifierId: string; classifierVersion: string; status: string; attributes: Record<string, string>; confidence: number | null }>
  /** The acquisition gate's verdict, when the image came from an acquisition job. */
  gate: string | null
}

export interface JudgementFacts {
  annotatorName: string
  annotatorKind: 'human' | 'classifier'
  criterion: string
  shownLeft: 'a' | 'b'
  responseMs: number
}

export function exportFacts(db: Database.Database) {
  const image = db.prepare<[number], { text: string; kind: 'neutral' | 'specific'; seed: number | null; generator: string | null }>(
    'SELECT p.text, p.kind, i.seed, i.generator FROM images i JOIN prompts p ON p.id = i.prompt_id WHERE i.id = ?'
  )
  const classifications = db.prepare<[number], { classifierId: string; classifierVersion: string; status: string; attributes: string; confidence: number | null }>(
    `SELECT classifier_id AS classifierId, classifier_version AS classifierVersion, status, attributes, confidence
     FROM image_classifications WHERE image_id = ? ORDER BY classifier_id, classifier_version`
  )
  // The acquisition tables arrive with a later migration; read them only where they exist.
  const hasAcquire = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'acquire_images'").get() !== undefined
  const gate = hasAcquire ? db.prepare<[number], string>('SELECT gate FROM acquire_images WHERE image_id = ? ORDER BY job_id DESC LIMIT 1').pluck() : null
  const set = db.prepare<[number], { origin: string }>('SELECT origin FROM image_sets WHERE id = ?')
  const chain = db.prepare<[number], number>('SELECT id FROM mcmc_chains WHERE result_set_id = ? ORDER BY id LIMIT 1').pluck()
  const judgement = db.prepare<[number], { name: string; kind: 'human' | 'classifier'; criterion: string; shown_left: 'a' | 'b'; response_ms: number }>(
    'SELECT a.name, a.kind, j.criterion, j.shown_left, j.response_ms FROM judgements j JOIN annotators a ON a.id = j.annotator_id WHERE j.id = ?'
  )
  const axes = db.prepare<[number], string>('SELECT name FROM axes WHERE project_id = ? ORDER BY name').pluck()

  const imageCache = new Map<number, ImageFacts>()
  return {
    image(imageId: number): ImageFacts {
      const cached = imageCache.get(imageId)
      if (cached) return cached
      const row = image.get(imageId)
      if (!row) throw new Error(`image ${imageId} is no longer in the workspace`)
      const facts: ImageFacts = {
        promptText: row.text,
        promptKind: row.kind,
        seed: row.seed,
        generator: row.generator,
        classifications: classifications.all(imageId).map((c) => ({ ...c, attributes: JSON.parse(c.attributes) as Record<string, string> })),
        gate: gate?.get(imageId) ?? null
      }
      imageCache.set(imageId, facts)
      return facts
    },
    set(setId: number): { origin: string; mcmcChainId: number | null } {
      return { origin: set.get(setId)?.origin ?? 'unknown', mcmcChainId: chain.get(setId) ?? null }
    },
    judgement(judgementId: number): JudgementFacts | null {
      const row = judgement.get(judgementId)
      return row ? { annotatorName: row.name, annotatorKind: row.kind, criterion: row.criterion, shownLeft: row.shown_left, responseMs: row.response_ms } : null
    },
    axes: (projectId: number): string[] => axes.all(projectId)
  }
}
export type ExportFacts = ReturnType<typeof exportFacts>

/** The bytes of an image file, refused when missing or changed since import (a trainer must get what was judged). */
export function readImageBytes(item: { imageId: number; filePath: string; sha256: string }): Buffer {
  if (!existsSync(item.filePath)) throw new Error(`image ${item.imageId} is missing on disk: ${item.filePath}`)
  const bytes = readFileSync(item.filePath)
  const actual = createHash('sha256').update(bytes).digest('hex')
  if (actual !== item.sha256) throw new Error(`image ${item.imageId} changed on disk since it was imported (content hash differs): ${item.filePath}`)
  return bytes
}
