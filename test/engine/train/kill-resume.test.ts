// SIGKILL a trainer process after a checkpoint, resume it, and get exactly the losses of a run that
// was never interrupted (same seed).
import { parseTrainConfig } from '../../../src-main/core/engine/train/config'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { TrainJob, WorkerMessage } from '../../../src-main/core/training/protocol'
import { listCheckpoints } from '../../../src-main/core/engine/checkpoint/store'
import { tinyModel } from './tiny'

const child = resolve(__dirname, 'fixtures/train-child.ts')
const root = mkdtempSync(join(tmpdir(), 'popalign-killresume-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const config = parseTrainConfig({ model: tinyModel, batchSize: 8, learningRate: 1e-3, steps: 30, seed: 42, checkpointEvery: 10, weighting: 'debias' })

/** Runs the child; `killWhen` may SIGKILL it on some message. Resolves with all messages seen. */
function runChild(job: TrainJob, killWhen?: (m: WorkerMessage) => boolean): Promise<{ messages: WorkerMessage[]; signal: string | null }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'pipe'] })
    const messages: WorkerMessage[] = []
    let buf = ''
    let err = ''
    p.stderr.on('data', (d) => (err += d))
    p.stdout.on('data', (d) => {
      buf += d
      let nl
      while ((nl = buf.indexOf('\n')) >= 0) {
        const m = JSON.parse(buf.slice(0, nl)) as WorkerMessage
        buf = buf.slice(nl + 1)
        messages.push(m)
        if (killWhen?.(m)) p.kill('SIGKILL')
      }
    })
    p.on('error', fail)
    p.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) fail(new Error(`child failed (${code}): ${err}`))
      else done({ messages, signal })
    })
  })
}

describe('kill and resume', () => {
  it('reproduces the uninterrupted losses bit for bit', async () => {
    const straight = await runChild({ config, runDir: join(root, 'straight'), data: { module: 'toy' }, resume: false })
    const reference = straight.messages.find((m) => m.type === 'done')
    expect(reference?.type === 'done' && reference.losses.length).toBe(30)

    const killedDir = join(root, 'killed')
    const killed = await runChild({ config, runDir: killedDir, data: { module: 'toy' }, resume: true }, (m) => m.type === 'checkpoint' && m.step === 20)
    expect(killed.signal).toBe('SIGKILL')
    expect(killed.messages.some((m) => m.type === 'done')).toBe(false)
    expect(listCheckpoints(killedDir).at(-1)?.step).toBeGreaterThanOrEqual(20)

    const resumed = await runChild({ config, runDir: killedDir, data: { module: 'toy' }, resume: true })
    const log = resumed.messages.find((m) => m.type === 'log' && m.message.startsWith('resumed from'))
    expect(log).toBeDefined()
    const done = resumed.messages.find((m) => m.type === 'done')
    if (done?.type !== 'done' || reference?.type !== 'done') throw new Error('a run did not finish')
    expect(done.step).toBe(30)
    expect(done.losses).toEqual(reference.losses)
  }, 120_000)
})
