export declare const METRICS_FILE = "metrics.jsonl";
export interface MetricsLine {
    step: number;
    loss: number;
    itPerSec: number;
    /** Null when unknown (no rate yet); JSON has no Infinity. */
    etaSeconds: number | null;
    at: string;
}
export declare function appendMetrics(runDir: string, line: MetricsLine): void;
/** Lines in step order, one per step (the latest written wins); damaged lines are skipped. */
export declare function readMetrics(runDir: string): MetricsLine[];
/**
 * At most `max` points spread evenly over the curve, always keeping the first and the last, so a
 * long run's curve keeps its shape without shipping every point. The caller reports the total.
 */
export declare function thin<T>(points: readonly T[], max: number): T[];
