// DeepSpeed where installed (issue 14, item 5): the ZeRO section the studio writes into the Accelerate
// config (golden files, here and for a Slurm cluster, and read back by Accelerate's own config loader),
// the probe's report of whether the optional deepspeed package is there, and a start refused in words
// before anything runs when it is not (or when DeepSpeed is asked of CPUs).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { accelerateConfig, parseRealSettings, PAPER_SETTINGS } from '../../src-main/core/features/fine-tuning/real/settings'
import { clusterAccelerateConfig, slurmBatchScript } from '../../src-main/core/features/fine-tuning/real/slurm/script'
import { parseSlurmSettings } from '../../src-main/core/features/fine-tuning/real/slurm/settings'
import { createRealFinetuneService } from '../../src-main/core/features/fine-tuning/real/service'
import { envPython, hasPackage, probeEnv, trainerEnv } from '../../src-main/core/python-env'
import type { TrainJobs } from '../../src-main/core/features/models/train-jobs'
import type { Workspace } from '../../src-main/core/store/workspace'
import { requireTestEnv, SKIP_PYTHON, TRAINER_SOURCE } from '../helpers/python-env'

const golden = (name: string): string => readFileSync(join(__dirname, 'golden', name), 'utf8')
const tmp = mkdtempSync(join(tmpdir(), 'popalign-deepspeed-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const sdxlZero2 = { ...PAPER_SETTINGS, loraRank: 16, deepspeedStage: 2 }
const twoByFour = parseSlurmSettings({ nodes: 2, gpusPerNode: 4, cpusPerTask: 32, timeLimit: '1-00:00:00', partition: 'gpu', account: 'fairness-lab' })

describe('DeepSpeed in the files the studio writes', () => {
  it('writes the ZeRO stage 2 section into the Accelerate config, on one machine and for a cluster', () => {
    expect(accelerateConfig(parseRealSettings({ processes: 4, deepspeedStage: 2 }))).toBe(golden('accelerate-gpu-4-bf16-zero2.yaml'))
    expect(clusterAccelerateConfig(parseRealSettings(sdxlZero2), twoByFour)).toBe(golden('accelerate-slurm-2x4-bf16-zero2.yaml'))
    // Without DeepSpeed the files are the ones they were before the setting existed.
    expect(accelerateConfig(parseRealSettings({ processes: 4 }))).toBe(golden('accelerate-gpu-4-bf16.yaml'))
    // The batch script names the config file, so the cluster run uses the section through it.
    const paths = { runDir: '/runs/12', envDir: '/env', sourceDir: '/src' }
    expect(slurmBatchScript(parseRealSettings(sdxlZero2), twoByFour, paths, { jobName: 'popalign-12', description: 'd' })).toContain('"$RUN/slurm/accelerate.yaml"')
  })

  it('refuses DeepSpeed on CPUs and stages it does not write, naming the field', () => {
    expect(() => parseRealSettings({ cpu: true, mixedPrecision: 'no', deepspeedStage: 2 })).toThrow(/deepspeedStage must be null on the CPU \(DeepSpeed trains on GPUs/)
    expect(() => parseRealSettings({ deepspeedStage: 3 })).toThrow(/deepspeedStage must be null \(no DeepSpeed\), 1 or 2, got 3/)
  })
})

describe.skipIf(SKIP_PYTHON)('DeepSpeed and the trainer environment', () => {
  it("is read by Accelerate's own config loader as a DeepSpeed run with ZeRO stage 2", () => {
    const envDir = requireTestEnv()
    const file = join(tmp, 'accelerate.yaml')
    writeFileSync(file, golden('accelerate-gpu-4-bf16-zero2.yaml'))
    const r = spawnSync(
      envPython(envDir),
      [
        '-c',
        'import json, sys; from accelerate.commands.config.config_args import load_config_from_file; c = load_config_from_file(sys.argv[1]); print(json.dumps({"type": str(c.distributed_type), "ds": c.deepspeed_config, "n": c.num_processes}))',
        file
      ],
      { encoding: 'utf8', env: trainerEnv(TRAINER_SOURCE) }
    )
    expect(r.stderr.slice(-500)).not.toMatch(/Traceback/)
    const read = JSON.parse(r.stdout.trim().split('\n').at(-1)!)
    expect(read.type).toMatch(/DEEPSPEED/)
    expect(read.n).toBe(4)
    expect(read.ds).toMatchObject({ zero_stage: 2, deepspeed_multinode_launcher: 'standard', offload_optimizer_device: 'none' })
  }, 60_000)

  it('says whether deepspeed is importable: absent in the pinned environment, found where a package of that name is on the path', async () => {
    const envDir = requireTestEnv()
    const probe = await probeEnv(envDir, TRAINER_SOURCE)
    expect(probe.deepspeed).toBeNull()
    expect(hasPackage(envDir, 'deepspeed')).toBe(false)
    // A stand-in package shows the check can also answer yes (the studio never installs the real one).
    const fake = join(tmp, 'site')
    mkdirSync(join(fake, 'deepspeed'), { recursive: true })
    writeFileSync(join(fake, 'deepspeed', '__init__.py'), '__version__ = "0.0-stand-in"\n')
    expect(hasPackage(envDir, 'deepspeed', { ...process.env, PYTHONPATH: fake })).toBe(true)
  }, 60_000)

  it('refuses a start with DeepSpeed in words before anything runs, where it is not installed or has no GPUs', () => {
    const envDir = requireTestEnv()
    const service = createRealFinetuneService({ ws: {} as Workspace, train: {} as TrainJobs, workspaceDir: tmp, envDir, sourceDir: TRAINER_SOURCE, log: () => {} })
    const gpu = { ...sdxlZero2, cpu: false }
    expect(() => service.checkStart(gpu, null)).toThrow(
      /DeepSpeed ZeRO stage 2 was chosen, but the deepspeed package is not installed in the trainer environment \(.*\)\. Turn DeepSpeed off, or install it there yourself \(.*pip install deepspeed\)/
    )
    expect(() => service.checkStart(gpu, { gpusPerNode: 0 })).toThrow(/DeepSpeed trains on GPUs/)
    // A cluster with its own environment is not looked into from here; without DeepSpeed nothing is refused.
    expect(() => service.checkStart(gpu, { envDir: '/cluster/env' })).not.toThrow()
    expect(() => service.checkStart({ ...gpu, deepspeedStage: null }, null)).not.toThrow()
  })
})
