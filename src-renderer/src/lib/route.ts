// Hash routes (#/projects, #/p/12/label): survive a reload and work the same in Electron and serve mode.
export const projectScreens = ['import', 'browse', 'sets', 'pairs', 'label', 'refine', 'team', 'train', 'finetune', 'realft', 'sample', 'preferences', 'reports'] as const
export type ProjectScreen = (typeof projectScreens)[number]

/** Screens that belong to no project. */
export const globalScreens = ['projects', 'sandbox1d'] as const
export type GlobalScreen = (typeof globalScreens)[number]

export type Route = { screen: GlobalScreen } | { screen: ProjectScreen; projectId: number }

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  if (parts[0] === 'sandbox1d') return { screen: 'sandbox1d' }
  if (parts[0] === 'p' && parts.length >= 2) {
    const id = Number(parts[1])
    const screen = (parts[2] ?? 'browse') as ProjectScreen
    if (Number.isSafeInteger(id) && id > 0 && projectScreens.includes(screen)) return { screen, projectId: id }
  }
  return { screen: 'projects' }
}

export function formatRoute(route: Route): string {
  return 'projectId' in route ? `#/p/${route.projectId}/${route.screen}` : `#/${route.screen}`
}

export const screenTitles: Record<Route['screen'], string> = {
  projects: 'Projects',
  sandbox1d: '1-D sandbox',
  import: 'Import',
  browse: 'Browse',
  sets: 'Sets',
  pairs: 'Pairs',
  label: 'Label',
  refine: 'Refine',
  team: 'Team',
  train: 'Train',
  finetune: 'Fine-tune',
  realft: 'Fine-tune real model',
  sample: 'Sample',
  preferences: 'Preference data',
  reports: 'Reports'
}

/** Screens an annotator token may open; the rest need the owner's token. */
export const annotatorScreens: ReadonlySet<Route['screen']> = new Set(['projects', 'label', 'refine'])
