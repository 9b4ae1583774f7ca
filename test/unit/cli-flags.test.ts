import { describe, expect, it } from 'vitest'
import { readFlags } from '../../src-main/core/cli-flags'

const spec = { values: ['out', 'seed'] as const, switches: ['json'] as const }

describe('readFlags (node:util parseArgs, refusals worded once for every entry point)', () => {
  it('reads values in both spellings, switches and --help / -h', () => {
    expect(readFlags(['--out', 'a', '--seed=3', '--json'], spec)).toEqual({ values: { out: 'a', seed: '3' }, switches: { json: true }, lists: {}, help: false })
    expect(readFlags(['-h'], spec).help).toBe(true)
    expect(readFlags(['--help'], spec).help).toBe(true)
    // An inline value may start with a dash; a separate one may not (it is the next flag).
    expect(readFlags(['--seed=-1'], spec).values.seed).toBe('-1')
  })

  it('reads a list flag up to the next flag, and repeated', () => {
    const lists = { values: ['out'] as const, lists: ['compare'] as const }
    expect(readFlags(['--compare', 'a', 'b', '--out', 'o', '--compare=c'], lists)).toMatchObject({ values: { out: 'o' }, lists: { compare: ['a', 'b', 'c'] } })
    expect(() => readFlags(['--compare', 'a', '--out', 'o', 'd'], lists)).toThrow(/^unexpected argument "d"$/)
    expect(() => readFlags(['--compare', '--out', 'o'], lists)).toThrow(/^--compare needs a value$/)
  })

  it.each([
    [['--out'], /^--out needs a value$/],
    [['--out', '--json'], /^--out needs a value$/],
    [['--out='], /^--out needs a value$/],
    [['--out', 'a', '--out', 'b'], /^--out is given twice$/],
    [['--json=yes'], /^--json takes no value$/],
    [['--verbose'], /^unknown option "--verbose"$/],
    [['-x'], /^unknown option "-x"$/],
    [['stray'], /^unexpected argument "stray"$/],
    [['--', '--out'], /^unexpected argument "--"$/]
  ])('refuses %j', (argv, message) => {
    expect(() => readFlags(argv, spec)).toThrow(message)
  })
})
