/**
 * The Pulumi SDK records a stack trace (`new Error().stack`) for every promise behind every property
 * of every resource, to explain leaked promises at exit; under ts-node each trace is also
 * source-mapped. For a roster of thousands of users that is most of the program's time and memory
 * (measured: 3,000 UserStatus constructed in 25.7 s and 766 MB, 1.8 s and 524 MB without the
 * traces). The SDK prints those traces only with `PULUMI_DEBUG_PROMISE_LEAKS`; without it, building
 * many resources with no trace loses nothing. (The SDK still records each resource's source
 * position: it raises the limit itself for that.)
 */

/** Runs `build` (synchronous) with stack traces off, unless the SDK's leak debugging is on. */
export function withoutPromiseStackTraces<T>(build: () => T): T {
  if (process.env.PULUMI_DEBUG_PROMISE_LEAKS) return build();
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return build();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
