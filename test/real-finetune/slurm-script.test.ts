// The Slurm files the studio writes, against golden copies (byte for byte): a CPU β sweep as a job
// array on one machine, two machines of four GPUs each in bf16, the per-machine node.sh, the plain
// multi-machine launch command and its Accelerate config; the parsers of squeue, scontrol and sacct
// on lines those commands printed on the loopback cluster; and settings that could break the script.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseRealSettings, PAPER_SETTINGS } from '../../src-main/core/features/fine-tuning/real/settings'
import { clusterAccelerateConfig, multiNodeLaunchCommand, slurmBatchScript, slurmNodeScript } from '../../src-main/core/features/fine-tuning/real/slurm/script'
import { parseSlurmSettings } from '../../src-main/core/features/fine-tuning/real/slurm/settings'
import { createSlurmClient, expandTaskIds, isLiveState, parseSacct, parseScontrolJobs, parseSqueue } from '../../src-main/core/features/fine-tuning/real/slurm/client'

const golden = (name: string): string => readFileSync(join(__dirname, 'golden', name), 'utf8')
const paths = { runDir: '/home/ana/.popalign-studio/runs/12', envDir: '/home/ana/.popalign-studio/python-env', sourceDir: '/opt/popalign/resources/python' }
const info = { jobName: 'popalign-12', description: 'popalign fine-tune of /models/tiny-sd on snapshot 0123456789ab' }

describe('Slurm files', () => {
  const tinySweep = parseRealSettings({ steps: 20, resolution: 64, mixedPrecision: 'no', loraRank: 4, processes: 1 })
  const cpuSweep = parseSlurmSettings({ gpusPerNode: 0, cpusPerTask: 2, timeLimit: '30:00', sweepBetas: [500, 1000, 2000], partition: 'debug' })
  const sdxl = { ...PAPER_SETTINGS, loraRank: 16 }
  const twoByFour = parseSlurmSettings({ nodes: 2, gpusPerNode: 4, cpusPerTask: 32, timeLimit: '1-00:00:00', partition: 'gpu', account: 'fairness-lab' })

  it('writes a β sweep on CPUs as a job array', () => {
    expect(slurmBatchScript(tinySweep, cpuSweep, paths, info)).toBe(golden('slurm-sweep-cpu.sbatch'))
    expect(clusterAccelerateConfig(tinySweep, cpuSweep)).toBe(golden('accelerate-cpu-1.yaml'))
  })

  it('writes two machines of four GPUs: batch script, Accelerate config and the plain launch command', () => {
    expect(slurmBatchScript(sdxl, twoByFour, paths, info)).toBe(golden('slurm-2x4-gpu.sbatch'))
    expect(clusterAccelerateConfig(sdxl, twoByFour)).toBe(golden('accelerate-slurm-2x4-bf16.yaml'))
    expect(multiNodeLaunchCommand(sdxl, twoByFour, paths)).toBe(golden('launch-multinode-2x4.sh'))
  })

  it('writes the per-machine script that passes SIGTERM to the trainer only', () => {
    expect(slurmNodeScript()).toBe(golden('slurm-node.sh'))
  })

  it('refuses settings that could break the script, naming the field', () => {
    expect(() => parseSlurmSettings({ partition: 'gpu; rm -rf ~' })).toThrow(/partition must be empty or a name/)
    expect(() => parseSlurmSettings({ timeLimit: '1 day' })).toThrow(/timeLimit must be minutes, HH:MM:SS or D-HH:MM:SS/)
    expect(() => parseSlurmSettings({ sweepBetas: [1000, -1] })).toThrow(/sweepBetas must be empty or up to 1000 positive numbers/)
    expect(() => parseSlurmSettings({ envDir: "/home/o'brien/env" })).toThrow(/envDir must be empty or an absolute path without quotes/)
    expect(() => parseSlurmSettings({ nodes: 0 })).toThrow(/nodes must be a whole number from 1/)
    expect(() => slurmBatchScript(tinySweep, cpuSweep, { ...paths, runDir: "/runs/it's" }, info)).toThrow(/cannot go into a batch script/)
    expect(parseSlurmSettings({ sweepBetas: [] }).sweepBetas).toBeNull()
  })
})

