// Loads TensorFlow.js graph models (model.json + weight shards) from local files. tfjs's union
// package in Node has no file:// handler (only tfjs-node has one, and it cannot install here), and
// @vladmandic/human otherwise fetches over HTTP, so without this router every model load would go to
// the network. The router answers only `file://` URLs; weight shards are resolved inside the model's
// own folder, so a model.json cannot make the studio read files elsewhere on the machine.
import { dirname } from 'node:path'
import { MAX_MAPPING_BYTES, MAX_MODEL_BYTES, readOwnerFile } from '../../fs/owner-file'
import { resolveInside } from '../../fs/safe-path'
import type { Tf } from '../../engine/tf/backend'

export const FILE_URL_PREFIX = 'file://'

interface WeightsGroup {
  paths: string[]
  weights: unknown[]
}

interface ModelJson {
  modelTopology?: unknown
  weightsManifest?: WeightsGroup[]
  format?: string
  generatedBy?: string
  convertedBy?: string | null
  signature?: unknown
  userDefinedMetadata?: Record<string, unknown>
}

/** The model artifacts of the model.json at `path` and its shards, as tfjs's io.ModelArtifacts. */
export function readGraphModel(path: string): Record<string, unknown> {
  let json: ModelJson
  try {
    json = JSON.parse(readOwnerFile(path, 'tfjs model', MAX_MAPPING_BYTES * 8).toString('utf8')) as ModelJson
  } catch (e) {
    throw new Error(`cannot load tfjs model ${path}: ${(e as Error).message}`)
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) throw new Error(`cannot load tfjs model ${path}: not a tfjs graph model (no modelTopology or weightsManifest)`)
  const dir = dirname(path)
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readOwnerFile(resolveInside(dir, p, { decode: false }), 'tfjs weights', MAX_MODEL_BYTES)))
  const all = Buffer.concat(shards)
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata
  }
}

const registered = new WeakSet<object>()

/** Registers the file:// load router on this tfjs instance (once). */
export function registerFileLoader(tf: Tf): void {
  if (registered.has(tf.io)) return
  registered.add(tf.io)
  // A router answers null for URLs it does not handle (tfjs's own routers do; its type omits it).
  const router = (url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith(FILE_URL_PREFIX)) return null
    const path = decodeURIComponent(url.slice(FILE_URL_PREFIX.length))
    return { load: async () => readGraphModel(path) as never }
  }
  tf.io.registerLoadRouter(router as unknown as Parameters<Tf['io']['registerLoadRouter']>[0])
}

/** The file:// URL of a local file, as the router above reads it back. */
export function fileUrl(path: string): string {
  return FILE_URL_PREFIX + encodeURI(path)
}
