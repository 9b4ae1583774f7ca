// First start: a new workspace gets a demo project holding the built-in world's sample images, so the
// studio opens on real data (prompts, images, the world's taxonomy) instead of an empty screen.
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Job } from '@shared/contract'
import type { Workspace } from './store/workspace'
import { WORLD_AXES } from './world/taxonomy'

export const DEMO_PROJECT_NAME = 'Synthetic Population (demo)'
/** Written once the demo was offered, so deleting the demo project does not bring it back. */
const SEEDED_MARKER = 'demo-seeded'

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
