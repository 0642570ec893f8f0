/**
 * portledger needs Node.js 20.19 or newer (better-sqlite3 12, chokidar 4, `fs` APIs it uses).
 * An older node fails here with the fix, not later with a confusing syntax or binding error.
 */
const MIN = [20, 19] as const;

export function checkNode(version = process.versions.node): void {
  const [major, minor] = version.split('.').map(Number);
  if (major > MIN[0] || (major === MIN[0] && minor >= MIN[1])) return;
  process.stderr.write(`portledger: needs Node.js ${MIN.join('.')} or newer, this is ${version} (${process.execPath}); install a current Node.js LTS\n`);
  process.exit(1);
}
