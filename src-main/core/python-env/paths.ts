// Where the managed trainer environment and the trainer's Python source live.
// The venv's folder itself is StudioConfig.pythonEnvDir (core/config.ts), decided by the entry point.
import { join } from 'node:path'

/** <resources>/python: the popalign_trainer package and requirements.txt. */
export function trainerSourceDir(resourcesDir: string): string {
  return join(resourcesDir, 'python')
}

export function requirementsFile(resourcesDir: string): string {
  return join(trainerSourceDir(resourcesDir), 'requirements.txt')
}

/** The venv's interpreter and console scripts (Scripts\ on Windows, bin/ elsewhere). */
export function envBin(envDir: string, name: string, platform: NodeJS.Platform = process.platform): string {
  return platform === 'win32' ? join(envDir, 'Scripts', `${name}.exe`) : join(envDir, 'bin', name)
}

export function envPython(envDir: string, platform: NodeJS.Platform = process.platform): string {
  return envBin(envDir, 'python', platform)
}
