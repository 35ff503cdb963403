/**
 * Raised when a calendar (or a holidays import request) is invalid.
 *
 * `field` is the path of the offending value in the calendar JSON, written the way a
 * person would point at it: `timezone`, `week.mon[1][0]`, `holidays[2]`.
 */
export class CalendarError extends Error {
  /** Stable machine-readable code, shared by every calendar validation failure. */
  readonly code = 'invalid_calendar';
  /** HTTP status a web layer should answer with when this reaches a request. */
  readonly status = 400;

  constructor(
    /** Path of the offending value, e.g. `week.mon[1][0]`. */
    readonly field: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${message}`, options);
    this.name = 'CalendarError';
  }
}