describe("Slurm's answers", () => {
  it('reads array task ranges', () => {
    expect(expandTaskIds('3')).toEqual([3])
    expect(expandTaskIds('[1-3]')).toEqual([1, 2, 3])
    expect(expandTaskIds('0,2-3%1')).toEqual([0, 2, 3])
  })

  it('reads squeue -r with %K|%T|%r', () => {
    expect(parseSqueue('1|PENDING|Resources\n0|RUNNING|None\nN/A|RUNNING|None\n')).toEqual([
      { task: 1, state: 'PENDING', reason: 'Resources' },
      { task: 0, state: 'RUNNING', reason: null },
      { task: 0, state: 'RUNNING', reason: null }
    ])
  })

  it('reads scontrol show job -o records, also of a pending array range', () => {
    const text = [
      'JobId=3 ArrayJobId=1 ArrayTaskId=1 JobName=wrap UserId=root(0) JobState=COMPLETED Reason=None Dependency=(null) ExitCode=0:0',
      'JobId=1 ArrayJobId=1 ArrayTaskId=2-3 JobName=wrap JobState=PENDING Reason=Resources',
      'JobId=7 JobName=single JobState=CANCELLED Reason=None'
    ].join('\n')
    expect(parseScontrolJobs(text)).toEqual([
      { task: 1, state: 'COMPLETED', reason: null },
      { task: 2, state: 'PENDING', reason: 'Resources' },
      { task: 3, state: 'PENDING', reason: 'Resources' },
      { task: 0, state: 'CANCELLED', reason: null }
    ])
  })

  it('reads sacct -P lines, "CANCELLED by 0" as CANCELLED', () => {
    expect(parseSacct('12_0|COMPLETED\n12_[1-2]|PENDING\n13|CANCELLED by 0\n')).toEqual([
      { task: 0, state: 'COMPLETED', reason: null },
      { task: 1, state: 'PENDING', reason: null },
      { task: 2, state: 'PENDING', reason: null },
      { task: 0, state: 'CANCELLED', reason: null }
    ])
    expect(isLiveState('COMPLETING')).toBe(true)
    expect(isLiveState('TIMEOUT')).toBe(false)
  })

  it('says where the script is when sbatch is not on this machine, and what Slurm said when it refuses', async () => {
    const missing = createSlurmClient({ binDir: '/nonexistent-slurm-bin' })
    await expect(missing.submit('/runs/12/slurm/popalign.sbatch')).rejects.toThrow("sbatch is not on this machine's PATH; submit the script on the cluster with: sbatch /runs/12/slurm/popalign.sbatch")
    expect(() => missing.cancel('41')).toThrow("scancel is not on this machine's PATH, so the studio cannot cancel job 41")
    await expect(missing.tasks('41', 1)).rejects.toThrow("squeue is not on this machine's PATH, so the studio cannot follow the job")
    // Commands that fail as they do when the controller cannot be reached.
    const bin = mkdtempSync(join(tmpdir(), 'popalign-fake-slurm-'))
    try {
      for (const name of ['sbatch', 'squeue', 'scontrol', 'sacct']) {
        writeFileSync(join(bin, name), `#!/bin/sh\necho "${name}: error: Unable to contact slurm controller (connect failure)" >&2\nexit 1\n`, { mode: 0o755 })
      }
      const unreachable = createSlurmClient({ binDir: bin })
      await expect(unreachable.submit('/runs/12/slurm/popalign.sbatch')).rejects.toThrow('sbatch refused the job: sbatch: error: Unable to contact slurm controller (connect failure)')
      await expect(unreachable.tasks('41', 2)).rejects.toThrow('Slurm did not answer about job 41: squeue: error: Unable to contact slurm controller (connect failure)')
    } finally {
      rmSync(bin, { recursive: true, force: true })
    }
  })
})
