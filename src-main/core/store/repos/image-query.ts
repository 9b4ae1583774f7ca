// Images as a person looks for them (issue 10, "see the images"): where each came from (imported,
// acquired, sampled from a model, or drawn by a refinement chain), which model made it, what the
// classifier read, and which sets hold it; Browse filters by the first three.
import type Database from 'better-sqlite3'
import type { ImageDetail, ImageFacets, ImageFilter, ImageSource, ImageSummary } from '@shared/contract'

/** The one rule for an image's source, from what each producer writes (features/refinement/fresh-image, acquire, sample-jobs). */
const SOURCE_SQL = `(CASE WHEN json_extract(i.provenance, '$.source') = 'mcmc-sample' THEN 'refinement'
  WHEN i.generator LIKE 'popalign-studio acquire%' THEN 'acquired'
  WHEN i.generator LIKE 'popalign-studio/%' THEN 'sampled'
  ELSE 'imported' END)`

/** The model id a studio-made image names ("base", "run:12@200"), or its generator string as written. */
const MODEL_SQL = `(CASE WHEN i.generator LIKE 'popalign-studio/%' THEN substr(i.generator, 17) ELSE i.generator END)`

const FILTER_SQL = `i.project_id = @projectId AND (@promptId IS NULL OR i.prompt_id = @promptId)
  AND (@source IS NULL OR ${SOURCE_SQL} = @source)
  AND (@model IS NULL OR ${MODEL_SQL} = @model)
  AND (@axis IS NULL OR EXISTS (SELECT 1 FROM image_classifications c, json_each(c.attributes) a
       WHERE c.image_id = i.id AND c.status = 'ok' AND a.key = @axis AND a.value = @cls))`

interface Params {
  projectId: number
  promptId: number | null
  source: string | null
  model: string | null
  axis: string | null
  cls: string | null
}
interface Scope {
  projectId: number
  promptId: number | null
}
interface SummaryRow {
  id: number
  prompt_id: number
  width: number
  height: number
  sha256: string
  seed: number | null
  generator: string | null
}
const toSummary = (r: SummaryRow): ImageSummary => ({ id: r.id, promptId: r.prompt_id, width: r.width, height: r.height, sha256: r.sha256, seed: r.seed, generator: r.generator })

/**
 * How a model id reads: "Base model (built in)", "Run 2 · step 200" (the run's per-project number or
 * name), "averaged weights" for EMA checkpoints, "tiny (Stable Diffusion)" for a model folder, and a
 * generator tag from an imported sidecar ("synthetic-population-renderer@1") as words with its version;
 * anything else as written.
 */
export function modelLabel(model: string | null, runName: (jobId: number) => string | null): string | null {
  if (model === null) return null
  if (model === 'base') return 'Base model (built in)'
  if (model.startsWith('sd:')) return `${model.slice(3)} (Stable Diffusion)`
  const tag = /^([a-z][a-z0-9]*(?:-[a-z0-9]+)+)@([\w.]+)$/.exec(model)
  if (tag) return `${tag[1].charAt(0).toUpperCase()}${tag[1].slice(1).replace(/-/g, ' ')} (version ${tag[2]})`
  const run = /^run:(\d+)(?:@(\d+))?(-ema)?$/.exec(model)
  if (!run) return model
  const name = runName(Number(run[1])) ?? 'a deleted run'
  return `${name}${run[2] ? ` · step ${run[2]}` : ''}${run[3] ? ' · averaged weights' : ''}`
}

