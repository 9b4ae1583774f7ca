// The one place the command-line tools (npm run <tool>, serve mode, the experiments) turn this
// process's environment into the studio's settings; core/config.ts holds the rules, core code only
// ever receives the result.
import { homedir, tmpdir } from 'node:os'
import { configFromEnvironment, resourcesDirFrom, type StudioConfig } from '../core/config'
import { worldClassifierDir } from '../core/classifier/world-classifier'

/**
 * The settings from process.env; `resourcesDir` is the tool's own guess when $POPALIGN_RESOURCES is not
 * set (default: resources/ under the working folder, where `npm run` starts the tools).
 */
export function processConfig(resourcesDir: string = resourcesDirFrom({}, process.cwd())): StudioConfig {
  return configFromEnvironment(process.env, { home: homedir(), tmp: tmpdir(), resourcesDir })
}

/** The shipped world classifier's folder by the same settings (evaluations, experiments). */
export function processClassifierDir(): string {
  return worldClassifierDir(processConfig().resourcesDir)
}
