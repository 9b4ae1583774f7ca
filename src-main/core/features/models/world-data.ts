// Which module the engine worker loads to train on the built-in world (TrainJob.data.module).
//
//  - From TypeScript sources (tests, tsx): the world-source module itself, through its own spec.
//  - From a build: out/main/world-source.js beside the worker bundle, when the build emits it.
//  - A build without that entry, run inside a repository checkout (serve mode from `npm start`, the
//    e2e tests): the TypeScript source, loaded through tsx's require hook in the worker.
// Anything else is a clear error rather than a worker that dies on a missing export.
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { defaultWorkerPath } from '../../training/host'
import { WORLD_SOURCE_MODULE, worldSourceModuleSpec } from '../../world/world-source'

export function worldDataModule(workerPath: string = defaultWorkerPath()): string {
  if (WORLD_SOURCE_MODULE.endsWith('.ts')) return worldSourceModuleSpec()
  const bundleDir = dirname(workerPath)
  const built = join(bundleDir, 'world-source.js')
  if (existsSync(built)) return built
  const source = resolve(bundleDir, '../../src-main/core/world/world-source.ts')
  if (existsSync(source)) {
    const code = [
      `import { createRequire } from 'node:module'`,
      `const require = createRequire(${JSON.stringify(source)})`,
      `require('tsx/cjs')`,
      `export const createDataSource = require(${JSON.stringify(source)}).createDataSource`
    ].join('; ')
    return `data:text/javascript,${encodeURIComponent(code)}`
  }
  throw new Error(`the built-in world's data module is missing: no ${built} (add src-main/core/world/world-source.ts as a build entry) and no source at ${source}`)
}