export function imageQueryRepo(db: Database.Database) {
  const page = db.prepare<Params & { limit: number; offset: number }, SummaryRow>(`SELECT i.* FROM images i WHERE ${FILTER_SQL} ORDER BY i.id LIMIT @limit OFFSET @offset`)
  const total = db.prepare<Params, number>(`SELECT count(*) FROM images i WHERE ${FILTER_SQL}`).pluck()
  const sources = db.prepare<Scope, { source: ImageSource; n: number }>(
    `SELECT ${SOURCE_SQL} AS source, count(*) AS n FROM images i WHERE i.project_id = @projectId AND (@promptId IS NULL OR i.prompt_id = @promptId) GROUP BY source ORDER BY source`
  )
  const models = db.prepare<Scope, { model: string; n: number }>(
    `SELECT ${MODEL_SQL} AS model, count(*) AS n FROM images i WHERE i.project_id = @projectId AND (@promptId IS NULL OR i.prompt_id = @promptId) AND i.generator IS NOT NULL GROUP BY model ORDER BY model`
  )
  const labels = db.prepare<Scope, { axis: string; cls: string; n: number }>(
    `SELECT a.key AS axis, a.value AS cls, count(DISTINCT i.id) AS n FROM images i JOIN image_classifications c ON c.image_id = i.id, json_each(c.attributes) a
     WHERE i.project_id = @projectId AND (@promptId IS NULL OR i.prompt_id = @promptId) AND c.status = 'ok' GROUP BY a.key, a.value ORDER BY a.key, a.value`
  )
  const one = db.prepare<
    [number],
    SummaryRow & { project_id: number; file_path: string; created_at: string; source: ImageSource; model: string | null; prompt_text: string; prompt_kind: 'neutral' | 'specific' }
  >(`SELECT i.*, ${SOURCE_SQL} AS source, ${MODEL_SQL} AS model, p.text AS prompt_text, p.kind AS prompt_kind FROM images i JOIN prompts p ON p.id = i.prompt_id WHERE i.id = ?`)
  const verdicts = db.prepare<[number], { classifier_id: string; classifier_version: string; status: string; attributes: string; confidence: number | null }>(
    'SELECT classifier_id, classifier_version, status, attributes, confidence FROM image_classifications WHERE image_id = ? ORDER BY created_at DESC'
  )
  const setsOf = db.prepare<[number], { id: number; label: string }>(
    `SELECT s.id, coalesce(s.name, 'Set ' || s.number) AS label FROM set_members m JOIN image_sets s ON s.id = m.set_id WHERE m.image_id = ? ORDER BY s.number`
  )
  const idsFrom = db.prepare<[number, string], number>(`SELECT i.id FROM images i WHERE i.prompt_id = ? AND ${SOURCE_SQL} IN (SELECT value FROM json_each(?)) ORDER BY i.id`).pluck()
  const runOf = db.prepare<[number], { name: string | null; number: number; kind: string }>('SELECT name, number, kind FROM jobs WHERE id = ?')
  const runName = (jobId: number): string | null => {
    const r = runOf.get(jobId)
    return r && r.kind === 'train' ? (r.name ?? `Run ${r.number}`) : null
  }

  return {
    /** The images of a prompt from these sources, in import order (what a report audits as "workspace images"). */
    idsOfPrompt(promptId: number, sources: readonly ImageSource[]): number[] {
      return idsFrom.all(promptId, JSON.stringify(sources))
    },
    list(projectId: number, f: ImageFilter & { promptId?: number; offset: number; limit: number }): { total: number; items: ImageSummary[] } {
      const params: Params = { projectId, promptId: f.promptId ?? null, source: f.source ?? null, model: f.model ?? null, axis: f.label?.axis ?? null, cls: f.label?.cls ?? null }
      return { total: total.get(params)!, items: page.all({ ...params, limit: f.limit, offset: f.offset }).map(toSummary) }
    },
    facets(projectId: number, promptId?: number): ImageFacets {
      const p = { projectId, promptId: promptId ?? null }
      return {
        sources: sources.all(p).map((r) => ({ source: r.source, count: r.n })),
        models: models.all(p).map((r) => ({ model: r.model, label: modelLabel(r.model, runName) ?? r.model, count: r.n })),
        labels: labels.all(p).map((r) => ({ axis: r.axis, cls: r.cls, count: r.n }))
      }
    },
    /** Null for an unknown image. */
    detail(imageId: number): (ImageDetail & { projectId: number }) | null {
      const r = one.get(imageId)
      if (!r) return null
      return {
        ...toSummary(r),
        projectId: r.project_id,
        promptText: r.prompt_text,
        promptKind: r.prompt_kind,
        source: r.source,
        model: modelLabel(r.model, runName),
        fileName: r.file_path.split(/[\\/]/).pop() ?? r.file_path,
        createdAt: r.created_at,
        verdicts: verdicts.all(imageId).map((v) => ({
          classifier: `${v.classifier_id} ${v.classifier_version}`,
          status: v.status as ImageDetail['verdicts'][number]['status'],
          attributes: JSON.parse(v.attributes) as Record<string, string>,
          confidence: v.confidence
        })),
        sets: setsOf.all(imageId)
      }
    }
  }
}
