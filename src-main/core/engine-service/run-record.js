// The immutable record of a training run, <run>/run.json: written once when the run first starts
// (exclusive create, so nothing can overwrite it) and read back on every resume, which refuses to
// continue a run whose folder holds a different config.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
export const RUN_RECORD_FILE = 'run.json';
export function readRunRecord(runDir) {
    try {
        return JSON.parse(readFileSync(join(runDir, RUN_RECORD_FILE), 'utf8'));
    }
    catch {
        return null;
    }
}
/** Writes run.json unless it exists (flag wx); returns the record now on disk. */
export function writeRunRecordOnce(runDir, record) {
    try {
        writeFileSync(join(runDir, RUN_RECORD_FILE), JSON.stringify(record, null, 2) + '\n', { flag: 'wx', mode: 0o644 });
        return record;
    }
    catch (err) {
        if (err.code !== 'EEXIST')
            throw err;
        return readRunRecord(runDir) ?? record;
    }
}
