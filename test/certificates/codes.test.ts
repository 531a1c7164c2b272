import {
  CODE_ALPHABET,
  CODE_LENGTH,
  InvalidCodeError,
  checkSymbol,
  formatCode,
  generateCode,
  parseCode,
} from '../../src/certificates/codes';

// A fixed sample. Its check symbol, worked by hand: the weighted sum of the 14 payload values
// (K=17, 7=5, M=18, Q=21, 2=0, X=28, W=27, 9=7, P=20, T=24, R=22, C=10, 4=2, H=15) is
// 1596 ≡ 15 (mod 31), so 15·v ≡ -15, v = 30 = 'Z'. Pinned, so a change to the formula is noticed.
const PAYLOAD = 'K7MQ2XW9PTRC4H';
const SAMPLE = PAYLOAD + checkSymbol(PAYLOAD);

describe('certificate codes', () => {
  test('the alphabet has 31 symbols and no look-alikes', () => {
    expect(CODE_ALPHABET).toHaveLength(31);
    expect(new Set(CODE_ALPHABET).size).toBe(31);
    for (const ch of '01OIL') expect(CODE_ALPHABET).not.toContain(ch);
  });

  test('check symbol is pinned for a known payload', () => {
    expect(SAMPLE).toBe('K7MQ2XW9PTRC4HZ');
    expect(parseCode(SAMPLE)).toEqual({ ok: true, code: SAMPLE });
  });

  test('generate → format → parse round trip', () => {
    for (let i = 0; i < 50; i++) {
      const code = generateCode();
      expect(code).toMatch(/^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{15}$/);
      const shown = formatCode(code);
      expect(shown).toMatch(/^[^-]{5}-[^-]{5}-[^-]{5}$/);
      expect(shown.replace(/-/g, '')).toBe(code);
      expect(parseCode(shown)).toEqual({ ok: true, code });
    }
  });

  test('every single-symbol substitution is caught', () => {
    let tried = 0;
    for (let pos = 0; pos < CODE_LENGTH; pos++) {
      for (const ch of CODE_ALPHABET) {
        if (ch === SAMPLE[pos]) continue;
        const bad = SAMPLE.slice(0, pos) + ch + SAMPLE.slice(pos + 1);
        expect(parseCode(bad)).toEqual({ ok: false, reason: 'check' });
        tried++;
      }
    }
    expect(tried).toBe(15 * 30);
  });

  test('every adjacent transposition is caught (and any other swap of unequal symbols)', () => {
    const swap = (s: string, i: number, j: number): string => {
      const a = [...s];
      [a[i], a[j]] = [a[j]!, a[i]!];
      return a.join('');
    };
    for (let i = 0; i + 1 < CODE_LENGTH; i++) {
      if (SAMPLE[i] === SAMPLE[i + 1]) continue;
      expect(parseCode(swap(SAMPLE, i, i + 1))).toEqual({ ok: false, reason: 'check' });
    }
    for (let i = 0; i < CODE_LENGTH; i++) {
      for (let j = i + 1; j < CODE_LENGTH; j++) {
        if (SAMPLE[i] === SAMPLE[j]) continue;
        expect(parseCode(swap(SAMPLE, i, j))).toEqual({ ok: false, reason: 'check' });
      }
    }
  });

  test('tolerates case, spaces and dashes', () => {
    const variants = [
      SAMPLE.toLowerCase(),
      formatCode(SAMPLE).toLowerCase(),
      ` ${formatCode(SAMPLE)} `,
      'k7mq2 xw9pt rc4hz',
      'K7MQ2 - XW9PT - RC4HZ',
      'K7MQ2\u2013XW9PT\u2013RC4HZ', // en dash, as copied from some viewers
      'K7MQ2\tXW9PT\nRC4HZ',
      'K-7-M-Q-2-X-W-9-P-T-R-C-4-H-Z',
    ];
    for (const v of variants) expect(parseCode(v)).toEqual({ ok: true, code: SAMPLE });
  });

  test('look-alikes and other characters are refused, never guessed', () => {
    // Replace the first symbol by each refused character.
    for (const ch of ['0', 'O', 'o', '1', 'I', 'i', 'L', 'l', '_', '.', 'É', 'ß', 'Ｋ', '😀']) {
      expect(parseCode(ch + SAMPLE.slice(1))).toEqual({ ok: false, reason: 'character' });
    }
  });

  test('wrong length', () => {
    expect(parseCode('')).toEqual({ ok: false, reason: 'length' });
    expect(parseCode('  - -  ')).toEqual({ ok: false, reason: 'length' });
    expect(parseCode(SAMPLE.slice(0, 14))).toEqual({ ok: false, reason: 'length' });
    expect(parseCode(SAMPLE + '2')).toEqual({ ok: false, reason: 'length' });
    expect(parseCode(SAMPLE.repeat(10))).toEqual({ ok: false, reason: 'length' });
    expect(parseCode(undefined as unknown as string)).toEqual({ ok: false, reason: 'length' });
  });

  test('formatCode refuses what parseCode refuses', () => {
    expect(() => formatCode('K7MQ2XW9PTRC4H2')).toThrow(InvalidCodeError);
    expect(() => formatCode('short')).toThrow(InvalidCodeError);
  });

  test('checkSymbol refuses a malformed payload', () => {
    expect(() => checkSymbol('ABC')).toThrow(TypeError);
    expect(() => checkSymbol('0BCDEFGHJKMNPQ')).toThrow(TypeError);
  });

  test('1000 generated codes are distinct, valid and use the whole alphabet', () => {
    const codes = Array.from({ length: 1000 }, () => generateCode());
    expect(new Set(codes).size).toBe(1000);
    for (const c of codes) expect(parseCode(c)).toEqual({ ok: true, code: c });
    // 14,000 random symbols: each of the 31 should appear about 452 times. A symbol missing
    // or wildly over-represented means the generator is broken (chance of a false alarm with
    // these bounds is far below 1e-9).
    const counts = new Map<string, number>();
    for (const c of codes) for (const ch of c.slice(0, 14)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    expect(counts.size).toBe(31);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(300);
      expect(n).toBeLessThan(620);
    }
  });
});
