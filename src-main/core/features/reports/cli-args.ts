// Arguments of the headless audit (src-main/cli/audit.ts), parsed into a checked plan. Every mistake is
// reported with the flag it concerns, before any model or image is loaded.
import { readFlags, UsageError } from '../../cli-flags'
import { isAbsolute, resolve } from 'node:path'
import { REPORT_FORMATS, type ReportFormat } from './writers/write-report-files'
import type { SamplerKind } from '../../engine/diffusion/sample-loop'

export const AUDIT_USAGE = `usage: audit --prompts FILE (--checkpoint PATH [--compare PATH ...] [--seeds 0:100] [--steps 20] [--sampler ddim|ddpm] [--guidance 3] [--size PX] | --images FOLDER)
             [--classifier builtin|photo | --mapping MAPPING.json [--onnx MODEL.onnx]] --out DIR
             [--formats html,pdf,json,csv] [--title TEXT] [--resamples 1000]

  --prompts     one prompt per line (blank lines and # comments ignored)
  --checkpoint  sample every prompt with the fixed seeds from this checkpoint, or from a Stable Diffusion ONNX export
                folder (optimum-cli export onnx --task text-to-image; DDIM); --compare adds more models
  --size        image size of Stable Diffusion folders (default: the export's own, else 512; 1024 for SDXL)
  --images      audit a folder of generated images (PopAlignSDXL sidecar .json files or an img_path,prompt CSV)
  --seeds       A:B is seeds A..B-1; or a comma list (1,5,9)
  --classifier  builtin = the shipped world classifier, photo = the photo classifier for people (perceived gender and
                five coarse groups); or give an ONNX classifier's --mapping (and --onnx)
  --out         folder for report.html, report.pdf, report.json, report.csv (and sampled images)`

export type AuditCliPlan = {
  prompts: string
  out: string
  formats: ReportFormat[]
  title: string | null
  resamples: number
  classifier: 'builtin' | 'photo' | { mappingPath: string; onnxPath?: string }
} & ({ source: 'checkpoints'; checkpoints: string[]; seeds: number[]; steps: number; sampler: SamplerKind; guidance: number; size?: number } | { source: 'images'; folder: string })

export { UsageError }

const VALUE_FLAGS = ['prompts', 'checkpoint', 'images', 'seeds', 'steps', 'sampler', 'guidance', 'size', 'classifier', 'onnx', 'mapping', 'out', 'formats', 'title', 'resamples'] as const
type ValueFlag = (typeof VALUE_FLAGS)[number]
const SAMPLING_FLAGS: readonly ValueFlag[] = ['seeds', 'steps', 'sampler', 'guidance', 'size']
const MAX_SEEDS = 100_000

/** `cwd` resolves relative paths; the CLI passes its working directory (core never reads it itself). */
export function parseAuditArgs(argv: readonly string[], cwd: string): AuditCliPlan | 'help' {
  const read = readFlags(argv, { values: VALUE_FLAGS, lists: ['compare'] })
  if (read.help) return 'help'
  const values = new Map(Object.entries(read.values) as [ValueFlag, string][])
  const compare = read.lists.compare ?? []
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(cwd, p))
  const need = (flag: ValueFlag): string => {
    const v = values.get(flag)
    if (v === undefined) throw new UsageError(`--${flag} is required`)
    return v
  }
  const prompts = path(need('prompts'))
  const out = path(need('out'))
  const formats = parseFormats(values.get('formats'))
  const resamples = values.has('resamples') ? intIn('--resamples', need('resamples'), 1, 100_000) : 1000
  const classifier = parseClassifier(values, path)
  const base = { prompts, out, formats, title: values.get('title') ?? null, resamples, classifier }

  const checkpoint = values.get('checkpoint')
  const images = values.get('images')
  if ((checkpoint === undefined) === (images === undefined)) throw new UsageError('give exactly one of --checkpoint PATH or --images FOLDER')
  if (images !== undefined) {
    const stray = SAMPLING_FLAGS.filter((f) => values.has(f)).map((f) => `--${f}`)
    if (compare.length > 0) stray.push('--compare')
    if (stray.length > 0) throw new UsageError(`${stray.join(', ')} only apply to --checkpoint (a folder's images are already generated)`)
    return { ...base, source: 'images', folder: path(images) }
  }
  const sampler = values.get('sampler') ?? 'ddim'
  if (sampler !== 'ddim' && sampler !== 'ddpm') throw new UsageError(`--sampler must be ddim or ddpm, got "${sampler}"`)
  const guidance = Number(values.get('guidance') ?? '3')
  if (!Number.isFinite(guidance) || guidance < 0 || guidance > 30) throw new UsageError(`--guidance must be a number in [0, 30], got "${values.get('guidance')}"`)
  return {
    ...base,
    source: 'checkpoints',
    checkpoints: [path(checkpoint as string), ...compare.map(path)],
    seeds: parseSeeds(values.get('seeds') ?? '0:100'),
    steps: intIn('--steps', values.get('steps') ?? '20', 1, 1000),
    sampler,
    guidance,
    ...(values.has('size') ? { size: multipleOf8('--size', need('size')) } : {})
  }
}

