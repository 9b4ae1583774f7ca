// `npm start`: builds the app only when its sources changed since the last build (build-stamp.mjs),
// quietly, then launches Electron on the built app when its binary is installed; otherwise says so in
// one line and runs serve mode, which serves the same UI in a browser (and opens it where a browser
// can be opened, see src-main/core/serve/open-browser.ts).
//
// The binary is looked up the way node_modules/electron/index.js does (path.txt -> dist/<path>),
// but without require('electron'): in electron 45 that require starts a download when the binary
// is missing, which hangs or fails on machines without access to its release host.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { buildIfChanged } from './build-stamp.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** The Electron executable, or null when it is not installed. */
export function findElectronBinary(electronDir, env = process.env) {
  if (env.ELECTRON_EXEC_PATH) return existsSync(env.ELECTRON_EXEC_PATH) ? env.ELECTRON_EXEC_PATH : null
  if (!electronDir) return null
  const pathFile = join(electronDir, 'path.txt')
  if (!existsSync(pathFile)) return null
  const relative = readFileSync(pathFile, 'utf8').trim()
  if (!relative) return null
  const base = env.ELECTRON_OVERRIDE_DIST_PATH || join(electronDir, 'dist')
  const binary = join(base, relative)
  return existsSync(binary) ? binary : null
}

function electronPackageDir() {
  try {
    return dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'))
  } catch {
    return null
  }
}

function main() {
  const args = process.argv.slice(2)
  try {
    buildIfChanged()
  } catch (err) {
    console.error(`PopAlign Studio could not start: ${err instanceof Error ? err.message : String(err)}`)
    process.exit(1)
  }
  // `npm start` opens on the built-in world: a new workspace gets the demo project (tests leave this unset).
  process.env.POPALIGN_DEMO ??= '1'
  const binary = findElectronBinary(electronPackageDir())
  if (binary) {
    const child = spawn(binary, [root, ...args], { stdio: 'inherit' })
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
    return
  }
  console.log('The Electron binary is not available here, so the same UI is served in the browser instead (serve mode).')
  // Serve mode opens the printed address in a browser where there is one (never in tests or CI).
  process.env.POPALIGN_OPEN_BROWSER ??= '1'
  const entry = join(root, 'out/main/serve.js')
  if (!existsSync(entry)) {
    console.error(`missing ${entry}: run "npm run build" first`)
    process.exit(1)
  }
  // Run the serve entry in this process, so Ctrl-C reaches its clean shutdown directly.
  process.argv = [process.argv[0], entry, ...args]
  createRequire(import.meta.url)(entry)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main()
