// One entry point for "a classifier mapping file, whichever runner it is for": an ONNX mapping
// (classifier/mapping-file.ts, formatVersion 1 or 2) or a photo-classifier mapping (engine "human"). The
// job, the acquisition and the audit read a mapping through this, so the photo classifier is one more
// choice behind the same mapping path and every caller shows the same id and version in lineage.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { readFileSync } from 'node:fs'
import { parseMapping, type ClassifierSpec, type HeadSpec } from '../mapping-file'
import { isPhotoMapping, parsePhotoMapping, type PhotoClassifierSpec } from './mapping'

export type AnyClassifierSpec = { kind: 'onnx'; spec: ClassifierSpec } | { kind: 'photo'; spec: PhotoClassifierSpec }

const localRequire: NodeRequire = typeof require === 'function' ? require : createRequire(import.meta.url)

let humanVersion: string | null = null

/** The installed @vladmandic/human's version, read from its package.json (no model is loaded). */
export function installedHumanVersion(): string {
  if (humanVersion === null) {
    const pkg = join(dirname(dirname(localRequire.resolve('@vladmandic/human'))), 'package.json')
    humanVersion = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version
  }
  return humanVersion
}

/** The version recorded in lineage: the mapping's own and the library's, so an upgrade is new lineage. */
export function photoClassifierVersion(spec: PhotoClassifierSpec): string {
  return `${spec.version}+human-${installedHumanVersion()}`
}

export function parseAnyMapping(text: string, label: string): AnyClassifierSpec {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { kind: 'onnx', spec: parseMapping(text, label) } // parseMapping names the JSON error
  }
  if (isPhotoMapping(raw)) return { kind: 'photo', spec: parsePhotoMapping(raw, label) }
  return { kind: 'onnx', spec: parseMapping(text, label) }
}

/** What callers of either kind need: the lineage id and version, and the heads (axis -> classes). */
export interface ClassifierIdentity {
  id: string
  version: string
  heads: HeadSpec[]
}

export function identityOf(m: AnyClassifierSpec): ClassifierIdentity {
  const version = m.kind === 'photo' ? photoClassifierVersion(m.spec) : m.spec.version
  return { id: m.spec.id, version, heads: m.spec.heads }
}
