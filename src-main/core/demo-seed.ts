// First start: a new workspace gets a demo project holding the built-in world's sample images, so the
// studio opens on real data (prompts, images, the world's taxonomy) instead of an empty screen. Once
// its import is done, the demo also gets a few random sets per prompt and the pairs between them, so a
// newcomer can label at once (issue 10, "the demo project ready to label").
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Job } from '@shared/contract'
import type { Workspace } from './store/workspace'
import { WORLD_AXES } from './world/taxonomy'

export const DEMO_PROJECT_NAME = 'Synthetic Population (demo)'
/** Written once the demo was offered, so deleting the demo project does not bring it back. */
const SEEDED_MARKER = 'demo-seeded'
/** Written once the demo's sets and pairs were made, so sets a person deletes later are not made again. */
const READY_MARKER = 'demo-ready'
/** Sets per prompt and images per set: 3 sets give 3 pairs a prompt, a short first queue. */
export const DEMO_SETS_PER_PROMPT = 3
export const DEMO_SET_SIZE = 4

export interface DemoSeedDeps {
  ws: Workspace
  workspaceDir: string
  resourcesDir: string
  imports: { start(projectId: number, folder: string): Job }
}

/** Returns the import job of the new demo project, or null when the workspace was seeded before or has projects. */
export function seedDemoProject(deps: DemoSeedDeps): Job | null {
  const marker = join(deps.workspaceDir, SEEDED_MARKER)
  if (existsSync(marker) || deps.ws.projects.list().length > 0) return null
  const sampleDir = join(deps.resourcesDir, 'world', 'sample')
  if (!existsSync(sampleDir)) return null
  const project = deps.ws.projects.create(DEMO_PROJECT_NAME, 'Sample renders of the built-in Synthetic Population world, with its two attribute axes.')
  for (const axis of WORLD_AXES) deps.ws.axes.save(project.id, axis.name, [...axis.classes], null)
  const job = deps.imports.start(project.id, sampleDir)
  writeFileSync(marker, `${new Date().toISOString()}\n`)
  return job
}

export interface DemoReadyDeps {
  ws: Workspace
  workspaceDir: string
  /** The Sets screen's "Make random sets" (sets.createRandom), for one prompt. */
  makeRandomSets(projectId: number, promptId: number, k: number, count: number, seed: number): Promise<unknown>
  /** The Pairs screen's "Create all pairs" (pairs.createAll): pairs only what is not paired yet. */
  pairAll(projectId: number): Promise<unknown>
}

/**
 * Gives the demo project its sets and pairs once its import is done; returns true when it did (or had
 * before). Safe to call on every start and after every finished import: a prompt that has sets gets
 * none more, pairing only adds missing pairs, and the ready marker ends it for good, so a restart in
 * the middle finishes the work without doubling it.
 */
export async function readyDemoForLabelling(deps: DemoReadyDeps): Promise<boolean> {
  const { ws, workspaceDir } = deps
  if (existsSync(join(workspaceDir, READY_MARKER))) return true
  if (!existsSync(join(workspaceDir, SEEDED_MARKER))) return false
  const project = ws.projects.list().find((p) => p.name === DEMO_PROJECT_NAME)
  if (!project) return false
  const imports = ws.jobs.list(project.id).filter((j) => j.kind === 'import')
  if (imports.length === 0 || imports.some((j) => j.state !== 'done')) return false
  // Fixed seeds: every new workspace's demo starts with the same sets.
  for (const [i, prompt] of ws.prompts.list(project.id).entries()) {
    if (prompt.imageCount < DEMO_SET_SIZE * 2 || ws.sets.list(project.id, prompt.id).length > 0) continue
    await deps.makeRandomSets(project.id, prompt.id, DEMO_SET_SIZE, DEMO_SETS_PER_PROMPT, i + 1)
  }
  await deps.pairAll(project.id)
  writeFileSync(join(workspaceDir, READY_MARKER), `${new Date().toISOString()}\n`)
  return true
}

export interface DemoReadying {
  /** Tries again when an import finished (the demo's own, resumed after a restart or not). */
  afterJob(job: Job): void
  /** Resolves when no attempt is running (close waits for it before the database closes). */
  settled(): Promise<void>
}

/** Tries now and after each finished import, one attempt at a time, until the demo is ready. */
export function keepDemoReadying(deps: DemoReadyDeps & { log(line: string): void }): DemoReadying {
  let ready = false
  let queue: Promise<void> = Promise.resolve()
  const attempt = (): void => {
    queue = queue
      .then(async () => {
        if (!ready) ready = await readyDemoForLabelling(deps)
      })
      .catch((err: unknown) => deps.log(`the demo project's sets and pairs could not be made: ${err instanceof Error ? err.message : String(err)}`))
  }
  attempt()
  return {
    afterJob(job) {
      if (!ready && job.kind === 'import' && job.state === 'done') attempt()
    },
    settled: () => queue
  }
}
