// Where the managed trainer environment and the trainer's Python source live.
import { homedir } from 'node:os'
import { join } from 'node:path'
import { defaultResourcesDir } from '../resources'

/**
 * The studio's own venv: $POPALIGN_PYTHON_ENV, else python-env in the studio's data folder
 * (~/.popalign-studio, where the default workspace also lives). Never a user's environment.
 */
export function defaultEnvDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.POPALIGN_PYTHON_ENV ?? join(homedir(), '.popalign-studio', 'python-env')
}

/** resources/python (the popalign_trainer package and requirements.txt), by the shipped-resources rule. */
export function trainerSourceDir(resourcesDir: string = defaultResourcesDir()): string {
  return join(resourcesDir, 'python')
}

export function requirementsFile(resourcesDir: string = defaultResourcesDir()): string {
  return join(trainerSourceDir(resourcesDir), 'requirements.txt')
}

/** The venv's interpreter and console scripts (Scripts\ on Windows, bin/ elsewhere). */
export function envBin(envDir: string, name: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? join(envDir, 'Scripts', `${name}.exe`) : join(envDir, 'bin', name)
}

export function envPython(envDir: string, platform: NodeJS.Platform = process.platform): string {
  return envBin(envDir, 'python', platform)
}
