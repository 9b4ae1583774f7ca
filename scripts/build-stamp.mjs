// "Build only when the sources changed" for `npm start` (issue 10, "a quiet start"): a SHA-256 over the
// build's inputs (every file under src-main and src-renderer, the build config and the package
// manifests) is kept beside the build in out/.source-hash. Contents, not mtimes: a checkout or a
// copy changes mtimes without changing what would be built, and an edit that keeps the mtime (an
// archive restored, a clock set back) still changes the hash. Hashing the ~3 MB of sources takes
// tens of milliseconds.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, lstatSync, readdirSync, readFileSync, mkdirSync, writeFileSync, renameSync } from 'node:fs'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** What electron-vite reads to build out/ (relative to the repository root). */
export const BUILD_INPUTS = ['src-main', 'src-renderer', 'electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json']
/** What a build must have produced for a start to use it. */
export const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/serve.js', 'out/preload/index.js', 'out/renderer/index.html']
export const STAMP_FILE = 'out/.source-hash'

/** Regular files under `path` (itself if it is one), sorted; links and special files are not build inputs. */
function filesUnder(path) {
  if (!existsSync(path)) return []
  const info = lstatSync(path)
  if (info.isFile()) return [path]
  if (!info.isDirectory()) return []
  return readdirSync(path)
    .filter((name) => name !== 'node_modules')
    .sort()
    .flatMap((name) => filesUnder(join(path, name)))
}

/** The hash of the build's inputs under `root`. */
export function sourceHash(root) {
  const hash = createHash('sha256')
  for (const input of BUILD_INPUTS) {
    for (const file of filesUnder(join(root, input))) {
      // The path too, with / on every platform: a renamed file changes the build.
      hash.update(relative(root, file).split(sep).join('/'))
      hash.update('\0')
      hash.update(readFileSync(file))
      hash.update('\0')
    }
  }
  return hash.digest('hex')
}

/** Whether out/ was built from exactly these sources (and is complete). */
export function buildIsCurrent(root, hash = sourceHash(root)) {
  if (!BUILD_OUTPUTS.every((f) => existsSync(join(root, f)))) return false
  const stamp = join(root, STAMP_FILE)
  if (!existsSync(stamp)) return false
  return readFileSync(stamp, 'utf8').trim() === hash
}

/** Records that out/ now holds the build of the sources that had `hash` when the build started. */
export function writeStamp(root, hash) {
  const stamp = join(root, STAMP_FILE)
  mkdirSync(join(root, 'out'), { recursive: true })
  const tmp = `${stamp}.${process.pid}.tmp`
  writeFileSync(tmp, hash + '\n')
  renameSync(tmp, stamp)
}

/**
 * Builds out/ when the sources changed since the last build. One line while it builds; the build's
 * own output only when it fails (then it is what the user needs to read). Returns whether it built.
 */
export function buildIfChanged(dir = root, log = console.log) {
  const hash = sourceHash(dir)
  if (buildIsCurrent(dir, hash)) return false
  log('Building PopAlign Studio (its sources changed since the last build)…')
  const bin = join(dir, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js')
  const result = spawnSync(process.execPath, [bin, 'build'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ''}${result.stderr ?? ''}`)
    throw new Error(`the build failed (exit ${result.status ?? result.signal ?? result.error?.message}); its output is above`)
  }
  // The hash from before the build: a file edited while it ran makes the next start build again.
  writeStamp(dir, hash)
  return true
}

// `node scripts/build-stamp.mjs` (after `electron-vite build` in `npm run build` and `npm test`):
// records that out/ holds the build of the sources as they are now.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) writeStamp(root, sourceHash(root))
