import fs from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { closeDb, openDb, resolveDbPath } from '../../store/db';
import { exportDshield, type DshieldSink } from '../../act/dshield-export';

export interface DshieldFlags {
  db?: string;
  tz?: string;
  date?: string;
  userid?: string;
  out?: string;
  again?: boolean;
}

/** Settles once stdout has taken everything; a reader that went away (`| head`) fails it. */
function stdoutSink(): DshieldSink {
  return {
    write: (s) => void process.stdout.write(s),
    finish: () => new Promise<void>((resolve, reject) => process.stdout.write('', (e) => (e ? reject(e) : resolve()))),
  };
}

/** Writes beside the target and renames at the end, so a half-written file never looks finished. Nothing to write, no file. */
function fileSink(file: string): DshieldSink & { abort(): void } {
  const partial = path.join(path.dirname(path.resolve(file)), `.${path.basename(file)}.partial-${process.pid}`);
  let fd: number | undefined;
  return {
    write(s) {
      fd ??= fs.openSync(partial, 'w');
      fs.writeSync(fd, s);
    },
    finish() {
      if (fd === undefined) return;
      fs.closeSync(fd);
      fd = undefined;
      fs.renameSync(partial, file);
    },
    abort() {
      if (fd !== undefined) fs.closeSync(fd);
      fs.rmSync(partial, { force: true });
    },
  };
}

/** Returns the message for stderr; the lines went to the sink. */
export async function dshieldCommand(f: DshieldFlags): Promise<string> {
  const db = openDb(resolveDbPath(f.db), { mustExist: true });
  const file = f.out ? fileSink(f.out) : undefined;
  const sink = file ?? stdoutSink();
  try {
    const r = await exportDshield(db, sink, { date: f.date, tz: f.tz, userid: f.userid, again: f.again });
    const day = `${r.date} (${r.tz})`;
    if (r.written > 0) return `exported ${r.written} inbound scans of ${day}${f.out ? ` to ${f.out}` : ''}${f.again ? ' (again)' : ''}\n`;
    if (r.earlierRuns > 0) return `nothing new for ${day}: ${r.earlierEvents} events already exported in ${r.earlierRuns} run(s); --again exports them again\n`;
    return `no inbound scans on ${day}\n`;
  } catch (e) {
    file?.abort();
    throw e;
  } finally {
    closeDb(db);
  }
}

export function register(program: Command): void {
  const exp = program.command('export').description('export stored events for other tools and services');
  exp
    .command('dshield')
    .description('one day of inbound scans (trusted left out) in the DShield tab-separated submission format; never the same event twice')
    .option('--date <date>', 'local day, YYYY-MM-DD (default: yesterday in --tz)')
    .option('--userid <id>', 'your DShield user id (default 0: anonymous)')
    .option('--out <file>', 'write to this file (default: stdout); not created when there is nothing new')
    .option('--again', 'export events that earlier runs already exported')
    .addOption(new Option('--tz <zone>', 'IANA zone of the day and of the timestamps (default: the database zone)'))
    .addOption(new Option('--db <file>', 'database file (env PORTLEDGER_DB, default ./portledger.db)'))
    .action(async (o: DshieldFlags) => {
      process.stderr.write(await dshieldCommand(o));
    });
}
