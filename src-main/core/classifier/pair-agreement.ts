// Agreement between two classifiers run on the same images (for example the photo classifier's GEAR
// and faceres, or the photo classifier and a user's ONNX model), as the studio already shows agreement
// between the classifier and the people (features/team/classifier-agreement). Per shared axis, on the images
// both classifiers judged (ok or low confidence): percent agreement and Krippendorff's alpha (nominal,
// stats/agreement). Whether they even saw a person is compared apart: an image one of them calls
// no_detection has no class to agree on, and is counted, not dropped in silence.
import type { ClassifierPairAgreement } from '@shared/contract'
import { krippendorffAlphaNominal, percentAgreement, type Unit } from '../stats/agreement'
import type { StoredVerdict } from './verdict-store'

export type PairVerdict = Pick<StoredVerdict, 'status' | 'attributes'>
export type PairAgreement = ClassifierPairAgreement
export type AxisAgreement = ClassifierPairAgreement['axes'][number]

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
