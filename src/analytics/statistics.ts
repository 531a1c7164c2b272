// The statistics of a paired pre/post comparison: the mean change with a 95% confidence interval
// from Student's t distribution. The t quantile is computed here (the regularized incomplete beta
// function by its continued fraction, inverted by bisection) rather than taken from a package:
// it is forty lines, and the tests hold it to published table values.

/** ln Γ(x) for x > 0: Lanczos' approximation (g = 7, 9 terms), good to about 15 digits. */
export function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0];
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz's method). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 20000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

const quantileCache = new Map<string, number>();

/** The t value below which a share `p` (0.5 < p < 1) of Student's t distribution lies. */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0.5 && p < 1) || !(df >= 1)) throw new RangeError(`tQuantile(${p}, ${df})`);
  const key = `${p}:${df}`;
  const cached = quantileCache.get(key);
  if (cached !== undefined) return cached;
  // The CDF rises with t: bisect between 0 and a bound past the quantile (df = 1 at p = 0.9995 is 636.6).
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  const q = (lo + hi) / 2;
  if (quantileCache.size > 2000) quantileCache.clear();
  quantileCache.set(key, q);
  return q;
}

export interface PairedChange {
  /** Number of pairs. */
  n: number;
  meanPre: number;
  meanPost: number;
  /** Mean of (post - pre). */
  change: number;
  /** Standard deviation of the changes (n - 1 in the denominator); null with one pair. */
  sd: number | null;
  /** The 95% confidence interval of the mean change; null with one pair. */
  ciLow: number | null;
  ciHigh: number | null;
}

/**
 * The mean paired change of (pre, post) values with its 95% confidence interval; null for no pairs.
 * A pair with NaN on either side is left out (an item one of the two answers skipped), so callers
 * can pass whole columns of a report without copying.
 */
export function pairedChange(pre: ArrayLike<number>, post: ArrayLike<number>): PairedChange | null {
  const length = Math.min(pre.length, post.length);
  let n = 0;
  let sumPre = 0;
  let sumPost = 0;
  for (let i = 0; i < length; i++) {
    const a = pre[i];
    const b = post[i];
    if (Number.isNaN(a) || Number.isNaN(b)) continue;
    n++;
    sumPre += a;
    sumPost += b;
  }
  if (n === 0) return null;
  const meanPre = sumPre / n;
  const meanPost = sumPost / n;
  const change = meanPost - meanPre;
  if (n < 2) return { n, meanPre, meanPost, change, sd: null, ciLow: null, ciHigh: null };
  let squares = 0;
  for (let i = 0; i < length; i++) {
    const d = post[i] - pre[i] - change;
    if (!Number.isNaN(d)) squares += d * d;
  }
  const sd = Math.sqrt(squares / (n - 1));
  const half = tQuantile(0.975, n - 1) * (sd / Math.sqrt(n));
  return { n, meanPre, meanPost, change, sd, ciLow: change - half, ciHigh: change + half };
}
