// The models the app can start from or sample: the shipped base model (when its checkpoint is
// present), every checkpoint of every training run in the workspace, and the Stable Diffusion ONNX
// exports in <workspace>/models/ (sampled, never trained here). Callers name models by id ("base",
// "run:<jobId>", "run:<jobId>@<step>", "sd:<folder>"), and only this module turns an id into a path.
import { existsSync, lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { ModelEntry } from '@shared/contract'
import { ApiFailure } from '../../errors/api-failure'
import { listCheckpoints, listEmaCheckpoints } from '../../engine/checkpoint/store'
import { isMissingPath } from '../../fs/missing'
import { readCheckpointMeta, type CheckpointMeta } from './checkpoint-meta'
import { BASE_CHECKPOINT_FILE, modelFoldersOf, runDirOf, runsRootOf } from './paths'

export interface CatalogOptions {
  workspaceDir: string
  /** Folder of the shipped base model (base.ckpt, config.json, ...). */
  baseModelDir: string
  log?: (line: string) => void
  /** How a run is called on screen ("Run 2", its per-project number, or the name given to it); "Run <jobId>" when left out. */
  runName?: (jobId: number) => string | null
  /** A run's fine-tuning objective ('popalign', 'dpo', 'sft'), so lists can say what kind of model it is; null for plain training. */
  runMethod?: (jobId: number) => string | null
}

function entryOf(id: string, label: string, source: ModelEntry['source'], jobId: number | null, path: string, meta: CheckpointMeta): ModelEntry {
  const m = meta.config.model
  return {
    id,
    label,
    source,
    jobId,
    step: meta.step,
    totalSteps: meta.config.steps,
    arch: { imageSize: m.imageSize, patch: m.patch, width: m.width, depth: m.depth, heads: m.heads },
    weighting: meta.config.weighting,
    schedule: meta.config.schedule,
    seed: meta.config.seed,
    path
  }
}

const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/

/** A Stable Diffusion folder's entry: DiT-only fields are zero (no training steps, no DiT architecture). */
function folderEntry(name: string, path: string): ModelEntry {
  return {
    id: `sd:${name}`,
    label: `${name} (Stable Diffusion)`,
    source: 'folder',
    jobId: null,
    step: 0,
    totalSteps: 0,
    arch: { imageSize: 0, patch: 0, width: 0, depth: 0, heads: 0 },
    weighting: 'constant',
    schedule: 'scaled_linear',
    seed: 0,
    path
  }
}

/** The entries of a folder; none when it does not exist yet (any other failure is raised). */
function namesIn(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch (err) {
    if (isMissingPath(err)) return []
    throw err
  }
}

export function createCatalog(opts: CatalogOptions) {
  const log = opts.log ?? (() => {})

  /** Folders of <workspace>/models that hold a UNet export; the sampler checks the rest when it opens one. */
  const folders = (): ModelEntry[] => {
    const root = modelFoldersOf(opts.workspaceDir)
    return namesIn(root)
      .filter((n) => FOLDER_NAME.test(n) && lstatSync(join(root, n)).isDirectory() && existsSync(join(root, n, 'unet', 'model.onnx')))
      .sort()
      .map((n) => folderEntry(n, join(root, n)))
  }

  const base = (): ModelEntry | null => {
    const path = join(opts.baseModelDir, BASE_CHECKPOINT_FILE)
    if (!existsSync(path)) return null
    try {
      return entryOf('base', 'Base model (built in)', 'builtin', null, path, readCheckpointMeta(path))
    } catch (err) {
      log(`base model unreadable: ${err instanceof Error ? err.message : String(err)}`)
      return null
    }
  }

  const ofRun = (jobId: number): ModelEntry[] => {
    const out: ModelEntry[] = []
    const dir = runDirOf(opts.workspaceDir, jobId)
    const files = [...listCheckpoints(dir).map((c) => ({ ...c, ema: false })), ...listEmaCheckpoints(dir).map((c) => ({ ...c, ema: true }))]
    // In step order, each step's averaged weights right after its plain ones.
    files.sort((a, b) => a.step - b.step || Number(a.ema) - Number(b.ema))
    const name = files.length > 0 ? (opts.runName?.(jobId) ?? `Run ${jobId}`) : ''
    const method = files.length > 0 ? (opts.runMethod?.(jobId) ?? null) : null
    for (const c of files) {
      try {
        const id = `run:${jobId}@${c.step}${c.ema ? '-ema' : ''}`
        const entry = entryOf(id, `${name} · step ${c.step}${c.ema ? ' · weight average (EMA)' : ''}`, 'run', jobId, c.path, readCheckpointMeta(c.path))
        out.push({ ...entry, method })
      } catch (err) {
        // A half-written or foreign file in a run folder is skipped here; loading it would say why.
        log(`skipped checkpoint ${c.path}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    return out
  }

  const runIds = (): number[] =>
    namesIn(runsRootOf(opts.workspaceDir))
      .filter((n) => /^[1-9][0-9]{0,15}$/.test(n))
      .map(Number)
      .sort((a, b) => b - a)

  return {
    /** The base model first, then runs newest first (each run's checkpoints newest first), then the Stable Diffusion folders. */
    list(): ModelEntry[] {
      const out: ModelEntry[] = []
      const b = base()
      if (b) out.push(b)
      for (const id of runIds()) out.push(...ofRun(id).reverse())
      out.push(...folders())
      return out
    },
    /** The newest checkpoint of a run, or null when it has written none yet. */
    latestOfRun(jobId: number): ModelEntry | null {
      return (
        ofRun(jobId)
          .filter((e) => !e.id.endsWith('-ema'))
          .at(-1) ?? null
      )
    },
    /** Resolves a model id to its entry; ApiFailure not_found naming the id otherwise. */
    resolve(id: string): ModelEntry {
      if (id === 'base') {
        const b = base()
        if (!b) throw new ApiFailure('not_found', `the built-in base model is not installed (no ${join(opts.baseModelDir, BASE_CHECKPOINT_FILE)})`)
        return b
      }
      if (id.startsWith('sd:')) {
        const hit = folders().find((e) => e.id === id)
        if (!hit) throw new ApiFailure('not_found', `no Stable Diffusion model folder "${id.slice(3, 103)}" in ${modelFoldersOf(opts.workspaceDir)} (a folder with unet/model.onnx)`)
        return hit
      }
      const m = /^run:([1-9][0-9]{0,15})(?:@([0-9]{1,12})(-ema)?)?$/.exec(id)
      if (!m) throw new ApiFailure('bad_request', `not a model id: "${id.slice(0, 80)}" (expected "base", "run:<jobId>[@<step>[-ema]]" or "sd:<folder>")`)
      const jobId = Number(m[1])
      const all = ofRun(jobId)
      const plain = all.filter((e) => !e.id.endsWith('-ema'))
      if (plain.length === 0) throw new ApiFailure('not_found', `run ${jobId} has no checkpoint yet`)
      if (m[2] === undefined) return plain.at(-1)!
      const hit = all.find((e) => e.id === id)
      if (!hit) {
        const which = m[3] ? 'no weight-average checkpoint' : 'no checkpoint'
        throw new ApiFailure('not_found', `run ${jobId} has ${which} at step ${m[2]} (it has ${all.map((e) => e.id.slice(e.id.indexOf('@') + 1)).join(', ')})`)
      }
      return hit
    }
  }
}
export type Catalog = ReturnType<typeof createCatalog>
