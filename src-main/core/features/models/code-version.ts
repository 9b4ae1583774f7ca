// The app's code version for run records: the version field of the studio's package.json, found by
// walking up from this file (source tree: ../../..; bundle out/main: ../..).
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url))
let cached: string | null = null

/** package.json is 3 folders up in the source tree and 2 in the bundle; the rest is slack for packaged layouts. */
const MAX_FOLDERS_UP = 8

export function codeVersion(): string {
  if (cached !== null) return cached
  let dir = here
  for (let i = 0; i < MAX_FOLDERS_UP; i++) {
    const file = join(dir, 'package.json')
    if (existsSync(file)) {
      try {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown; version?: unknown }
        if (pkg.name === 'popalign-studio' && typeof pkg.version === 'string') return (cached = `popalign-studio@${pkg.version}`)
      } catch {
        // A foreign or broken package.json on the way up: keep looking.
      }
    }
    const up = dirname(dir)
    if (up === dir) break
    dir = up
  }
  return (cached = 'popalign-studio@unknown')
}
