// Where the tests' managed trainer environment lives (gitignored, cached between runs) and how a
// test gets it: requireTestEnv() throws with the installer's error, so a Python-backed test fails
// loudly on a machine where the environment could not be set up (unless POPALIGN_SKIP_PYTHON=1,
// when such tests are skipped by their own skipIf).
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const REPO_ROOT = resolve(__dirname, '..', '..')
export const TEST_ENV_DIR = join(REPO_ROOT, '.cache', 'python-env')
export const TEST_ENV_STATUS = join(REPO_ROOT, '.cache', 'python-env.status.json')
export const TRAINER_SOURCE = join(REPO_ROOT, 'resources', 'python')
export const TEST_REQUIREMENTS = join(TRAINER_SOURCE, 'requirements.txt')
export const SKIP_PYTHON = process.env.POPALIGN_SKIP_PYTHON === '1'

export function requireTestEnv(): string {
  let status: { ok: boolean; error?: string }
  try {
    status = JSON.parse(readFileSync(TEST_ENV_STATUS, 'utf8'))
  } catch {
    throw new Error('the trainer environment was not set up: run the tests through test/vitest.config.ts (its globalSetup installs it)')
  }
  if (!status.ok) throw new Error(`the trainer environment is not available: ${status.error}`)
  return TEST_ENV_DIR
}
