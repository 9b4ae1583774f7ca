// The settings an entry point decides once and hands down (resources folder, export and browse roots,
// the managed Python environment). The rules that read environment variables live here as pure
// functions of the variables they are given: only entry points (src-main/main, src-main/cli, bench,
// scripts) pass process.env in, so core code never depends on who started the process.
import { delimiter, isAbsolute, join, resolve } from 'node:path'

export type EnvVars = Readonly<Record<string, string | undefined>>

export interface StudioConfig {
  /** The shipped resources folder: base model, world and photo classifiers, trainer source, demo sample. */
  resourcesDir: string
  /** Folders exports (preference data, reports) may be written under; checked by out-path.ts. */
  exportRoots: readonly string[]
  /** Folders serve mode's folder browser may list. */
  browseRoots: readonly string[]
  /** The studio's own Python venv for real-model fine-tunes (never a user's environment). */
  pythonEnvDir: string
}

/** Where the process runs: the home and temp folders, and the resources folder when the environment names none. */
export interface ConfigPlace {
  home: string
  tmp: string
  /** The entry point's own guess: beside app.asar when packaged, the repository's resources/ otherwise. */
  resourcesDir: string
}

/** Every setting by its rule, from `env` (an entry point passes process.env). */
export function configFromEnvironment(env: EnvVars, place: ConfigPlace): StudioConfig {
  return {
    resourcesDir: env.POPALIGN_RESOURCES ?? place.resourcesDir,
    exportRoots: exportRootsFrom(env, place.home, place.tmp),
    browseRoots: browseRootsFrom(env, place.home),
    pythonEnvDir: pythonEnvDirFrom(env, place.home)
  }
}

/** $POPALIGN_RESOURCES when set (the packaged app points it at its resources), else `<cwd>/resources` (repository checkouts; the CLIs). */
export function resourcesDirFrom(env: EnvVars, cwd: string): string {
  return env.POPALIGN_RESOURCES ?? resolve(cwd, 'resources')
}

/** $POPALIGN_EXPORT_ROOTS (absolute entries only) when it names any, else home, temp and the usual mount points of removable media. */
export function exportRootsFrom(env: EnvVars, home: string, tmp: string): string[] {
  const listed = absoluteList(env.POPALIGN_EXPORT_ROOTS)
  return listed.length > 0 ? listed : [home, tmp, '/media', '/mnt', '/run/media', '/Volumes']
}

/** $POPALIGN_BROWSE_ROOTS (absolute entries only) when it names any, else the owner's home folder. */
export function browseRootsFrom(env: EnvVars, home: string): string[] {
  const listed = absoluteList(env.POPALIGN_BROWSE_ROOTS)
  return listed.length > 0 ? listed : [home]
}

/** $POPALIGN_PYTHON_ENV, else python-env in the studio's data folder (~/.popalign-studio, where the default workspace also lives). */
export function pythonEnvDirFrom(env: EnvVars, home: string): string {
  return env.POPALIGN_PYTHON_ENV ?? join(home, '.popalign-studio', 'python-env')
}

/** A path list in the platform's delimiter; relative and empty entries are dropped (they would depend on the working folder). */
function absoluteList(value: string | undefined): string[] {
  return (value ?? '')
    .split(delimiter)
    .map((p) => p.trim())
    .filter((p) => p !== '' && isAbsolute(p))
}
