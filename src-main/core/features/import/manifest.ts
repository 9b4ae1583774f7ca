// Works out which files an import will try, and with which prompt, before any image is decoded.
//
// Sources of prompts, in the folder the owner picked (top level only, so sub folders such as a
// CSV variant or an `outputs/` copy are not swept in by accident):
//   - a sidecar JSON per image, as PopAlignSDXL writes it: `img_<uuid>_seed_<s>_<i>.jpg` + `.json`
//     holding `{file_path, prompt}`; the image is the sibling with the same stem;
//   - a CSV manifest with `img_path,prompt` columns; its paths may point into sub folders.
// A CSV row wins over a sidecar for the same image. Every path that comes from a file's content
// goes through resolveInside(folder, …), so a manifest cannot reach outside the folder; so do the
// sidecars and manifests themselves (a symlinked `x.json` pointing out is refused, not followed).
// They are read only as regular files and within a size limit (fs/read-regular), so a FIFO or a
// link to /dev/zero fails alone, is listed in the report, and never hangs or floods the studio.
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { FileRefusedError, readRegularFile } from '../../fs/read-regular'
import { resolveInside, UnsafePathError } from '../../fs/safe-path'
import { CsvError, parseCsv } from '../../formats/csv'
import { realImportFolder } from './import-folder'
import { IMPORT_IMAGE_EXTENSIONS, type ImportLimits } from './limits'
import { parsePopAlignName } from './popalign-name'
import { boundProvenance } from './provenance'

export interface ManifestEntry {
  /** Path relative to the folder, with `/` separators: the key of the import ledger and of the report. */
  relPath: string
  /** Real absolute path of the image, or null when the entry already failed. */
  absPath: string | null
  prompt: string | null
  seed: number | null
  generator: string | null
  /** Everything else we know about the file's origin, stored with the image as JSON. */
  provenance: Record<string, unknown>
  /** Why this entry cannot be imported, or null when it should be tried. */
  problem: string | null
}

export interface Manifest {
  folder: string
  entries: ManifestEntry[]
}

const MAX_PROMPT_LENGTH = 10_000
const SIDECAR_RESERVED = new Set(['prompt', 'file_path'])

/** Files handled between two yields to the event loop (the import runs in the app's main process). */
const YIELD_EVERY = 256
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Builds the manifest of `folder`. Throws only when the folder itself is unusable. */
export async function buildManifest(folder: string, limits: ImportLimits): Promise<Manifest> {
  const root = realImportFolder(folder)
  const byRel = new Map<string, ManifestEntry>()
  const names = readdirSync(root, { withFileTypes: true })
    .filter((d) => !d.name.startsWith('.'))
    .map((d) => d.name)
    .sort()

  // 1. Every image at the top level is a candidate; it still needs a prompt from somewhere.
  let handled = 0
  const breathe = async (): Promise<void> => {
    if (++handled % YIELD_EVERY === 0) await yieldToEventLoop()
  }
  for (const name of names) {
    if (!IMPORT_IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase())) continue
    await breathe()
    const entry = blankEntry(name)
    try {
      entry.absPath = resolveInside(root, name, { decode: false, extensions: IMPORT_IMAGE_EXTENSIONS })
    } catch (err) {
      entry.problem = reasonOf(err)
    }
    const parsed = parsePopAlignName(name)
    if (parsed) {
      entry.seed = parsed.seed
      entry.provenance = { promptUuid: parsed.promptUuid, genIndex: parsed.genIndex }
    }
    byRel.set(name, entry)
  }

  // 2. Sidecars give prompts (and more provenance) to their images.
  const imageByStem = new Map<string, string>()
  for (const key of byRel.keys()) imageByStem.set(key.replace(/\.[^.]+$/, '').toLowerCase(), key)
  for (const name of names) {
    if (path.extname(name).toLowerCase() !== '.json') continue
    await breathe()
    await applySidecar(root, name, imageByStem.get(name.slice(0, -'.json'.length).toLowerCase()), byRel, limits)
  }

  // 3. CSV manifests add images (possibly in sub folders) and override prompts.
  for (const name of names) {
    if (path.extname(name).toLowerCase() !== '.csv') continue
    await applyCsv(root, name, byRel, limits)
  }

  for (const entry of byRel.values()) {
    if (!entry.problem && entry.prompt === null) {
      const stem = entry.relPath.replace(/\.[^./]+$/, '')
      entry.problem = `no prompt: no sidecar ${stem}.json and not listed in a CSV manifest`
    }
  }
  const entries = [...byRel.values()].sort((a, b) => (a.relPath < b.relPath ? -1 : a.relPath > b.relPath ? 1 : 0))
  return { folder: root, entries }
}

