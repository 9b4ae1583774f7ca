// Which model a model list offers first, and how it groups them: this project's runs, then the
// built-in base model, then other projects' runs, each newest first as models.list returns them, then
// the Stable Diffusion folders of the workspace (the built-in world is one choice among others).
// The Sample screen also reads a model to preselect from its address (#/p/<project>/sample/<model>),
// which "sample from it ->" under a finished run sets; the app's router ignores the tail.
import type { ModelEntry } from '@shared/contract'

export interface ModelGroup {
  label: string
  models: ModelEntry[]
}

export function modelGroups(models: readonly ModelEntry[], projectId: number): ModelGroup[] {
  const groups: ModelGroup[] = [
    { label: 'This project', models: models.filter((m) => m.source === 'run' && m.projectId === projectId) },
    { label: 'Built in', models: models.filter((m) => m.source === 'builtin') },
    { label: 'Other projects', models: models.filter((m) => m.source === 'run' && m.projectId !== projectId) },
    { label: 'Stable Diffusion (workspace models/ folder)', models: models.filter((m) => m.source === 'folder') }
  ]
  return groups.filter((g) => g.models.length > 0)
}

/** The model to select: the wanted one when the list has it, else the first of the groups (or '' for none). */
export function initialModel(models: readonly ModelEntry[], projectId: number, wanted: string | null): string {
  if (wanted !== null && models.some((m) => m.id === wanted)) return wanted
  return modelGroups(models, projectId)[0]?.models[0]?.id ?? ''
}

export function sampleHash(projectId: number, model: string): string {
  return `#/p/${projectId}/sample/${encodeURIComponent(model)}`
}

/** The Reports screen with `model` ticked for a new report (next to the base model). */
export function reportHash(projectId: number, model: string): string {
  return `#/p/${projectId}/reports/${encodeURIComponent(model)}`
}

/** The model a Sample (default) or Reports address names, or null. */
export function modelFromHash(hash: string, screen: 'sample' | 'reports' = 'sample'): string | null {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  if (parts[0] !== 'p' || parts[2] !== screen || parts[3] === undefined) return null
  try {
    return decodeURIComponent(parts[3])
  } catch {
    return null
  }
}
