// Hash routes (#/projects, #/p/12/label): survive a reload and work the same in Electron and serve mode.
export const projectScreens = ['import', 'browse', 'sets', 'pairs', 'label'] as const
export type ProjectScreen = (typeof projectScreens)[number]

export type Route = { screen: 'projects' } | { screen: ProjectScreen; projectId: number }

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean)
  if (parts[0] === 'p' && parts.length >= 2) {
    const id = Number(parts[1])
    const screen = (parts[2] ?? 'browse') as ProjectScreen
    if (Number.isSafeInteger(id) && id > 0 && projectScreens.includes(screen)) return { screen, projectId: id }
  }
  return { screen: 'projects' }
}

export function formatRoute(route: Route): string {
  return route.screen === 'projects' ? '#/projects' : `#/p/${route.projectId}/${route.screen}`
}

export const screenTitles: Record<Route['screen'], string> = {
  projects: 'Projects',
  import: 'Import',
  browse: 'Browse',
  sets: 'Sets',
  pairs: 'Pairs',
  label: 'Label'
}

/** Screens an annotator token may open; the rest need the owner's token. */
export const annotatorScreens: ReadonlySet<Route['screen']> = new Set(['projects', 'label'])
