// Every migration the code knows, in order. Add a new module and append it here; never edit a
// migration that has shipped.
import { migration0001 } from './0001_core'
import { migration0002 } from './0002_annotation'
import { migration0003 } from './0003_jobs'
import { migration0004 } from './0004_team_mcmc'
import { migration0005 } from './0005_snapshots'
import { migration0006 } from './0006_acquire'
import { migration0007 } from './0007_mcmc_fresh'
import { migration0008 } from './0008_project_scope'
import { migration0009 } from './0009_housekeeping'
import { migration0010 } from './0010_housekeeping_more'
import type { Migration } from './migration'

export type { Migration } from './migration'
export const migrations: readonly Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010]
export const LATEST_SCHEMA_VERSION = migrations.length
