// The trainer environment as the Fine-tune real model screen sees it (features/fine-tuning/real/service.ts):
// not installed, then python.install starts the install in the background and python.status shows it
// installing with the installer's words until it is ready. Requirements of just `pip` keep it to a venv.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../store/helpers'
import { createRealFinetuneService } from '../../src-main/core/features/fine-tuning/real/service'
import type { TrainJobs } from '../../src-main/core/features/models/train-jobs'
import type { Workspace } from '../../src-main/core/store/workspace'
import { SKIP_PYTHON } from '../helpers/python-env'

describe.skipIf(SKIP_PYTHON)('trainer environment status and install', () => {
  const tmp = tempDir('popalign-env-service-')
  afterAll(() => tmp.cleanup())

  it('is not installed, installs in the background with progress, then is ready', async () => {
    const sourceDir = join(tmp.dir, 'python')
    mkdirSync(sourceDir)
    writeFileSync(join(sourceDir, 'requirements.txt'), 'pip\n')
    const logs: string[] = []
    // Status and install touch neither the workspace nor the train jobs (run metrics do).
    const service = createRealFinetuneService({ ws: {} as Workspace, train: {} as TrainJobs, workspaceDir: tmp.dir, envDir: join(tmp.dir, 'env'), sourceDir, log: (l) => logs.push(l) })
    const before = await service.status(false)
    expect(before).toMatchObject({ state: 'not-installed', reason: 'the trainer environment is not installed yet', probe: null, install: null })
    expect(typeof before.sbatch).toBe('boolean')

    const started = await service.install()
    expect(started.state).toBe('installing')
    expect(started.install?.message).toMatch(/starting|creating the trainer environment/)
    const seen = new Set<string>()
    const t0 = Date.now()
    let now = started
    while (now.state === 'installing' && Date.now() - t0 < 90_000) {
      if (now.install) seen.add(now.install.message)
      await new Promise((r) => setTimeout(r, 100))
      now = await service.status(false)
    }
    expect(logs).toEqual([])
    expect(now).toMatchObject({ state: 'ready', reason: null })
    expect([...seen].some((m) => /^creating the trainer environment with Python 3\.\d+/.test(m))).toBe(true)
    // A second install of a ready environment does nothing.
    expect((await service.install()).state).toBe('ready')
  }, 120_000)
})
