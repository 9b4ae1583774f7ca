// The files the studio writes for a real-model run, against golden copies: the Accelerate config for
// one CPU process, two gloo CPU processes and four GPUs in bf16, and the trainer's run file.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { accelerateConfig, launchCommand, parseRealSettings, PAPER_SETTINGS, runFile } from '../../src-main/core/features/fine-tuning/real/settings'

const golden = (name: string): string => readFileSync(join(__dirname, 'golden', name), 'utf8')

describe('real-model run files', () => {
  it('writes the Accelerate config for each machine shape', () => {
    expect(accelerateConfig(parseRealSettings({ cpu: true, mixedPrecision: 'no', processes: 1 }))).toBe(golden('accelerate-cpu-1.yaml'))
    expect(accelerateConfig(parseRealSettings({ cpu: true, mixedPrecision: 'no', processes: 2 }))).toBe(golden('accelerate-cpu-2.yaml'))
    expect(accelerateConfig(parseRealSettings({ processes: 4 }))).toBe(golden('accelerate-gpu-4-bf16.yaml'))
  })

  it('keeps CPU processes on the CPU through the run file, whatever the launcher type', () => {
    // Two CPU processes go through Accelerate's torchrun launcher (MULTI_GPU); only the run file's cpu
    // keeps the workers off CUDA and on gloo (multiprocess.test.ts runs them).
    const paths = { model: '/m', data: '/d.csv', output: '/o' }
    expect(runFile(parseRealSettings({ cpu: true, mixedPrecision: 'no', processes: 2 }), paths).cpu).toBe(true)
    expect(runFile(parseRealSettings({ processes: 2 }), paths).cpu).toBe(false)
  })

  it("writes the trainer's run file with the paper's recipe and the launch command", () => {
    const file = runFile(PAPER_SETTINGS, { model: '/models/sdxl', data: '/runs/7/data/annotation_train.csv', output: '/runs/7/trainer' })
    expect(JSON.stringify(file, null, 2) + '\n').toBe(golden('trainer-run-paper.json'))
    expect(launchCommand('/env', '/runs/7')).toEqual({
      command: process.platform === 'win32' ? join('/env', 'Scripts', 'accelerate.exe') : '/env/bin/accelerate',
      args: ['launch', '--config_file', join('/runs/7', 'accelerate.yaml'), '-m', 'popalign_trainer.train', '--config', join('/runs/7', 'trainer-run.json')]
    })
  })

  it('refuses bad settings naming the field', () => {
    expect(() => parseRealSettings({ beta: 0 })).toThrow(/beta must be a positive number, got 0/)
    expect(() => parseRealSettings({ method: 'ppo' })).toThrow(/method must be popalign, dpo, sft/)
    expect(() => parseRealSettings({ resolution: 100 })).toThrow(/resolution must be a multiple of 8/)
    expect(() => parseRealSettings({ cpu: true, mixedPrecision: 'fp16' })).toThrow(/fp16 needs a GPU/)
    expect(() => parseRealSettings({ loraRank: 0 })).toThrow(/loraRank must be null/)
  })
})
