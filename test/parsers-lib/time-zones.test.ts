import { ciscoStamp, zonedTime } from '../../parsers/lib/device-time';
import { isZoneAbbreviation, zoneOffset } from '../../parsers/lib/time-zones';
import { createClock } from '../../parsers/clock';
import { parseLine } from '../helpers/parse';

const clockIn = (tz: string) => createClock(tz, { fixedYear: 2024, reference: () => Date.UTC(2024, 11, 31) });

describe('zone written after a stamp', () => {
  test('offsets and unambiguous abbreviations are read as written, whatever --tz is', () => {
    for (const tz of ['UTC', 'Asia/Shanghai', 'America/Chicago']) {
      expect([zoneOffset('Z', tz), zoneOffset('UTC', tz), zoneOffset('+02:00', tz), zoneOffset('-0500', tz), zoneOffset('+0530', tz), zoneOffset('-03', tz)]).toEqual([0, 0, 120, -300, 330, -180]);
      expect([zoneOffset('EDT', tz), zoneOffset('CET', tz), zoneOffset('JST', tz), zoneOffset('AEDT', tz)]).toEqual([-240, 60, 540, 660]);
    }
  });

  test('an ambiguous abbreviation takes the meaning of the --tz region', () => {
    expect(zoneOffset('CST', 'America/Chicago')).toBe(-360);
    expect(zoneOffset('CST', 'America/Regina')).toBe(-360);
    expect(zoneOffset('CST', 'Asia/Shanghai')).toBe(480);
    expect(zoneOffset('CST', 'Asia/Taipei')).toBe(480);
    expect(zoneOffset('CST', 'America/Havana')).toBe(-300);
    expect(zoneOffset('CDT', 'America/Havana')).toBe(-240);
    expect(zoneOffset('IST', 'Asia/Kolkata')).toBe(330);
    expect(zoneOffset('IST', 'Europe/Dublin')).toBe(60);
    expect(zoneOffset('IST', 'Asia/Jerusalem')).toBe(120);
    expect(zoneOffset('AST', 'America/Halifax')).toBe(-240);
    expect(zoneOffset('AST', 'Asia/Riyadh')).toBe(180);
    expect(zoneOffset('BST', 'Europe/London')).toBe(60);
    expect(zoneOffset('PST', 'Asia/Manila')).toBe(480);
  });

  test('…and is refused when --tz is in none of its regions', () => {
    for (const tz of ['UTC', 'Europe/Berlin', 'America/New_York']) expect(zoneOffset('CST', tz)).toBe('ambiguous');
    expect(zoneOffset('IST', 'UTC')).toBe('ambiguous');
  });

  test('other words are no zone', () => {
    expect([zoneOffset('XYZ', 'UTC'), zoneOffset('+25:00', 'UTC'), zoneOffset('+1:00', 'UTC'), zoneOffset('hasOwnProperty', 'UTC')]).toEqual([undefined, undefined, undefined, undefined]);
    expect([isZoneAbbreviation('EDT'), isZoneAbbreviation('CST'), isZoneAbbreviation('toString'), isZoneAbbreviation('RTR')]).toEqual([true, true, false, false]);
  });

  test('the meaning is the fixed offset of the abbreviation, not the zone at that date', () => {
    // A router set to `clock timezone CST -6` without summer time prints CST in July too.
    const july = [2024, 7, 15, 10, 0, 0, 0];
    expect(zonedTime(july, 'CST', clockIn('America/Chicago'))).toBe(Date.UTC(2024, 6, 15, 16, 0, 0));
    expect(zonedTime(july, 'CDT', clockIn('America/Chicago'))).toBe(Date.UTC(2024, 6, 15, 15, 0, 0));
    expect(zonedTime(july, '', clockIn('America/Chicago'))).toBe(Date.UTC(2024, 6, 15, 15, 0, 0));
    expect(zonedTime(july, 'CST', clockIn('UTC'))).toEqual({ kind: 'reject', reason: 'ambiguous-time-zone', detail: 'CST' });
    expect(zonedTime(july, 'XYZ', clockIn('UTC'))).toEqual({ kind: 'reject', reason: 'unknown-time-zone', detail: 'XYZ' });
  });

  test('Cisco stamps: an admin label we do not know leaves --tz; an ambiguous one needs its region', () => {
    expect(ciscoStamp('Mar  5 2024 06:01:59.000 CST', clockIn('Asia/Shanghai'))).toEqual({ ts: Date.UTC(2024, 2, 4, 22, 1, 59), unsynced: false });
    expect(ciscoStamp('Mar  5 2024 06:01:59.000 CST', clockIn('America/Chicago'))).toEqual({ ts: Date.UTC(2024, 2, 5, 12, 1, 59), unsynced: false });
    expect(ciscoStamp('Mar  5 2024 06:01:59.000 CST', clockIn('UTC'))).toEqual({ kind: 'reject', reason: 'ambiguous-time-zone', detail: 'CST' });
    expect(ciscoStamp('Mar  5 2024 06:01:59.000 MYTZ', clockIn('Europe/Berlin'))).toEqual({ ts: Date.UTC(2024, 2, 5, 5, 1, 59), unsynced: false });
    expect(ciscoStamp('*Mar  1 00:00:01.000', clockIn('UTC'))).toMatchObject({ unsynced: true });
  });

  test('DShield and SonicWall, which rejected CST, and Cisco, which read it as US Central, now agree', () => {
    const dshield = '2024-03-05 14:22:01 CST\t0\t1\t203.0.113.7\t40522\t192.0.2.10\t23\tTCP\tS';
    const sonicwall = 'id=firewall sn=0017C5000001 time="2024-03-05 14:22:01 CST" fw=203.0.113.1 pri=5 c=64 m=36 msg="TCP connection dropped" src=198.51.100.7:40522:X1 dst=203.0.113.1:23:X1 proto=tcp/telnet';
    const ios = 'Mar  5 2024 14:22:01.000 CST: %SEC-6-IPACCESSLOGP: list 101 denied tcp 203.0.113.7(40522) -> 192.0.2.10(23), 1 packet';
    for (const line of [dshield, sonicwall, ios]) {
      expect(parseLine(line, clockIn('Asia/Shanghai'))).toMatchObject({ kind: 'event', event: { ts: Date.UTC(2024, 2, 5, 6, 22, 1) } });
      expect(parseLine(line, clockIn('America/Chicago'))).toMatchObject({ kind: 'event', event: { ts: Date.UTC(2024, 2, 5, 20, 22, 1) } });
      expect(parseLine(line, clockIn('UTC'))).toEqual({ kind: 'reject', reason: 'ambiguous-time-zone', detail: 'CST' });
    }
  });
});
