// Vitest globalSetup: makes sure the managed trainer environment exists in the repo's .cache/ before
// any test file runs, so the Python-backed tests (test/python-env, test/real-finetune) find it. On a
// fresh machine this installs the pinned requirements once; afterwards the stamp matches and it costs
// milliseconds. Failure is not fatal here: those tests report it; every other suite runs as before.
import { writeFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { ensurePythonEnv } from '../../src-main/core/python-env/env'
import { TEST_ENV_DIR, TEST_ENV_STATUS, TEST_REQUIREMENTS } from '../helpers/python-env'

export default async function setup(): Promise<void> {
  mkdirSync(dirname(TEST_ENV_STATUS), { recursive: true })
  if (process.env.POPALIGN_SKIP_PYTHON === '1') {
    writeFileSync(TEST_ENV_STATUS, JSON.stringify({ ok: false, error: 'POPALIGN_SKIP_PYTHON=1' }))
    return
  }
  const started = Date.now()
  try {
    let last = ''
    const { stamp, installed } = await ensurePythonEnv({
      envDir: TEST_ENV_DIR,
      requirementsFile: TEST_REQUIREMENTS,
      onProgress: (p) => {
        if (p.phase !== last) console.log(`[python-env] ${p.message}`)
        last = p.phase
      }
    })
    if (installed) console.log(`[python-env] installed in ${((Date.now() - started) / 1000).toFixed(1)} s at ${TEST_ENV_DIR}`)
    writeFileSync(TEST_ENV_STATUS, JSON.stringify({ ok: true, stamp }))
  } catch (err) {
    console.warn(`[python-env] not available: ${(err as Error).message}`)
    writeFileSync(TEST_ENV_STATUS, JSON.stringify({ ok: false, error: (err as Error).message }))
  }
}
