// The studio settings tests hand to core, as an entry point would: the repository's resources folder,
// and the rest by the same rules from this test process's environment.
import { homedir, tmpdir } from 'node:os'
import { resolve } from 'node:path'
import { configFromEnvironment, type StudioConfig } from '../../src-main/core/config'
import { worldClassifierDir } from '../../src-main/core/classifier/world-classifier'

export const RESOURCES_DIR = resolve(__dirname, '../../resources')
export const WORLD_CLASSIFIER_DIR = worldClassifierDir(RESOURCES_DIR)

export function testConfig(overrides: Partial<StudioConfig> = {}): StudioConfig {
  return { ...configFromEnvironment(process.env, { home: homedir(), tmp: tmpdir(), resourcesDir: RESOURCES_DIR }), ...overrides }
}
