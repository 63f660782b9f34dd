// Preloaded with `node --require` into a measured process: on exit, writes its peak RSS and CPU time to the file
// named by WHETSTONE_BENCH_RUSAGE, so benchmarks need no external `time` binary.
const fs = require('node:fs');
const out = process.env.WHETSTONE_BENCH_RUSAGE;
if (out) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    fs.writeFileSync(out, JSON.stringify({ maxRssKb: u.maxRSS, userUs: u.userCPUTime, systemUs: u.systemCPUTime }));
  });
}
