/**
 * The CPU time the calling thread has run, for benchmarks that alternate two versions in one
 * process (bench/check-stage.ts, bench/secret-screen.ts).
 */
import { readFileSync } from 'node:fs';

/** The CPU time this thread has run, in nanoseconds (the process's where /proc cannot say). */
export function threadNanoseconds(): number {
  try {
    return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]);
  } catch {
    const { user, system } = process.cpuUsage();
    return (user + system) * 1000;
  }
}
