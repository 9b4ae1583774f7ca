// Starting one of the studio's worker threads (src-main/worker/<name>.ts) from wherever the caller runs:
// the built bundle (out/main/<name>.js beside the main bundle or its chunks) or the TypeScript sources
// (tests, `npm run <tool>` through tsx).
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url))

/** The worker entry `name`: the bundled `<name>.js` beside the main bundle, or the TypeScript source. */
export function workerEntry(name: string): string {
  // Bundled: out/main/<name>.js, seen from out/main or from a chunk in out/main/chunks.
  for (const candidate of [join(here, `${name}.js`), join(here, '..', `${name}.js`)]) if (existsSync(candidate)) return candidate
  const source = resolve(here, `../../worker/${name}.ts`)
  if (existsSync(source)) return source
  throw new Error(`worker ${name} not found: no ${name}.js beside ${here} and no source at ${source}`)
}

export function spawnWorker(file: string): Worker {
  // `execArgv: ['--import', 'tsx']` does not reach a worker's entry on Node 20 (its loader hooks live on
  // another thread), so a tiny CommonJS bootstrap installs tsx's synchronous require hook first.
  return file.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(file)})`, { eval: true }) : new Worker(file)
}
