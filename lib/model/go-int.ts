/**
 * Integers as Go's strconv reads them, for the settings a Go program of the cluster reads from
 * text: robfig/cron's fields (lib/model/cron.ts), Argo CD's sync waves (lib/delivery/first-sync.ts). Pure.
 */

/** What strconv.Atoi accepts in base 10. */
const GO_INT = /^[+-]?[0-9]+$/;
const INT64_MAX = 2n ** 63n - 1n;

/**
 * `text` as Go's strconv.Atoi reads it on a 64-bit machine (a sign, digits, nothing around them),
 * or why it refuses it, in its words.
 */
export function goAtoi(text: string): bigint | 'invalid syntax' | 'value out of range' {
  if (!GO_INT.test(text)) return 'invalid syntax';
  const n = BigInt(text);
  return n > INT64_MAX || n < -INT64_MAX - 1n ? 'value out of range' : n;
}
