// Task durations come from a RandomSource. Seeded, it is a pure function of (seed, task identity),
// so the same sequence of requests yields the same durations whatever the timing of the run.

/** Returns a number in [0, 1) for the named draw. */
export type RandomSource = (drawName: string) => number;

export const unseededRandom: RandomSource = () => Math.random();

export function seededRandom(seed: string): RandomSource {
  return (drawName) => {
    const hash = Bun.hash.wyhash(`${seed}\u0000${drawName}`, 0x7a5c_3d11n);
    // Top 53 bits of the 64-bit hash as a fraction: uniform in [0, 1).
    return Number(hash >> 11n) / 2 ** 53;
  };
}
