// Child process for crash.test.ts: starts migrating a version-1 database to the latest schema plus
// one extra step that hangs half-way, says so, and waits to be SIGKILLed.
import Database from 'better-sqlite3'
import { migrate } from '../../src-main/core/store/migrate'
import { migrations, type Migration } from '../../src-main/core/store/migrations'

const file = process.argv[2]
if (!file) throw new Error('usage: migrate-crash-child.ts <db file>')
const db = new Database(file)
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
const hang: Migration = {
  version: migrations.length + 1,
  name: 'hangs after some work',
  up(d) {
    d.exec('CREATE TABLE half_done (x); INSERT INTO half_done VALUES (1);')
    process.stdout.write('inside\n')
    for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000)
  }
}
migrate(db, [...migrations, hang])
