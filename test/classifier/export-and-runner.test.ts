import { describe, expect, it } from 'vitest'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { exportClassifierOnnx } from '../../src-main/core/classifier/export-onnx'
import { classifierParameters, HEADS, initialWeights, validateWeights, type ClassifierArchitecture } from '../../src-main/core/classifier/model'
import { OrtRunner } from '../../src-main/core/engine/onnx/ort-runner'
import { parseClassifierMapping } from '../../src-main/core/classifier/mapping'
import { decodeForClassifier } from '../../src-main/core/classifier/decode'
import { worldClassifierMapping } from '../../src-main/core/classifier/world-classifier'
import { loadWorldClassifier } from '../../src-main/core/classifier/world-classifier'
import { Rng } from '../../src-main/core/random/rng'
import { WORLD_CLASSIFIER_DIR } from '../helpers/config'

const tiny: ClassifierArchitecture = { imageSize: 8, channels: 3, hidden: 16, features: 8 }

/** Plain float64 forward pass of the architecture documented in model.ts. */
function reference(w: Record<string, Float32Array>, x: Float32Array, n: number, a: ClassifierArchitecture) {
  const lin = (inp: Float64Array, rows: number, k: number, m: number, W: Float32Array, b: Float32Array) => {
    const out = new Float64Array(rows * m)
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < m; j++) {
        let s = b[j]
        for (let i = 0; i < k; i++) s += inp[r * k + i] * W[i * m + j]
        out[r * m + j] = s
      }
    return out
  }
  const relu = (v: Float64Array) => v.map((z) => Math.max(0, z))
  const d = a.imageSize * a.imageSize * 3
  const h1 = relu(lin(Float64Array.from(x), n, d, a.hidden, w['trunk.w1'], w['trunk.b1']))
  const f = relu(lin(h1, n, a.hidden, a.features, w['trunk.w2'], w['trunk.b2']))
  const outs: Record<string, Float64Array> = { features: f }
  for (const h of HEADS) {
    const z = lin(f, n, a.features, h.size, w[`${h.name}.w`], w[`${h.name}.b`])
    if (h.activation === 'sigmoid') outs[h.name] = z.map((v) => 1 / (1 + Math.exp(-v)))
    else {
      const p = new Float64Array(z.length)
      for (let r = 0; r < n; r++) {
        const row = z.subarray(r * h.size, (r + 1) * h.size)
        const mx = Math.max(...row)
        const e = row.map((v) => Math.exp(v - mx))
        const s = e.reduce((x, y) => x + y, 0)
        for (let j = 0; j < h.size; j++) p[r * h.size + j] = e[j] / s
      }
      outs[h.name] = p
    }
  }
  return outs
}

describe('classifier ONNX export', () => {
  it('matches a reference forward pass on random weights and inputs', async () => {
    const w = initialWeights(tiny, 5)
    const rng = new Rng(9)
    for (const p of classifierParameters(tiny)) if (p.shape.length === 1) for (let i = 0; i < w[p.name].length; i++) w[p.name][i] = 0.1 * rng.normal()
    const n = 4
    const x = new Float32Array(n * 8 * 8 * 3).map(() => rng.uniform() * 2 - 1)
    const runner = await OrtRunner.fromBytes(exportClassifierOnnx(tiny, w))
    const got = await runner.run({ image: { data: x, dims: [n, 8, 8, 3] } })
    const want = reference(w, x, n, tiny)
    for (const name of ['features', ...HEADS.map((h) => h.name)]) {
      expect(got[name].data.length).toBe(want[name].length)
      for (let i = 0; i < want[name].length; i++) expect(Math.abs(got[name].data[i] - want[name][i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(want[name][i])))
    }
    await runner.dispose()
  })

  it('refuses incomplete weights with the tensor named', () => {
    const w = initialWeights(tiny, 1)
    delete w['tone.b']
    expect(() => validateWeights(tiny, w)).toThrow(/"tone.b" is missing/)
    expect(() => exportClassifierOnnx(tiny, { ...initialWeights(tiny, 1), 'trunk.w2': new Float32Array(3) })).toThrow(/trunk.w2/)
  })
})

describe('classifier mapping', () => {
  it('round-trips the built-in mapping and names the bad field in errors', () => {
    const m = worldClassifierMapping(tiny)
    expect(parseClassifierMapping(JSON.stringify(m))).toEqual(m)
    expect(() => parseClassifierMapping('{')).toThrow(/not valid JSON/)
    expect(() => parseClassifierMapping(JSON.stringify({ ...m, confidenceThreshold: 2 }))).toThrow(/confidenceThreshold/)
    expect(() => parseClassifierMapping(JSON.stringify({ ...m, axes: [] }))).toThrow(/axes/)
  })
})

describe('classifying imported PNGs', () => {
  it('decodes the shipped sample folder and agrees with its ground truth', async () => {
    const dir = resolve(__dirname, '../../resources/world/sample')
    const classifier = await loadWorldClassifier(WORLD_CLASSIFIER_DIR)
    const input = parseClassifierMapping(readFileSync(resolve(__dirname, '../../resources/classifier/world-classifier.mapping.json'), 'utf8')).input
    const sidecars = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    const per = classifier.imageValues
    const images = new Float32Array(sidecars.length * per)
    for (let i = 0; i < sidecars.length; i++) images.set(await decodeForClassifier(readFileSync(join(dir, sidecars[i].file_path)), input), i * per)
    const results = await classifier.classify(images, sidecars.length)
    let right = 0
    results.forEach((r, i) => {
      const truth = sidecars[i].world
      if (truth.concept === 'astronaut') right += r.status === 'no_detection' ? 1 : 0
      else right += r.status === 'ok' && r.concept === truth.concept && r.axes.silhouette.cls === truth.silhouette && r.axes.tone.cls === truth.tone ? 1 : 0
    })
    expect(right / results.length).toBeGreaterThanOrEqual(0.97)
    await expect(decodeForClassifier(new Uint8Array([1, 2, 3]), input)).rejects.toThrow(/cannot decode image/)
  })
})
