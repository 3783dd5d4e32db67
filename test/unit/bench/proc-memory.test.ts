/** bench/lib/proc-memory.ts: PSS and USS from smaps_rollup, and the speaker + membership footprint rows. */
import { footprintOf, processMemory, proportionalMemory } from '../../../bench/lib/proc-memory.ts';

describe('proc-memory', () => {
  it('reads PSS and USS of a live process: USS <= PSS <= RSS', () => {
    const { pssMb, ussMb } = proportionalMemory(process.pid);
    const { rssMb } = processMemory(process.pid);
    expect(ussMb).toBeGreaterThan(0);
    expect(ussMb).toBeLessThanOrEqual(pssMb);
    expect(pssMb).toBeLessThanOrEqual(rssMb);
  });

  it('adds the children up as the membership row, and both as the sum', () => {
    const speaker = { rssMb: 170, pssMb: 130, ussMb: 120, peakMb: 220 };
    const children = [
      { rssMb: 50, pssMb: 20, ussMb: 14 },
      { rssMb: 6, pssMb: 2, ussMb: 1 },
    ];
    expect(footprintOf(speaker, children)).toEqual([
      { process: 'speaker', rssMb: 170, pssMb: 130, ussMb: 120 },
      { process: 'membership', rssMb: 56, pssMb: 22, ussMb: 15 },
      { process: 'sum', rssMb: 226, pssMb: 152, ussMb: 135 },
    ]);
    expect(footprintOf(speaker, [])[1]).toEqual({ process: 'membership', rssMb: 0, pssMb: 0, ussMb: 0 });
  });
});
