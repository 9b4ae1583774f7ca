// Parks an import that keeps taking the studio down while it starts.
//
// Jobs left running resume at every start, before anyone can open the UI to cancel them. So a file
// that kills the process while an import reads its folder (before issue 11's fixes: a FIFO named
// x.json, a link to /dev/zero) killed the studio again at every restart. The import therefore
// counts its starts that ended without progress (the count is saved before any risky work and
// cleared by the first committed batch or a clean stop). After two such starts, the third is not
// attempted: the job is parked ('paused'), saying why, and stays so until the owner cancels it.

/** Starts in a row that may end without progress before the job is parked. */
export const MAX_STARTS_WITHOUT_PROGRESS = 2

export type StartDecision = { run: true; starts: number } | { run: false; message: string }

/** What to do with a job whose saved count of starts without progress is `previous`. */
export function decideStart(previous: number | undefined): StartDecision {
  const starts = (previous ?? 0) + 1
  if (starts <= MAX_STARTS_WITHOUT_PROGRESS) return { run: true, starts }
  return {
    run: false,
    message:
      `parked: this import stopped the studio ${previous} times while starting, so it was not resumed again; ` +
      'look for special or very large files in the folder, then cancel this import and start a new one'
  }
}
