// Checkpoint format: round trip, atomic store, and clear errors for corrupt, truncated, foreign,
// wrong-version files and bad configs.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { CHECKPOINT_VERSION, CheckpointError, decodeCheckpoint, encodeCheckpoint } from '../../../src-main/core/engine/checkpoint/format'
import { decodeTrainState, encodeTrainState } from '../../../src-main/core/engine/checkpoint/train-checkpoint'
import { latestCheckpoint, listCheckpoints, saveCheckpoint } from '../../../src-main/core/engine/checkpoint/store'
import { ditParameters } from '../../../src-main/core/engine/model/dit-spec'
import { initDiTParams } from '../../../src-main/core/engine/model/dit-tf'
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import type { TrainState } from '../../../src-main/core/engine/train/trainer'
import { Rng } from '../../../src-main/core/random/rng'
import { tinyModel } from '../train/tiny'

const dir = mkdtempSync(join(tmpdir(), 'popalign-ckpt-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function state(step: number): TrainState {
  const rng = new Rng(step + 1)
  const params = initDiTParams(tinyModel, () => rng.normal())
  const m: Record<string, Float32Array> = {}
  const v: Record<string, Float32Array> = {}
  for (const s of ditParameters(tinyModel)) {
    m[s.name] = rng.fillNormal(new Float32Array(params[s.name].length))
    v[s.name] = rng.fillUniform(new Float32Array(params[s.name].length))
  }
  return {
    config: parseTrainConfig({ model: tinyModel, steps: 100, seed: 3 }),
    step,
    rng: rng.getState(),
    params,
    adam: { step, m, v },
    losses: Array.from({ length: step }, (_, i) => 1 / (i + 1))
  }
}

describe('checkpoint format', () => {
  it('round-trips a training state exactly', () => {
    const s = state(7)
    const back = decodeTrainState(encodeTrainState(s))
    expect(back.config).toEqual(s.config)
    expect(back.step).toBe(7)
    expect(back.rng).toEqual(s.rng)
    expect(back.losses).toEqual(s.losses)
    for (const name of Object.keys(s.params)) {
      expect(back.params[name]).toEqual(s.params[name])
      expect(back.adam.m[name]).toEqual(s.adam.m[name])
      expect(back.adam.v[name]).toEqual(s.adam.v[name])
    }
  })

  it('names the problem with foreign, wrong-version, truncated and corrupt files', () => {
    const good = encodeTrainState(state(3))
    expect(() => decodeTrainState(Buffer.from('\x89PNG\r\n\x1a\n0000000000000000'))).toThrow(/not a PopAlign Studio checkpoint/)
    expect(() => decodeTrainState(Buffer.alloc(5))).toThrow(/not a PopAlign Studio checkpoint/)
    const future = Buffer.from(good)
    future.writeUInt32LE(CHECKPOINT_VERSION + 1, 8)
    expect(() => decodeTrainState(future)).toThrow(/format version 2; this build reads version 1 \(written by a newer/)
    expect(() => decodeTrainState(good.subarray(0, good.length - 100))).toThrow(/truncated/)
    expect(() => decodeTrainState(good.subarray(0, 40))).toThrow(/truncated/)
    const flipped = Buffer.from(good)
    flipped[flipped.length - 5] ^= 0x10
    expect(() => decodeTrainState(flipped)).toThrow(/checksum mismatch/)
    const badJson = Buffer.from(good)
    badJson[17] = 0x7b // '{' inside the header JSON
    expect(() => decodeTrainState(badJson)).toThrow(/not valid JSON/)
    expect(() => decodeTrainState(Buffer.concat([good, Buffer.alloc(4)]))).toThrow(/trailing bytes/)
    for (const bad of [future, flipped]) expect(() => decodeTrainState(bad)).toThrow(CheckpointError)
  })

  it('rejects a huge declared tensor before allocating it', () => {
    const buf = encodeCheckpoint({ kind: 'x' }, [{ name: 'a', shape: [2], data: new Float32Array(2) }])
    const text = buf.toString('latin1').replace('"shape":[2]', '"shape":[9]')
    expect(() => decodeCheckpoint(Buffer.from(text, 'latin1'))).toThrow(/truncated: \d+ bytes, the header describes/)
  })

  it('rejects a bad config, a wrong kind and mismatched tensor shapes', () => {
    const s = state(2)
    const badConfig = encodeCheckpoint({ kind: 'popalign-dit-train', config: { ...s.config, model: { ...tinyModel, heads: 5 } }, step: 2 }, [])
    expect(() => decodeTrainState(badConfig)).toThrow(/bad config: model config: heads 5 does not divide width 32/)
    expect(() => decodeTrainState(encodeCheckpoint({ kind: 'classifier' }, []))).toThrow(/not a training checkpoint/)
    const other = state(2)
    other.config = parseTrainConfig({ ...s.config, model: { ...tinyModel, width: 16 } })
    const wrongShapes = encodeTrainState({ ...s })
    const mixed = decodeCheckpoint(wrongShapes)
    const meta = { ...mixed.meta, config: other.config }
    const tensors = [...mixed.tensors].map(([name, t]) => ({ name, shape: t.shape, data: t.data }))
    expect(() => decodeTrainState(encodeCheckpoint(meta, tensors))).toThrow(/has shape \[16,32\], the config needs \[16,16\]/)
  })

  it('rejects bad train configs with the field name', () => {
    expect(() => parseTrainConfig({ model: tinyModel, batchSize: 0 })).toThrow(/batchSize must be an integer/)
    expect(() => parseTrainConfig({ model: tinyModel, weighting: 'snr2' })).toThrow(/unknown loss weighting "snr2"/)
    expect(() => parseTrainConfig({ model: tinyModel, learningRate: -1 })).toThrow(/learningRate/)
    expect(() => parseTrainConfig({ model: tinyModel, colour: 1 })).toThrow(/unknown field colour/)
    expect(() => parseTrainConfig({ model: { ...tinyModel, patch: 3 } })).toThrow(/patch 3 does not divide imageSize 8/)
  })
})

describe('checkpoint store', () => {
  it('writes atomically, keeps the newest three and resumes from the newest readable one', () => {
    const run = join(dir, 'run')
    for (const step of [10, 20, 30, 40]) saveCheckpoint(run, state(step))
    expect(listCheckpoints(run).map((c) => c.step)).toEqual([20, 30, 40])
    expect(readdirSync(run).some((n) => n.endsWith('.tmp'))).toBe(false)
    // Corrupt the newest: resuming falls back to the previous one and says so.
    const newest = listCheckpoints(run).at(-1)!.path
    const bytes = readFileSync(newest)
    writeFileSync(newest, bytes.subarray(0, bytes.length >> 1))
    const found = latestCheckpoint(run)!
    expect(found.state.step).toBe(30)
    expect(found.skipped[0]).toMatch(/step-000000040\.ckpt: .*truncated/)
    expect(latestCheckpoint(join(dir, 'empty'))).toBeNull()
  })
})
