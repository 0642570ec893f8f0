import type { Command } from 'commander';
import { DEFAULT_LISTEN, parseListenAddress, startSyslogServer } from '../../sources/syslog-server';
import { SyslogIntake } from '../../pipeline/syslog-intake';
import { splitList } from '../../classify/networks';
import { startLive, type LiveFlags } from '../live-run';
import { collect } from '../inputs';
import { liveOptions } from './watch';
import { serveAlongside, serveOptions } from './serve';

interface ListenFlags extends LiveFlags {
  serve?: string | boolean;
  serveToken?: string;
  serveTokenFile?: string;
  udp?: string;
  tcp?: string;
  allow?: string[];
  maxMessage?: string;
}

export function registerListen(program: Command): void {
  serveOptions(liveOptions(program.command('listen')))
    .description('be the syslog server your router sends to (UDP and/or TCP, RFC 3164 and 5424), alerting as attacks happen')
    .option('--udp <[host:]port>', `receive syslog over UDP (default, with --tcp, ${DEFAULT_LISTEN.host}:${DEFAULT_LISTEN.port})`)
    .option('--tcp <[host:]port>', 'receive syslog over TCP (octet counting or LF framing, detected per connection)')
    .option('--allow <cidr>', 'a sender allowed to send (repeatable; default: loopback and private ranges)', collect)
    .option('--max-message <bytes>', 'longest message accepted', '8192')
    .action(async (f: ListenFlags) => {
      const both = !f.udp && !f.tcp;
      const udp = f.udp ? parseListenAddress(f.udp) : both ? DEFAULT_LISTEN : undefined;
      const tcp = f.tcp ? parseListenAddress(f.tcp) : both ? DEFAULT_LISTEN : undefined;
      const maxMessageBytes = Number(f.maxMessage);
      if (!Number.isInteger(maxMessageBytes) || maxMessageBytes < 64) throw new Error('--max-message takes a number of bytes ≥ 64');
      const run = startLive(f, 'listen');
      const intake = new SyslogIntake(run.live, run.db);
      const allow = splitList(f.allow);
      const server = await startSyslogServer({
        udp,
        tcp,
        allow: allow.length ? allow : undefined,
        maxMessageBytes,
        onMessage: (text, sender) => intake.message(text, sender),
        onDrop: (sender, reason, detail) => intake.drop(sender, reason, detail?.transport),
        log: f.quiet || f.json ? undefined : (l) => process.stderr.write(`portledger: ${l}\n`),
      });
      intake.start();
      run.onStop(async () => {
        await server.close();
        intake.stop();
      });
      await serveAlongside(run, f);
      const where = server.addresses();
      const text = [where.udp && `udp ${where.udp.host}:${where.udp.port}`, where.tcp && `tcp ${where.tcp.host}:${where.tcp.port}`].filter(Boolean).join(', ');
      run.status = () => {
        const st = server.stats();
        return `listening on ${text}; ${st.accepted} accepted, ${st.dropped} dropped`;
      };
      if (!f.quiet && !f.json && !process.stdout.isTTY) process.stdout.write(`listening on ${text}\n`);
      await run.done;
    });
}

export const register = registerListen;
