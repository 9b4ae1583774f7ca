// How sets, runs and jobs are called on screen (issue 10, "meaning, not ids"): the name a person gave
// them, else their per-project number, never a database id; methods and states in words, never enum values.
import type { FinetuneMethodName, ImageSet, ModelEntry } from '@shared/contract'
import type { JobStateName } from '@shared/job-states'

export const setLabel = (s: { name: string | null; number: number }): string => s.name ?? `Set ${s.number}`

/** Where a set came from, in words. */
export const SET_ORIGIN_WORDS: Record<ImageSet['origin'], string> = { random: 'drawn at random', manual: 'picked by hand', mcmc: 'refined by a chain', generated: 'generated' }

/**
 * A snapshot by its name and version, each said once: the default name is "v<version>" already, so a
 * snapshot called "v1" reads "v1", not "v1 · v1"; a given name keeps its version ("balanced · v2").
 */
export const snapshotLabel = (s: { name: string; version: number }): string => (s.name.trim() === `v${s.version}` ? s.name.trim() : `${s.name} · v${s.version}`)

/** A count with its noun: "1 pair", "1,200 images". */
export const counted = (n: number, one: string, many: string): string => `${n.toLocaleString('en')} ${n === 1 ? one : many}`

export const runLabel = (r: { name: string | null; number: number }): string => r.name ?? `Run ${r.number}`

const METHOD_WORDS: Record<FinetuneMethodName, string> = { popalign: 'PopAlign', dpo: 'Diffusion-DPO', sft: 'SFT' }

/** A run's training objective as the papers call it ("PopAlign", "Diffusion-DPO", "SFT"); null is a Train-screen run. Takes a string: the real trainer's metrics carry the method as one. */
export const methodLabel = (method: string | null): string => (method === null ? 'plain training' : (METHOD_WORDS[method as FinetuneMethodName] ?? method))

const WEIGHTING_NAMES: Record<string, string> = { constant: 'constant', debias: '1/√SNR', min_snr: 'Min-SNR-γ', p2: 'P2' }

/** A timestep loss weighting as the papers write it ("1/√SNR", "Min-SNR-γ"), from its stored name ("debias", "min_snr"). */
export const weightingName = (w: string): string => WEIGHTING_NAMES[w] ?? w
const weightingWords = (w: string): string => (w === 'constant' ? 'constant loss weighting' : `loss weighting ${weightingName(w)}`)

/** The catalogue's run label, "<run> · step N[ · weight average (EMA)]" (core/features/models/catalog.ts). */
const RUN_LABEL = /^(.*) · (step \d+(?: · weight average \(EMA\))?)$/

/** The label with a fine-tune's method next to its run's name: "Run 3 · PopAlign · step 200". */
function labelWithMethod(m: ModelEntry): string {
  if (m.source !== 'run' || !m.method) return m.label
  const hit = RUN_LABEL.exec(m.label)
  return hit ? `${hit[1]} · ${methodLabel(m.method)} · ${hit[2]}` : `${m.label} · ${methodLabel(m.method)}`
}

/** What can tell two models apart, in words, in the order a reader compares them. */
const DISTINGUISHERS: ReadonlyArray<(m: ModelEntry) => string> = [
  (m) => weightingWords(m.weighting),
  (m) => `width ${m.arch.width}, depth ${m.arch.depth}`,
  (m) => `${m.schedule} noise schedule`,
  (m) => `seed ${m.seed}`
]

/**
 * How every model picker offers each model, by id: its name in words, e.g. "Base model (built in)"
 * or "Run 3 · PopAlign · step 200". Only where two entries would read the same does a name gain what
 * differs between them ("loss weighting 1/√SNR"); the full technical detail is modelDetails, for a tooltip.
 */
export function modelChoiceLabels(all: readonly ModelEntry[]): Map<string, string> {
  const byName = new Map<string, ModelEntry[]>()
  for (const m of all) {
    const name = labelWithMethod(m)
    byName.set(name, [...(byName.get(name) ?? []), m])
  }
  const out = new Map<string, string>()
  for (const [name, twins] of byName) {
    const differing = twins.length < 2 ? [] : DISTINGUISHERS.filter((words) => new Set(twins.map((t) => words(t))).size > 1)
    for (const m of twins) out.set(m.id, [name, ...differing.map((words) => words(m))].join(' · '))
  }
  return out
}

/**
 * A model that a saved record names by its id and by the label stored with it (a sampled image, a
 * chain's entering image): the pickers' name while the model is still in the catalogue (`names` is
 * modelChoiceLabels over models.list), else the stored label (the model was deleted), else null.
 */
export function recordedModelName(id: string, stored: string | null, names: ReadonlyMap<string, string>): string | null {
  return names.get(id) ?? stored
}

/** A model's technical detail, for its tooltip: architecture, weighting, schedule, seed, step and id. */
export function modelDetails(m: ModelEntry): string {
  if (m.source === 'folder') return `Stable Diffusion ONNX export (model id ${m.id})`
  const a = m.arch
  return [
    `Model size: patch ${a.patch}, width ${a.width}, depth ${a.depth}, ${a.heads} heads, ${a.imageSize}×${a.imageSize} images`,
    weightingWords(m.weighting),
    `${m.schedule} noise schedule`,
    `seed ${m.seed}`,
    `step ${m.step} of ${m.totalSteps}`,
    `model id ${m.id}`
  ].join(' · ')
}

const JOB_STATE_WORDS: Record<JobStateName, string> = { queued: 'waiting to start', running: 'running', paused: 'paused', done: 'finished', failed: 'failed', cancelled: 'cancelled' }

/** A job's or run's state as a person says it ("finished", "waiting to start"). */
export const jobStateLabel = (state: JobStateName): string => JOB_STATE_WORDS[state]

const JOB_WORDS: Record<string, string> = {
  import: 'Import',
  train: 'Run',
  sample: 'Sampling',
  classify: 'Classification',
  acquire: 'Acquisition',
  export: 'Export',
  audit: 'Report'
}

/** "Import 2", "Sampling 3", or the job's own name. */
export const jobLabel = (j: { kind: string; name: string | null; number: number }): string => j.name ?? `${JOB_WORDS[j.kind] ?? 'Job'} ${j.number}`

/** Where a run started, in words: "Base model (built in)", or another run by its number or name ("Run 2 · step 40"), not "run:12@40". */
export function startedFrom(init: string, runs: ReadonlyArray<{ jobId: number; name: string | null; number: number }>): string {
  if (init === 'scratch') return 'a new model'
  if (init === 'base') return 'Base model (built in)'
  const m = /^run:(\d+)(?:@(\d+))?/.exec(init)
  if (!m) return init
  const from = runs.find((r) => r.jobId === Number(m[1]))
  return `${from ? runLabel(from) : 'a run of another project'}${m[2] ? ` · step ${m[2]}` : ''}`
}

/** "1st", "2nd", "3rd", "11th", "22nd": a place in a set, so it never reads like an id ("image 2"). */
export function ordinal(n: number): string {
  const tens = n % 100
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')
  return `${n}${suffix}`
}

/** The built-in classifier's id as the core records it (core/classifier/world-classifier.ts; names.test.ts holds them equal). */
export const WORLD_CLASSIFIER = 'popalign-world-classifier'

/** A classifier as the choice that made it is called ("Built-in world classifier"); a foreign one by the id its mapping gives. */
export const classifierName = (id: string): string => (id === WORLD_CLASSIFIER ? 'Built-in world classifier' : id)
