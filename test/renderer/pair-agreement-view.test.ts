// The two-classifier agreement panel's rows: every image both classifiers saw lands in one detection
// row, and the confusion table is laid out so that agreement runs down the diagonal; and the classifier
// picker's three choices as the API takes them.
import { describe, expect, it } from 'vitest'
import { toClassifierChoice } from '../../src-renderer/src/lib/classifier-choice'
import { alphaText, confusionView, detectionRows, percentText, refKey, type PairAgreement } from '../../src-renderer/src/lib/prefs/pair-agreement-view'

const result: PairAgreement = {
  images: 10,
  detection: { both: 6, onlyA: 1, onlyB: 1, neither: 1 },
  errors: 1,
  axes: [{ axis: 'gender', images: 6, agreed: 4, percentAgreement: 4 / 6, alpha: 0.31, table: { male: { male: 3, female: 1 }, female: { female: 1, male: 1 } } }]
}

describe('pair agreement view', () => {
  it('accounts for every image in the detection rows, naming which classifier saw what', () => {
    const rows = detectionRows(result, 'human-gear', 'human-faceres')
    expect(rows.reduce((n, r) => n + r.count, 0)).toBe(result.images)
    expect(rows.find((r) => r.key === 'onlyA')?.label).toBe('only human-gear did (human-faceres: no detection)')
    expect(rows.find((r) => r.key === 'errors')?.count).toBe(1)
  })

  it('sorts both sides of the confusion table alike, missing cells as zero', () => {
    const view = confusionView({ male: { male: 3 }, female: { female: 1, male: 1 }, other: { male: 2 } })
    expect(view.rows).toEqual(['female', 'male', 'other'])
    expect(view.cols).toEqual(['female', 'male'])
    expect(view.rows.map((r) => view.cols.map((c) => view.cell(r, c)))).toEqual([
      [1, 1],
      [0, 3],
      [0, 2]
    ])
  })

  it('writes figures and keys plainly', () => {
    expect(percentText(result.axes[0].percentAgreement)).toBe('66.7%')
    expect(percentText(null)).toBe('—')
    expect(alphaText(0.314)).toBe('0.31')
    expect(alphaText(null)).toBe('—')
    expect(refKey({ id: 'human-gear', version: '1+human-3.3.6' })).toBe('human-gear@1+human-3.3.6')
  })
})

describe('toClassifierChoice', () => {
  it('gives the three kinds as the API takes them and asks for a missing mapping path', () => {
    expect(toClassifierChoice('builtin', '', '')).toEqual({ ok: true, choice: 'builtin' })
    expect(toClassifierChoice('photo', '/ignored', '')).toEqual({ ok: true, choice: 'photo' })
    expect(toClassifierChoice('mapping', ' /m/gear.json ', '')).toEqual({ ok: true, choice: { mappingPath: '/m/gear.json' } })
    expect(toClassifierChoice('mapping', '/m/f.json', '/m/f.onnx')).toEqual({ ok: true, choice: { mappingPath: '/m/f.json', onnxPath: '/m/f.onnx' } })
    const refusal = (mapping: string, onnx: string): string | false => {
      const r = toClassifierChoice('mapping', mapping, onnx)
      return !r.ok && r.error
    }
    expect(refusal('  ', '/m/f.onnx')).toMatch(/absolute path of the mapping file/)
    expect(refusal('m/f.json', '')).toBe('The mapping path must be absolute: m/f.json')
    expect(refusal('C:\\m\\f.json', 'f.onnx')).toBe('The ONNX path must be absolute: f.onnx')
  })
})
