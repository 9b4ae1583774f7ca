// Checkpoint files on disk: atomic writes (temp file, fsync, rename, fsync of the directory), so a
// crash or SIGKILL leaves either the old file or the new one, never half of one; and discovery of the
// newest readable checkpoint of a run for resuming.
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writeFileAtomicSync } from '../../fs/atomic-write'
import { isMissingPath } from '../../fs/missing'
import type { TrainState } from '../train/trainer'
import { decodeTrainState, encodeTrainState } from './train-checkpoint'

const NAME = /^step-(\d{9})\.ckpt$/
/** The averaged weights' own checkpoints, for sampling; never resumed from. */
const EMA_NAME = /^ema-step-(\d{9})\.ckpt$/

export function checkpointFileName(step: number): string {
  return `step-${String(step).padStart(9, '0')}.ckpt`
}

/** Writes the state as <dir>/step-NNNNNNNNN.ckpt and keeps only the newest `keep` checkpoints. */
export function saveCheckpoint(dir: string, state: TrainState, keep = 3): string {
  mkdirSync(dir, { recursive: true })
  const path = join(dir, checkpointFileName(state.step))
  writeFileAtomicSync(path, encodeTrainState(state), { durable: true })
  const all = listCheckpoints(dir)
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old.path, { force: true })
  return path
}

/**
 * Writes the run's averaged weights as <dir>/ema-step-NNNNNNNNN.ckpt: the same state with the EMA in
 * place of the weights, so every sampler reads it as it reads any checkpoint. Keeps the newest `keep`.
 */
export function saveEmaCheckpoint(dir: string, state: TrainState, keep = 3): string | null {
  if (!state.ema) return null
  const path = join(dir, `ema-${checkpointFileName(state.step)}`)
  writeFileAtomicSync(path, encodeTrainState({ ...state, params: state.ema }), { durable: true })
  const all = listFiles(dir, EMA_NAME)
  for (const old of all.slice(0, Math.max(0, all.length - keep))) rmSync(old.path, { force: true })
  return path
}

/** The averaged weights' checkpoints of a run directory, oldest first. */
export function listEmaCheckpoints(dir: string): { step: number; path: string }[] {
  return listFiles(dir, EMA_NAME)
}

export function loadCheckpoint(path: string): TrainState {
  return decodeTrainState(readFileSync(path), path)
}

/** Checkpoints of a run directory, oldest first (temp files from interrupted writes are ignored). */
export function listCheckpoints(dir: string): { step: number; path: string }[] {
  return listFiles(dir, NAME)
}

function listFiles(dir: string, pattern: RegExp): { step: number; path: string }[] {
  let names: string[]
  try {
    names = readdirSync(dir)
  } catch (err) {
    if (isMissingPath(err)) return []
    throw err
  }
  return names
    .map((n) => ({ m: pattern.exec(n), n }))
    .filter((x) => x.m)
    .map((x) => ({ step: Number(x.m![1]), path: join(dir, x.n) }))
    .sort((a, b) => a.step - b.step)
}

/**
 * The newest checkpoint that parses. Unreadable newer ones are reported in `skipped` rather than
 * silently resumed past; null when the run has none.
 */
export function latestCheckpoint(dir: string): { state: TrainState; path: string; skipped: string[] } | null {
  const skipped: string[] = []
  const all = listCheckpoints(dir)
  for (let i = all.length - 1; i >= 0; i--) {
    try {
      return { state: loadCheckpoint(all[i].path), path: all[i].path, skipped }
    } catch (err) {
      skipped.push(`${all[i].path}: ${(err as Error).message}`)
    }
  }
  if (skipped.length > 0) throw new Error(`no readable checkpoint in ${dir}:\n${skipped.join('\n')}`)
  return null
}
