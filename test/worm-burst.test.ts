/**
 * The worm-burst rule (src/detectors/rules/worm-burst.ts) through its detector: it counts like
 * a sweep, from the host's run on the port. (test/worm.test.ts covers the pipeline side.)
 */
import { WormDetector } from '../src/detectors/worm';

const T0 = Date.UTC(2024, 5, 14, 14, 0, 0);
const HOST = '192.168.1.50';

describe('worm burst rule', () => {
  test('events count the run on the port: attempts before the threshold was met, then every one after', () => {
    const d = new WormDetector({ threshold: 5, windowMs: 60_000, port: 445 });
    d.observe(HOST, '198.51.100.1', 445, 'tcp', T0, 'first attempt');
    d.observe(HOST, '198.51.100.1', 445, 'tcp', T0 + 1000, 'retry'); // the same server again
    for (let i = 2; i <= 4; i++) expect(d.observe(HOST, `198.51.100.${i}`, 445, 'tcp', T0 + i * 1000, `smb ${i}`)).toBeUndefined();
    const a = d.observe(HOST, '198.51.100.5', 445, 'tcp', T0 + 5000, 'smb 5');
    expect(a).toMatchObject({ kind: 'worm', host: HOST, port: 445, proto: 'tcp', destinations: 5, events: 6, peak: 5, first: T0, threshold: 5, windowS: 60 });
    expect(a!.evidence).toMatchObject({ firstLine: 'first attempt', lastLine: 'smb 5' });
    // A flow record standing for 10 packets counts 10.
    expect(d.observe(HOST, '198.51.100.6', 445, 'tcp', T0 + 6000, 'flow', 10)).toMatchObject({ destinations: 6, events: 16, evidence: { lastLine: 'flow' } });
    expect(d.drainChanged()).toEqual([a]);
  });

  test('only TCP to the worm port is counted', () => {
    const d = new WormDetector({ threshold: 5, windowMs: 60_000, port: 445 });
    for (let i = 1; i <= 20; i++) {
      d.observe(HOST, `198.51.100.${i}`, 139, 'tcp', T0 + i, 'netbios');
      d.observe(HOST, `198.51.100.${i}`, 445, 'udp', T0 + i, 'udp');
    }
    expect(d.drainChanged()).toEqual([]);
  });

  test('each inside host is counted on its own', () => {
    const d = new WormDetector({ threshold: 5, windowMs: 60_000, port: 445 });
    for (let i = 1; i <= 20; i++) d.observe(`192.168.1.${i}`, `198.51.100.${i}`, 445, 'tcp', T0 + i, 'x');
    expect(d.drainChanged()).toEqual([]);
  });
});
