// The workspace the sampled-chain tests start from: a project with a tiny model trained on the built-in
// world (8 steps, batch 4, seed 5) and a pool of images of one prompt sampled from it by an ordinary
// sample job. Made once per test file, in a workspace folder the file owns.
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { open, samplePool, tempRoot, trainTinyModel } from '../models/helpers'

export interface SampledProject {
  projectId: number
  modelId: string
  promptId: number
  /** The pool's image ids, in sampling order. */
  pool: number[]
}

export async function sampledProject(wsDir: string, o: { name: string; prompt: string; seedStart: number; count: number }): Promise<SampledProject> {
  const s = await open(wsDir)
  try {
    const projectId = (await s.call('projects.create', { name: o.name })).id
    const modelId = await trainTinyModel(s, projectId, { steps: 8, batchSize: 4, seed: 5 })
    const pooled = await samplePool(s, projectId, modelId, o.prompt, o.seedStart, o.count)
    return { projectId, modelId, promptId: pooled.promptId, pool: pooled.imageIds }
  } finally {
    await s.close()
  }
}

/**
 * The sampled project of one test file: made once before its tests (in a temporary folder removed after
 * them); `get()` gives the project while they run.
 */
export function sampledProjectForFile(tempPrefix: string, o: { name: string; prompt: string; seedStart: number; count: number }): { wsDir: string; get(): SampledProject } {
  const root = tempRoot(tempPrefix)
  const wsDir = join(root.dir, 'ws')
  let made: SampledProject | null = null
  beforeAll(async () => {
    made = await sampledProject(wsDir, o)
  }, 120_000)
  afterAll(() => root.remove())
  return {
    wsDir,
    get: () => {
      if (!made) throw new Error('the sampled project is made before the tests run')
      return made
    }
  }
}
