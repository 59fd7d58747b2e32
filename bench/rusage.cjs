// Preloaded into each process of the hostile-input campaign (bench/hostile.ts): on exit, writes the CPU time and
// peak memory the process used to the file VRAM_LENS_RUSAGE names.
const fs = require('fs');

process.on('exit', () => {
  const file = process.env.VRAM_LENS_RUSAGE;
  if (file) {
    const u = process.resourceUsage();
    fs.writeFileSync(file, JSON.stringify({ cpuS: (u.userCPUTime + u.systemCPUTime) / 1e6, rssMB: u.maxRSS / 1024 }));
  }
});
