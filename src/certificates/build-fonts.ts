/**
 * Build step: convert every WOFF face that `@bcgov/bc-sans` ships, and the WOFF fallback fonts
 * (see FALLBACK_FONTS), to TTFs in `dist/fonts/` (see fonts.ts for why), and write which code
 * points each fallback covers (`coverage.json`), so that a process knows what it can print
 * without parsing a fallback it does not use. Run as
 * `node dist/src/certificates/build-fonts.js [outDir]`.
 * Writes through a temporary file and a rename, so a concurrent reader never sees half a font.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildTtf, convertedFallbacks, COVERAGE_FILE, defaultFontDir, fallbackCoverage, shippedFaces, ttfFromWoff } from './fonts';

export function buildFonts(outDir: string = defaultFontDir()): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, data: Buffer | string): void => {
    const target = path.join(outDir, name);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
    written.push(target);
  };
  for (const stem of shippedFaces()) write(`${stem}.ttf`, buildTtf(stem));
  for (const { stem, file } of convertedFallbacks()) write(`${stem}.ttf`, ttfFromWoff(file));
  // After the TTFs: the coverage is read from the converted files.
  write(COVERAGE_FILE, JSON.stringify(fallbackCoverage(outDir)));
  return written;
}

if (require.main === module) {
  const started = Date.now();
  const written = buildFonts(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  for (const file of written) {
    console.log(`fonts: wrote ${path.relative(process.cwd(), file)} (${fs.statSync(file).size} bytes)`);
  }
  console.log(`fonts: ${written.length} files in ${Date.now() - started} ms`);
}
