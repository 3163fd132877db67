/** What one probe of an endpoint found: the transport's answer, judged and attributed. */
export interface ProbeResult {
  /** 1-based probe number. */
  n: number;
  ok: boolean;
  /** HTTP status, or null when the request failed outright. */
  status: number | null;
  durationMs: number;
  /** One line per failed expectation (expected vs actual), or the transport error. */
  failures: string[];
  /**
   * The process that accepted the probe's connection (its command line as ProcessInfo.command);
   * null when that was tried but could not be read (`unattributed` says why); absent when it was
   * not tried (no connection was made).
   */
  answeredBy?: { pid: number; command: string } | null;
  /** Why `answeredBy` is null, as a short phrase: "not supported on macOS". */
  unattributed?: string;
}