function multipleOf8(flag: string, raw: string): number {
  const v = intIn(flag, raw, 8, 4096)
  if (v % 8 !== 0) throw new UsageError(`${flag} must be a multiple of 8 (the VAE's factor), got "${raw}"`)
  return v
}

function intIn(flag: string, raw: string, lo: number, hi: number): number {
  const v = Number(raw)
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(v) || v < lo || v > hi) throw new UsageError(`${flag} must be an integer in [${lo}, ${hi}], got "${raw}"`)
  return v
}

/** "A:B" (A..B-1) or "1,5,9". */
export function parseSeeds(raw: string): number[] {
  const range = /^(\d+):(\d+)$/.exec(raw.trim())
  let seeds: number[]
  if (range) {
    const a = Number(range[1])
    const b = Number(range[2])
    if (!(b > a)) throw new UsageError(`--seeds ${raw}: the end must be above the start (A:B means seeds A to B-1)`)
    if (b - a > MAX_SEEDS) throw new UsageError(`--seeds ${raw}: at most ${MAX_SEEDS} seeds`)
    seeds = Array.from({ length: b - a }, (_, i) => a + i)
  } else if (/^\d+(,\d+)*$/.test(raw.trim())) {
    seeds = raw.trim().split(',').map(Number)
    if (new Set(seeds).size !== seeds.length) throw new UsageError(`--seeds ${raw}: a seed is listed twice`)
  } else {
    throw new UsageError(`--seeds must be A:B or a comma list of non-negative integers, got "${raw}"`)
  }
  if (seeds.some((s) => s > 2 ** 32 - 1)) throw new UsageError(`--seeds ${raw}: seeds must be below 2^32`)
  return seeds
}

function parseFormats(raw: string | undefined): ReportFormat[] {
  if (raw === undefined) return [...REPORT_FORMATS]
  const list = raw
    .split(',')
    .map((f) => f.trim().toLowerCase())
    .filter(Boolean)
  if (list.length === 0) throw new UsageError('--formats is empty')
  for (const f of list) if (!(REPORT_FORMATS as readonly string[]).includes(f)) throw new UsageError(`--formats: unknown format "${f}"; expected some of ${REPORT_FORMATS.join(', ')}`)
  return [...new Set(list)] as ReportFormat[]
}

function parseClassifier(values: Map<ValueFlag, string>, path: (p: string) => string): AuditCliPlan['classifier'] {
  const named = values.get('classifier')
  const mapping = values.get('mapping')
  const onnx = values.get('onnx')
  if (named !== undefined && named !== 'builtin' && named !== 'photo') {
    throw new UsageError(`--classifier must be "builtin" or "photo" (or give --mapping and --onnx for your own ONNX classifier), got "${named}"`)
  }
  if (named !== undefined && (mapping !== undefined || onnx !== undefined)) throw new UsageError(`give either --classifier ${named} or --mapping/--onnx, not both`)
  if (onnx !== undefined && mapping === undefined) throw new UsageError('--onnx needs --mapping (the file that maps its outputs onto the taxonomy)')
  if (mapping === undefined) return named ?? 'builtin'
  return onnx === undefined ? { mappingPath: path(mapping) } : { mappingPath: path(mapping), onnxPath: path(onnx) }
}
