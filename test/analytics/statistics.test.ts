// The t quantile against published table values (and the two degrees of freedom with closed forms),
// and the paired change against values computed by hand.
import { incompleteBeta, pairedChange, tCdf, tQuantile } from '../../src/analytics/statistics';

test('t quantiles with a closed form: df 1 is tan(0.475 pi), df 2 is 0.95 * sqrt(2 / (4 * 0.975 * 0.025))', () => {
  expect(tQuantile(0.975, 1)).toBeCloseTo(12.706204736174696, 9);
  expect(tQuantile(0.975, 2)).toBeCloseTo(4.302652729749464, 9);
});

test.each([
  [4, 2.776445105],
  [9, 2.262157163],
  [10, 2.228138852],
  [30, 2.042272456],
  [39, 2.022690901],
  [100, 1.983971519],
  [1000, 1.962339081],
])('the 97.5%% t quantile with %i degrees of freedom is %f (published tables)', (df, value) => {
  expect(tQuantile(0.975, df)).toBeCloseTo(value, 6);
});

test('with very many degrees of freedom the t quantile approaches the normal 1.959964', () => {
  expect(tQuantile(0.975, 100000)).toBeCloseTo(1.95998, 4);
  expect(tQuantile(0.975, 100000)).toBeGreaterThan(1.959964);
});

test('the CDF and incomplete beta at known points', () => {
  expect(tCdf(0, 7)).toBeCloseTo(0.5, 12);
  expect(tCdf(12.706204736174696, 1)).toBeCloseTo(0.975, 10);
  expect(tCdf(-2.228138852, 10)).toBeCloseTo(0.025, 8);
  // I_x(1, 1) = x; I_x(a, b) = 1 - I_(1-x)(b, a).
  expect(incompleteBeta(0.3, 1, 1)).toBeCloseTo(0.3, 12);
  expect(incompleteBeta(0.2, 2.5, 0.5) + incompleteBeta(0.8, 0.5, 2.5)).toBeCloseTo(1, 12);
});

test('a quantile outside (0.5, 1) or with no degrees of freedom is refused', () => {
  expect(() => tQuantile(0.4, 5)).toThrow(RangeError);
  expect(() => tQuantile(0.975, 0)).toThrow(RangeError);
});

describe('paired change, by hand', () => {
  test('five pairs on the agreement scale', () => {
    // Changes 2, 1, 0, 1, 2: mean 1.2; squared deviations 0.64 + 0.04 + 1.44 + 0.04 + 0.64 = 2.8;
    // sd = sqrt(2.8 / 4) = 0.836660; se = sd / sqrt(5) = 0.374166; t(0.975, 4) = 2.776445;
    // half-width 1.038851, so the interval is 0.161149 to 2.238851.
    const c = pairedChange([2, 3, 3, 4, 2], [4, 4, 3, 5, 4])!;
    expect(c.n).toBe(5);
    expect(c.meanPre).toBeCloseTo(2.8, 12);
    expect(c.meanPost).toBeCloseTo(4.0, 12);
    expect(c.change).toBeCloseTo(1.2, 12);
    expect(c.sd).toBeCloseTo(0.836660, 6);
    expect(c.ciLow).toBeCloseTo(0.161149, 5);
    expect(c.ciHigh).toBeCloseTo(2.238851, 5);
  });

  test('ten pairs of right (1) and wrong (0) answers', () => {
    // Changes 1,1,0,0,0,1,0,0,1,1: mean 0.5; sd = sqrt(10 * 0.25 / 9) = 0.527046; se = 0.166667;
    // t(0.975, 9) = 2.262157; half-width 0.377026: the interval is 0.122974 to 0.877026.
    const c = pairedChange([0, 0, 1, 0, 1, 0, 0, 1, 0, 0], [1, 1, 1, 0, 1, 1, 0, 1, 1, 1])!;
    expect(c.change).toBeCloseTo(0.5, 12);
    expect(c.sd).toBeCloseTo(0.527046, 6);
    expect(c.ciLow).toBeCloseTo(0.122974, 5);
    expect(c.ciHigh).toBeCloseTo(0.877026, 5);
  });

  test('a decline is negative; identical changes have no spread and a zero-width interval', () => {
    const down = pairedChange([5, 4], [3, 2])!;
    expect(down.change).toBe(-2);
    expect([down.ciLow, down.ciHigh]).toEqual([-2, -2]);
  });

  test('one pair has a mean but no interval; no pairs, nothing', () => {
    expect(pairedChange([2], [5])).toEqual({ n: 1, meanPre: 2, meanPost: 5, change: 3, sd: null, ciLow: null, ciHigh: null });
    expect(pairedChange([], [])).toBeNull();
  });
});
