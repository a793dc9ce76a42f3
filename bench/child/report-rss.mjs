// Preloaded into a benchmarked child (NODE_OPTIONS=--import) when GNU time is missing: prints its peak RSS at exit.
process.on('exit', () => {
  process.stderr.write(`\nbench-max-rss-kb=${process.resourceUsage().maxRSS}\n`);
});
