// The trainer's process tree, as the studio signals it: torchrun starts each worker in a session of its
// own, so the launcher's process group misses them; SIGTERM goes to the leaves (the trainers) only,
// because Accelerate's launcher kills its worker 5 s after its own SIGTERM.
import { describe, expect, it } from 'vitest'
import { processTree } from '../../src-main/core/features/fine-tuning/real/trainer-process'

describe('processTree', () => {
  it('finds the launcher, the agent and every worker, and the workers as leaves', () => {
    // 1 init, 10 the studio, 20 accelerate launch (torchrun's agent in-process), 21 and 22 workers,
    // 30 an unrelated process, 23 a worker's child.
    const parents = new Map([
      [10, 1],
      [20, 10],
      [21, 20],
      [22, 20],
      [23, 22],
      [30, 1]
    ])
    expect(processTree(20, parents)).toEqual({ all: [20, 21, 22, 23], leaves: [21, 23] })
  })

  it('is the launcher alone before it has started a worker', () => {
    expect(processTree(20, new Map([[20, 10]]))).toEqual({ all: [20], leaves: [20] })
  })
})