async function applySidecar(root: string, jsonName: string, sibling: string | undefined, byRel: Map<string, ManifestEntry>, limits: ImportLimits): Promise<void> {
  let data: Record<string, unknown> | null = null
  let problem: string | null = null
  let refused = false
  try {
    data = readJsonObject(await readListedFile(root, jsonName, '.json', limits.maxSidecarBytes))
  } catch (err) {
    problem = `sidecar ${jsonName}: ${reasonOf(err)}`
    refused = err instanceof FileRefusedError || err instanceof UnsafePathError
  }
  // A JSON file that neither sits next to an image nor names one is not a sidecar (e.g. a
  // config file); ignore it rather than report noise. One that could not even be read (a FIFO, a
  // device, a link out of the folder) is listed, so the owner sees why it was skipped.
  if (!sibling && refused) {
    const failed = blankEntry(jsonName)
    failed.problem = problem
    byRel.set(jsonName, failed)
    return
  }
  if (!sibling && (!data || typeof data.file_path !== 'string')) return

  let entry = sibling ? byRel.get(sibling)! : null
  if (!entry && data && typeof data.file_path === 'string') {
    // No same-stem sibling: fall back to the path the generator recorded, relative to the folder.
    const rel = data.file_path
    try {
      const abs = resolveInside(root, rel, { decode: false, extensions: IMPORT_IMAGE_EXTENSIONS })
      const key = relKey(root, abs)
      entry = byRel.get(key) ?? blankEntry(key)
      entry.absPath = abs
      byRel.set(key, entry)
    } catch (err) {
      const failed = blankEntry(jsonName)
      failed.problem = `sidecar's file_path ${JSON.stringify(rel.slice(0, 200))} is unusable: ${reasonOf(err)}`
      byRel.set(jsonName, failed)
      return
    }
  }
  if (!entry || entry.problem) return
  if (problem) {
    entry.problem = problem
    return
  }
  const prompt = cleanPrompt(data!.prompt)
  if (prompt === null) {
    entry.problem = `sidecar ${jsonName} has no prompt (expected a non-empty "prompt" string)`
    return
  }
  entry.prompt = prompt
  entry.generator = pickGenerator(data!)
  const extra: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(data!)) if (!SIDECAR_RESERVED.has(k)) extra[k] = v
  // Bounded, so one deeply nested or huge sidecar cannot fail the chunk it is committed with.
  const filePath = typeof data!.file_path === 'string' ? data!.file_path.slice(0, 1000) : null
  entry.provenance = { ...entry.provenance, source: 'sidecar', sidecar: jsonName, sidecarFilePath: filePath, ...boundProvenance(extra) }
  if (entry.seed === null && Number.isSafeInteger(data!.seed)) entry.seed = data!.seed as number
}

async function applyCsv(root: string, csvName: string, byRel: Map<string, ManifestEntry>, limits: ImportLimits): Promise<void> {
  let rows: string[][]
  try {
    rows = parseCsv((await readListedFile(root, csvName, '.csv', limits.maxManifestBytes)).toString('utf8'))
  } catch (err) {
    const failed = blankEntry(csvName)
    failed.problem = `CSV manifest ${csvName} cannot be read: ${err instanceof CsvError ? err.message : reasonOf(err)}`
    byRel.set(csvName, failed)
    return
  }
  const header = (rows[0] ?? []).map((h) => h.trim().toLowerCase())
  const pathCol = header.indexOf('img_path')
  const promptCol = header.indexOf('prompt')
  // Other CSVs (classifier outputs, prompt lists) are not manifests: leave them alone.
  if (pathCol < 0 || promptCol < 0) return

  rows.slice(1).forEach((row, i) => {
    const line = i + 2
    const cell = (row[pathCol] ?? '').trim()
    if (cell === '') {
      const failed = blankEntry(`${csvName}:${line}`)
      failed.problem = `CSV ${csvName} line ${line}: empty img_path`
      byRel.set(failed.relPath, failed)
      return
    }
    let abs: string
    try {
      abs = resolveInside(root, cell, { decode: false, extensions: IMPORT_IMAGE_EXTENSIONS })
    } catch (err) {
      const failed = byRel.get(cell) ?? blankEntry(cell)
      failed.absPath = null
      failed.problem = `CSV ${csvName} line ${line}: ${reasonOf(err)}`
      byRel.set(cell, failed)
      return
    }
    const key = relKey(root, abs)
    const entry = byRel.get(key) ?? blankEntry(key)
    entry.absPath = abs
    byRel.set(key, entry)
    const prompt = cleanPrompt(row[promptCol])
    if (prompt === null) {
      entry.problem = `CSV ${csvName} line ${line}: empty prompt`
      entry.prompt = null
      return
    }
    entry.problem = null
    entry.prompt = prompt
    entry.provenance = { ...entry.provenance, source: 'csv', csv: csvName, csvLine: line }
  })
}

/**
 * Reads a sidecar or manifest listed at the top of the folder: it must resolve inside the folder
 * (a symlink out is refused like an image's) and be a regular file within `maxBytes`.
 */
async function readListedFile(root: string, name: string, ext: string, maxBytes: number): Promise<Buffer> {
  const real = resolveInside(root, name, { decode: false, extensions: [ext] })
  return readRegularFile(real, maxBytes)
}

function readJsonObject(bytes: Buffer): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch (err) {
    // V8's message quotes the text around the error; a report must never show file content (a
    // symlinked /etc/passwd leaked that way), so only the position is kept.
    throw new Error(`not valid JSON${jsonErrorPosition(err)}`)
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a JSON object')
  return value as Record<string, unknown>
}

function jsonErrorPosition(err: unknown): string {
  const m = /position (\d+)/.exec(err instanceof Error ? err.message : '')
  return m ? ` (error at character ${m[1]})` : ''
}

function cleanPrompt(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const text = value.trim()
  if (text === '' || text.length > MAX_PROMPT_LENGTH) return null
  return text
}

function pickGenerator(data: Record<string, unknown>): string | null {
  for (const key of ['generator', 'model', 'model_id']) {
    const v = data[key]
    if (typeof v === 'string' && v.trim() !== '') return v.trim().slice(0, 200)
  }
  return null
}

function relKey(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/')
}

function blankEntry(relPath: string): ManifestEntry {
  return { relPath, absPath: null, prompt: null, seed: null, generator: null, provenance: {}, problem: null }
}

function reasonOf(err: unknown): string {
  if (err instanceof UnsafePathError) return err.message
  if (err instanceof Error) return err.message
  return String(err)
}
