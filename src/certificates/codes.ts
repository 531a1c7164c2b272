/**
 * Certificate verification codes.
 *
 * A code is 14 random symbols from a 31-symbol alphabet without the look-alikes 0/O/1/I/L
 * (14 * log2(31) ≈ 69 bits of randomness, from crypto.randomInt) plus one check symbol:
 * 15 symbols, stored canonical (`ABCDE23456FGHJK`) and shown as `ABCDE-23456-FGHJK`.
 *
 * Check: with v(i) the value of the symbol at position i (1-based) and weights 1..15,
 *   sum(i * v(i)) ≡ 0 (mod 31).
 * 31 is prime and every weight is non-zero and below 31, so a single substitution changes the
 * sum by i * (a - b) ≢ 0, and swapping positions i and j changes it by (i - j) * (a - b) ≢ 0:
 * every single-symbol substitution and every transposition (adjacent or not) is caught.
 */
import { randomInt } from 'node:crypto';

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const BASE = CODE_ALPHABET.length; // 31, prime
export const CODE_RANDOM_SYMBOLS = 14;
export const CODE_LENGTH = CODE_RANDOM_SYMBOLS + 1;
/** Group size for display. */
const GROUP = 5;
/** Inputs longer than this are refused before any other work (a pasted page, not a code). */
const MAX_INPUT_LENGTH = 64;

const VALUE = new Map<string, number>([...CODE_ALPHABET].map((ch, i) => [ch, i]));

/** Modular inverse by Fermat: a^(p-2) mod p. */
function inverse(a: number): number {
  let result = 1;
  let base = a % BASE;
  let exp = BASE - 2;
  while (exp > 0) {
    if (exp & 1) result = (result * base) % BASE;
    base = (base * base) % BASE;
    exp >>= 1;
  }
  return result;
}
const INVERSE_OF_LAST_WEIGHT = inverse(CODE_LENGTH); // 15^-1 mod 31 = 29

function weightedSum(symbols: string): number {
  let sum = 0;
  for (let i = 0; i < symbols.length; i++) {
    sum = (sum + (i + 1) * (VALUE.get(symbols[i]!) as number)) % BASE;
  }
  return sum;
}

/** The check symbol for 14 payload symbols (all from CODE_ALPHABET). */
export function checkSymbol(payload: string): string {
  if (payload.length !== CODE_RANDOM_SYMBOLS || ![...payload].every((ch) => VALUE.has(ch))) {
    throw new TypeError(`checkSymbol: expected ${CODE_RANDOM_SYMBOLS} symbols from the code alphabet`);
  }
  // 15 * v ≡ -sum  (mod 31)  =>  v = -sum * 15^-1
  const v = (((BASE - weightedSum(payload)) % BASE) * INVERSE_OF_LAST_WEIGHT) % BASE;
  return CODE_ALPHABET[v]!;
}

/** A new random code, canonical: 15 uppercase symbols, no dashes. */
export function generateCode(): string {
  let payload = '';
  for (let i = 0; i < CODE_RANDOM_SYMBOLS; i++) payload += CODE_ALPHABET[randomInt(BASE)];
  return payload + checkSymbol(payload);
}

export type ParseCodeResult =
  | { ok: true; code: string }
  | { ok: false; reason: 'length' | 'character' | 'check' };

/**
 * Read a code as a person typed or pasted it: case, spaces and dashes (including the Unicode
 * hyphens and minus a PDF viewer may copy) are ignored. Letters are only upper-cased, never
 * guessed: o/O, i/I, l/L are not in the alphabet and give 'character', as does any other symbol.
 * 'length' when there are not exactly 15 symbols, 'check' when the check symbol does not match.
 */
export function parseCode(input: string): ParseCodeResult {
  if (typeof input !== 'string' || input.length > MAX_INPUT_LENGTH) return { ok: false, reason: 'length' };
  const stripped = input
    .replace(/[\s\-\u2010-\u2015\u2212]+/g, '')
    .replace(/[a-z]/g, (ch) => ch.toUpperCase());
  if (stripped.length === 0) return { ok: false, reason: 'length' };
  for (const ch of stripped) {
    if (!VALUE.has(ch)) return { ok: false, reason: 'character' };
  }
  if (stripped.length !== CODE_LENGTH) return { ok: false, reason: 'length' };
  if (weightedSum(stripped) !== 0) return { ok: false, reason: 'check' };
  return { ok: true, code: stripped };
}

export class InvalidCodeError extends Error {
  constructor(readonly reason: 'length' | 'character' | 'check') {
    super(`invalid certificate code (${reason})`);
    this.name = 'InvalidCodeError';
  }
}

/** `XXXXX-XXXXX-XXXXX`. Accepts anything parseCode accepts; throws InvalidCodeError otherwise. */
export function formatCode(code: string): string {
  const parsed = parseCode(code);
  if (!parsed.ok) throw new InvalidCodeError(parsed.reason);
  const groups: string[] = [];
  for (let i = 0; i < CODE_LENGTH; i += GROUP) groups.push(parsed.code.slice(i, i + GROUP));
  return groups.join('-');
}
