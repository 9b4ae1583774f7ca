// The shape of one schema step. Each step lives in its own module and is applied at most once,
// in version order, inside the single transaction that brings a workspace up to date.
import type BetterSqlite3 from 'better-sqlite3'

export interface Migration {
  /** 1, 2, 3, ... with no gaps; stored in PRAGMA user_version once applied. */
  readonly version: number
  readonly name: string
  up(db: BetterSqlite3.Database): void
}

/** ISO-8601 UTC with milliseconds, the one timestamp format the workspace stores. */
export const NOW_SQL = "(strftime('%Y-%m-%dT%H:%M:%fZ','now'))"
