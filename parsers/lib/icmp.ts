/** ICMP type and code as logs write them. */
import { toUint } from './numbers';

/**
 * ICMP type and code from their text fields: `undefined` when the record carries none (a code
 * without a type means nothing), 'bad' when either is not 0–255.
 */
export function icmpFields(typeText: string | undefined, codeText: string | undefined): { icmpType?: number; icmpCode?: number } | 'bad' {
  const t = typeText === undefined ? -1 : toUint(typeText);
  const c = codeText === undefined ? -1 : toUint(codeText);
  if (t > 255 || c > 255) return 'bad';
  if (t < 0) return {};
  return c >= 0 ? { icmpType: t, icmpCode: c } : { icmpType: t };
}

/**
 * ICMP destination-unreachable code from tcpdump's text, which pf's tcpdump prints and
 * pfSense's filterlog copied (`host 192.0.2.1 unreachable - admin prohibited filter`,
 * `192.0.2.1 udp port 53 unreachable`).
 */
export function unreachCode(text: string): number | undefined {
  if (text.includes('need to frag')) return 4;
  if (text.includes('admin prohibited filter')) return 13;
  if (text.includes(' port ')) return 3;
  if (text.includes(' protocol ')) return 2;
  const net = text.startsWith('net ');
  if (!net && !text.startsWith('host ')) return undefined;
  if (text.includes('admin prohibited')) return net ? 9 : 10;
  if (text.includes('- unknown')) return net ? 6 : 7;
  return net ? 0 : 1;
}
