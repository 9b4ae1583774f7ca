// Launches the Chromium that ships inside the @sparticuz/chromium npm package, so the test command
// brings its own browser on a fresh machine (Playwright's own download cannot run offline).
import { mkdirSync, rmdirSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import packaged from '@sparticuz/chromium'
import { chromium, type Browser } from 'playwright'

const LAUNCH_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']
const LOCK_DIR = join(tmpdir(), 'popalign-chromium-inflate.lock')

/**
 * The package inflates its brotli-packed binary into the temp folder on first use. Two test files
 * doing that at once could launch a half-written binary, so inflation is serialised by a lock folder.
 */
async function executablePath(): Promise<string> {
  const deadline = Date.now() + 120_000
  for (;;) {
    try {
      mkdirSync(LOCK_DIR)
      break
    } catch {
      // A lock older than two minutes belongs to a crashed run.
      try {
        if (Date.now() - statSync(LOCK_DIR).mtimeMs > 120_000) rmdirSync(LOCK_DIR)
      } catch {
        /* the holder just released it */
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${LOCK_DIR}`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
  try {
    return await packaged.executablePath()
  } finally {
    rmdirSync(LOCK_DIR)
  }
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: await executablePath(), headless: true, args: LAUNCH_ARGS })
}
