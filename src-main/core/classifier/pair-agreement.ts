// Agreement between two classifiers run on the same images (for example the photo classifier's GEAR
// and faceres, or the photo classifier and a user's ONNX model), as the studio already shows agreement
// between the classifier and the people (features/team/classifier-agreement). Per shared axis, on the images
// both classifiers judged (ok or low confidence): percent agreement and Krippendorff's alpha (nominal,
// stats/agreement). Whether they even saw a person is compared apart: an image one of them calls
// no_detection has no class to agree on, and is counted, not dropped in silence.
import type Database from 'better-sqlite3'
import { krippendorffAlphaNominal, percentAgreement, type Unit } from '../stats/agreement'
import type { VerdictStatus } from './onnx-classifier'
import type { ClassifierKey } from './verdict-store'

export interface PairVerdict {
  status: VerdictStatus
  attributes: Record<string, string>
}

export interface AxisAgreement {
  axis: string
  /** Images both classifiers judged on this axis. */
  images: number
  agreed: number
  percentAgreement: number | null
  alpha: number | null
  /** Class of A -> class of B -> images (the confusion table, for the report). */
  table: Record<string, Record<string, number>>
}

export interface PairAgreement {
  /** Images both classifiers have a verdict for. */
  images: number
  /** Both saw a person / only A / only B / neither (no_detection on both). */
  detection: { both: number; onlyA: number; onlyB: number; neither: number }
  /** At least one verdict is an error (unreadable file): not compared. */
  errors: number
  axes: AxisAgreement[]
}

const judged = (v: PairVerdict): boolean => v.status === 'ok' || v.status === 'low_confidence'

/** Agreement of A and B over the images both have a verdict for, on the axes both predict. */
export function pairAgreement(a: ReadonlyMap<number, PairVerdict>, b: ReadonlyMap<number, PairVerdict>): PairAgreement {
  const detection = { both: 0, onlyA: 0, onlyB: 0, neither: 0 }
  let images = 0
  let errors = 0
  const units = new Map<string, Unit[]>()
  const tables = new Map<string, Record<string, Record<string, number>>>()
  for (const [imageId, va] of a) {
    const vb = b.get(imageId)
    if (!vb) continue
    images++
    if (va.status === 'error' || vb.status === 'error') {
      errors++
      continue
    }
    const sa = judged(va)
    const sb = judged(vb)
    if (sa && sb) detection.both++
    else if (sa) detection.onlyA++
    else if (sb) detection.onlyB++
    else detection.neither++
    if (!sa || !sb) continue
    for (const [axis, ca] of Object.entries(va.attributes)) {
      const cb = vb.attributes[axis]
      if (cb === undefined) continue
      const list = units.get(axis) ?? []
      list.push([ca, cb])
      units.set(axis, list)
      const table = tables.get(axis) ?? {}
      table[ca] = table[ca] ?? {}
      table[ca][cb] = (table[ca][cb] ?? 0) + 1
      tables.set(axis, table)
    }
  }
  const axes = [...units].map(([axis, list]): AxisAgreement => {
    const agreed = list.filter((u) => u[0] === u[1]).length
    return { axis, images: list.length, agreed, percentAgreement: percentAgreement(list), alpha: krippendorffAlphaNominal(list), table: tables.get(axis) ?? {} }
  })
  axes.sort((x, y) => x.axis.localeCompare(y.axis))
  return { images, detection, errors, axes }
}

/** The stored verdicts of one classifier version for a project's images, by image id. */
export function projectVerdicts(db: Database.Database, projectId: number, key: ClassifierKey): Map<number, PairVerdict> {
  const rows = db
    .prepare<[number, string, string], { image_id: number; status: VerdictStatus; attributes: string }>(
      `SELECT c.image_id, c.status, c.attributes FROM image_classifications c JOIN images i ON i.id = c.image_id
       WHERE i.project_id = ? AND c.classifier_id = ? AND c.classifier_version = ?`
    )
    .all(projectId, key.id, key.version)
  return new Map(rows.map((r) => [r.image_id, { status: r.status, attributes: JSON.parse(r.attributes) as Record<string, string> }]))
}
