// A Slurm run on a computer without sbatch (issue 14): the studio still writes the batch script, the
// per-machine script, the Accelerate config, the plain multi-machine launch command, the trainer's run
// files and the data, and ends the run "written, not submitted" with what to copy and what to type,
// instead of failing. Slurm's commands are looked up on a PATH that lacks them.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSlurmClient } from '../../src-main/core/features/fine-tuning/real/slurm/client'
import { slurmLayout } from '../../src-main/core/features/fine-tuning/real/slurm/script'
import { SUBMISSIONS_FILE } from '../../src-main/core/features/fine-tuning/real/slurm/job'
import { createRealFinetuneService } from '../../src-main/core/features/fine-tuning/real/service'
import { SKIP_PYTHON, TRAINER_SOURCE } from '../helpers/python-env'
import { realHarness, TINY_SETTINGS, type RealHarness } from './harness'

describe.skipIf(SKIP_PYTHON)('Slurm run without sbatch on this computer', () => {
  let h: RealHarness
  let noSlurmPath: string

  beforeAll(async () => {
    // A PATH with no Slurm commands on it (this machine has slurm-wlm installed in /usr/bin).
    noSlurmPath = join(tmpdir(), `popalign-no-slurm-${process.pid}`)
    mkdirSync(noSlurmPath, { recursive: true })
    h = await realHarness('popalign-written-', { slurm: { client: createSlurmClient({ env: { ...process.env, PATH: noSlurmPath } }), pollMs: 100 } })
  }, 300_000)

  afterAll(async () => {
    await h?.close()
  })

  it('writes every file of the run and ends "written, not submitted" with the paths and the commands', async () => {
    const job = h.train.startReal(h.toy.projectId, {
      modelDir: h.modelDir,
      snapshotId: h.toy.snapshotId,
      settings: { ...TINY_SETTINGS, steps: 4 },
      slurm: { gpusPerNode: 0, cpusPerTask: 1, timeLimit: '10:00', sweepBetas: [500, 1000] }
    })
    const done = await h.waitFor(job.id, (j) => j.state !== 'running', 120_000)
    expect(done.error).toBeNull()
    expect(done.state).toBe('done')
    const runDir = h.runDir(job.id)
    const script = slurmLayout.script(runDir)
    expect(done.message).toBe(`written, not submitted: sbatch is not on this computer. Copy the run's files to your cluster and run: sbatch '${script}'`)

    // What the screen shows: every file (all written), the submit command and the plain launch command.
    const service = createRealFinetuneService({ ws: h.toy.ws, train: h.train, workspaceDir: h.workspaceDir, envDir: h.envDir, sourceDir: TRAINER_SOURCE, log: () => {} })
    const m = service.metrics(job.id, 100)
    const written = m.written!
    expect(written.runDir).toBe(runDir)
    expect(written.submit).toBe(`sbatch '${script}'`)
    expect(written.files.map((f) => f.label)).toEqual([
      'Batch script',
      'Per-machine script',
      'Accelerate config',
      'Multi-machine launch command',
      'Trainer settings, task 0',
      'Trainer settings, task 1',
      'Training data (PopAlignSDXL CSV)'
    ])
    for (const f of written.files) expect(existsSync(f.path), f.path).toBe(true)
    expect(written.files.map((f) => f.path)).toContain(slurmLayout.accelerate(runDir))
    expect(written.launch).toBe(readFileSync(join(runDir, 'slurm', 'launch-multinode.sh'), 'utf8').trim())
    expect(written.launch).toMatch(
      /'[^']*\/bin\/accelerate' launch --config_file '[^']*\/slurm\/accelerate\.yaml' --num_machines 1 --num_processes 1 .* -m popalign_trainer\.train --config '[^']*\/tasks\/0\/trainer-run\.json'/
    )
    expect(written.note).toMatch(/Copy them to the same paths on the cluster/)
    // The script is valid bash, names the sweep as an array of two tasks, and was never submitted.
    const syntax = spawnSync('bash', ['-n', script], { encoding: 'utf8' })
    expect(syntax.status, syntax.stderr).toBe(0)
    expect(readFileSync(script, 'utf8')).toContain('#SBATCH --array=0-1')
    expect(existsSync(join(runDir, 'slurm', SUBMISSIONS_FILE))).toBe(false)
    expect(m.lineage).toBeNull()
    expect(m.finetunePoints).toEqual([])
    // Each array task trains its own β of the sweep.
    expect(JSON.parse(readFileSync(slurmLayout.runFile(runDir, 1), 'utf8')).beta).toBe(1000)
  }, 180_000)
})
