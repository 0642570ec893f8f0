/**
 * The kind of one probe (src/contract/scan-types.ts), from what the classifier said of it (its
 * reason: `tcp-syn`, `tcp-fin`, `udp`, `proto-47`, …) and, for a SYN, the packet's size.
 *
 * SYN scan or connect scan: nmap's `-sS` builds its SYN itself with one TCP option (MSS, 4 bytes:
 * a 24-byte TCP header, IPv4 length 44, IPv6 60 + 4); masscan sends none (40). A `-sT` connect
 * scan goes through the operating system, whose SYN carries its full option set (MSS, SACK,
 * timestamps, window scale: Linux 40 bytes of TCP, IPv4 length 60 / IPv6 80; Windows 32, length
 * 52). So a TCP header of at most 24 bytes is a crafted SYN (-sS) and one of 28 or more an
 * operating system's (-sT). Where the log gives no length (or a record stands for many packets),
 * psad's answer stands: "-sT or -sS".
 */
import { scanTypeBit } from '../../contract/scan-types';

const BIT = {
  ipProto: scanTypeBit('ip-proto'), syn: scanTypeBit('syn'), connect: scanTypeBit('connect'), synOrConnect: scanTypeBit('syn-or-connect'),
  fin: scanTypeBit('fin'), null: scanTypeBit('null'), xmas: scanTypeBit('xmas'), tcpOther: scanTypeBit('tcp-other'), tcp: scanTypeBit('tcp'),
  udp: scanTypeBit('udp'), ping: scanTypeBit('ping'),
};

/** Largest TCP header of a crafted SYN (nmap -sS: MSS only). */
const CRAFTED_TCP_HEADER = 24;

/**
 * The probe kind's bit (contract/scan-types.ts) of an inbound scan event; 0 when the reason names
 * no probe. `length`: the IP total length as the device logged it; `ipv6`: the address family.
 */
export function probeBit(reason: string | undefined, length: number | undefined, ipv6: boolean, packets = 1): number {
  switch (reason) {
    case 'tcp-syn': {
      if (length === undefined || !(length > 0) || packets !== 1) return BIT.synOrConnect;
      const tcpHeader = length - (ipv6 ? 40 : 20);
      if (tcpHeader < 20) return BIT.synOrConnect; // a length that is not the packet's
      return tcpHeader <= CRAFTED_TCP_HEADER ? BIT.syn : BIT.connect;
    }
    case 'tcp-fin':
      return BIT.fin;
    case 'tcp-null':
      return BIT.null;
    case 'tcp-xmas':
      return BIT.xmas;
    case 'tcp-other':
      return BIT.tcpOther;
    case 'tcp':
      return BIT.tcp;
    case 'udp':
      return BIT.udp;
    case 'icmp-echo':
      return BIT.ping;
    default:
      return reason !== undefined && reason.startsWith('proto-') ? BIT.ipProto : 0;
  }
}
