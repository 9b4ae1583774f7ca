import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { FutureSchemaError, migrate } from '../../src-main/core/store/migrate'
import { migrations, type Migration } from '../../src-main/core/store/migrations'
import { tableNames } from './helpers'

describe('migrate', () => {
  it('applies every pending migration from scratch and is a no-op when current', () => {
    const db = new Database(':memory:')
    expect(migrate(db, migrations)).toEqual(migrations.map((m) => m.version))
    expect(migrate(db, migrations)).toEqual([])
    db.close()
  })

  it('rolls back every pending step and the version bump when one step fails', () => {
    const db = new Database(':memory:')
    const broken: Migration = {
      version: migrations.length + 1,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x)')
        throw new Error('boom')
      }
    }
    expect(() => migrate(db, [...migrations, broken])).toThrow('boom')
    expect(db.pragma('user_version', { simple: true })).toBe(0)
    expect(tableNames(db)).toEqual([]) // steps 1..N ran in the same transaction and were undone too
    db.close()
  })

  it('refuses a database newer than the code', () => {
    const db = new Database(':memory:')
    db.pragma('user_version = 99')
    expect(() => migrate(db, migrations)).toThrow(FutureSchemaError)
    expect(db.pragma('user_version', { simple: true })).toBe(99)
    db.close()
  })

  it('rejects a migration list with gaps', () => {
    const db = new Database(':memory:')
    expect(() => migrate(db, [migrations[0], migrations[2]])).toThrow(/out of order/)
    db.close()
  })
})
