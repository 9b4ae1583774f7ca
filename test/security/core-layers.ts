// The layer map of src-main/core (ARCHITECTURE.md §Layer map of src-main) as data, and the check that
// imports inside core only run down it. Pure: it works on an in-memory { file: source } map, so a test
// can feed it a deliberate violation, and layers.test.ts feeds it the real tree.
import { posix } from 'node:path'

/**
 * Rank of each top-level entry of src-main/core: a file may import from its own folder, from a folder
 * of a larger rank, and from a folder of the same rank only where the rank is shared on purpose
 * (features may use each other; leaves of one tier likewise). A smaller rank is a layer above.
 */
export const CORE_LAYERS: Record<string, number> = {
  // 1. API: the composition root, serve mode's transport (HTTP + WebSocket into dispatch), dispatch +
  //    handlers, and the demo project the root seeds
  studio: 10,
  serve: 11,
  api: 12,
  'demo-seed': 13,
  // 2. features, one folder per thing a user does (features/<name>)
  features: 20,
  // 3. domain and infrastructure, top-down
  evaluation: 30,
  training: 31,
  // sampling: the one sampler (model + prompts + seeds -> images) and its worker; below the training run
  // (which may start workers the same way), above the classifier, the world, sd and the engine it drives
  sampling: 31.5,
  classifier: 32,
  world: 33,
  // sd: the Stable Diffusion pipeline on onnxruntime (tokenizer, schedulers, model folder)
  sd: 33,
  engine: 34,
  jobs: 35,
  store: 36,
  'python-env': 37,
  // 4. leaves
  stats: 40,
  formats: 40,
  random: 41,
  fs: 41,
  errors: 41,
  // config.ts: the settings entry points decide (StudioConfig) and the rules that read them from the
  // environment variables they are handed (a leaf: node:path only)
  config: 41,
  // cli-flags.ts: reading command-line flags for every entry point (node:util only)
  'cli-flags': 41
}

/** Folders that may import a sibling of the same rank (features/team -> features/reports). */
const SIDEWAYS_OK = new Set([20, 40, 41])

export interface UpwardImport {
  file: string
  spec: string
  target: string
}

/** The layer key of a core-relative path: `features/<name>` for features, else the first segment. */
export function unitOf(coreRelative: string): string {
  const parts = coreRelative.replace(/\.(ts|mts|js|mjs)$/, '').split('/')
  return parts[0] === 'features' && parts.length > 2 ? `features/${parts[1]}` : parts[0]
}

export function rankOf(coreRelative: string): number | undefined {
  return Object.hasOwn(CORE_LAYERS, unitOf(coreRelative).split('/')[0]) ? CORE_LAYERS[unitOf(coreRelative).split('/')[0]] : undefined
}

/**
 * Upward imports among `sources` (paths relative to src-main/core -> file text). `importsOf` extracts
 * module specifiers; only relative ones that land inside core count. Unknown top-level folders are
 * reported too, so a new folder has to be placed on the map.
 */
export function upwardImports(sources: Record<string, string>, importsOf: (source: string) => string[]): UpwardImport[] {
  const out: UpwardImport[] = []
  for (const [file, text] of Object.entries(sources)) {
    const from = rankOf(file)
    for (const spec of importsOf(text)) {
      if (!spec.startsWith('.')) continue
      const target = posix.normalize(posix.join(posix.dirname(file), spec))
      if (target.startsWith('..')) continue // outside core (shared, main): the other layer rules
      const to = rankOf(target)
      if (from === undefined || to === undefined) {
        out.push({ file, spec, target: `${target} (not on the layer map)` })
        continue
      }
      if (unitOf(file) === unitOf(target)) continue
      if (to > from || (to === from && SIDEWAYS_OK.has(from))) continue
      out.push({ file, spec, target })
    }
  }
  return out
}

/** Folders below the features that must never import one (issue 12: engine, stats, random, fs, store). */
export const NO_FEATURE_IMPORTS = ['engine', 'stats', 'random', 'fs', 'store', 'formats', 'errors', 'world', 'classifier', 'evaluation', 'training', 'sampling', 'jobs']

export function featureImportsFrom(sources: Record<string, string>, importsOf: (source: string) => string[]): UpwardImport[] {
  const out: UpwardImport[] = []
  for (const [file, text] of Object.entries(sources)) {
    if (!NO_FEATURE_IMPORTS.includes(unitOf(file))) continue
    for (const spec of importsOf(text)) {
      if (!spec.startsWith('.')) continue
      const target = posix.normalize(posix.join(posix.dirname(file), spec))
      if (target.startsWith('features/') || target === 'features') out.push({ file, spec, target })
    }
  }
  return out
}
