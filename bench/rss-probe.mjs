// Loaded into every Node.js process a benchmark starts (NODE_OPTIONS=--import=<this file>):
// on exit, appends this process's peak resident set size (bytes) to the file named by
// STAGECRAFT_BENCH_RSS_FILE, so that the harness learns the peak of npm and of the command it
// runs without tools CI may lack (/usr/bin/time). Plain JavaScript: it must load before any loader.
import { appendFileSync } from 'node:fs';

const file = process.env.STAGECRAFT_BENCH_RSS_FILE;
if (file) process.on('exit', () => appendFileSync(file, `${process.resourceUsage().maxRSS * 1024}\n`));
