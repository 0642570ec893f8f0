/**
 * Preloaded into a measured process (`node --require`): writes its peak RSS in KiB, all threads
 * counted, to PORTLEDGER_RSS_FILE when it exits.
 */
import fs from 'node:fs';

process.on('exit', () => {
  const file = process.env.PORTLEDGER_RSS_FILE;
  if (file) fs.writeFileSync(file, String(process.resourceUsage().maxRSS));
});
