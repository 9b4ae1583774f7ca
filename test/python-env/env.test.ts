import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeProbe, ensurePythonEnv, envStatus, findPython, isSupported, probeEnv } from '../../src-main/core/python-env'
import { requireTestEnv, SKIP_PYTHON, TEST_REQUIREMENTS, TRAINER_SOURCE } from '../helpers/python-env'

describe('finding Python', () => {
  it('says plainly that Python 3.10+ is missing when no interpreter is on PATH', () => {
    const r = findPython({ PATH: '/nonexistent-dir' }, 'linux')
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.reason).toMatch(/^Python 3\.10\+ not found/)
    const status = envStatus(join(tmpdir(), 'no-such-env'), TEST_REQUIREMENTS, { PATH: '/nonexistent-dir' })
    expect(status.state).toBe('no-python')
  })

  it('checks the version floor', () => {
    expect(isSupported('3.9.18')).toBe(false)
    expect(isSupported('3.10.0')).toBe(true)
    expect(isSupported('4.0.0')).toBe(true)
  })
})

describe('the managed environment', () => {
  it('never installs into a folder it did not create', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'user-env-'))
    mkdirSync(join(dir, 'bin'))
    writeFileSync(join(dir, 'pyvenv.cfg'), 'home = /usr/bin\n')
    await expect(ensurePythonEnv({ envDir: dir, requirementsFile: TEST_REQUIREMENTS })).rejects.toThrow(/did not create/)
    expect(readdirSync(dir).sort()).toEqual(['bin', 'pyvenv.cfg'])
    expect(readFileSync(join(dir, 'pyvenv.cfg'), 'utf8')).toBe('home = /usr/bin\n')
  })

  it.skipIf(SKIP_PYTHON)(
    'is installed once, then a second ensure is a no-op, and the probe reports what it holds',
    async () => {
      const envDir = requireTestEnv()
      const t0 = Date.now()
      const again = await ensurePythonEnv({ envDir, requirementsFile: TEST_REQUIREMENTS })
      expect(again.installed).toBe(false)
      expect(Date.now() - t0).toBeLessThan(2000)
      expect(envStatus(envDir, TEST_REQUIREMENTS).state).toBe('ready')
      const probe = await probeEnv(envDir, TRAINER_SOURCE)
      const pinned = Object.fromEntries(
        readFileSync(TEST_REQUIREMENTS, 'utf8')
          .split('\n')
          .filter((l) => /^[a-z].*==/.test(l))
          .map((l) => l.split('=='))
      )
      expect(probe.packages.torch).toMatch(new RegExp(`^${pinned.torch.replace(/\./g, '\\.')}`))
      for (const name of ['diffusers', 'transformers', 'accelerate', 'peft', 'safetensors']) expect(probe.packages[name]).toBe(pinned[name])
      expect(isSupported(probe.python)).toBe(true)
      expect(Array.isArray(probe.gpus)).toBe(true)
      expect(describeProbe(probe)).toMatch(/^Python 3\.\d+\.\d+ · torch /)
    },
    180_000
  )
})
