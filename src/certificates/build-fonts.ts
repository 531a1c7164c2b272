/**
 * Build step: convert every WOFF face that `@bcgov/bc-sans` ships, and the WOFF fallback fonts
 * (see FALLBACK_FONTS), to TTFs in `dist/fonts/` (see fonts.ts for why). Run as
 * `node dist/src/certificates/build-fonts.js [outDir]`.
 * Writes through a temporary file and a rename, so a concurrent reader never sees half a font.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildTtf, convertedFallbacks, defaultFontDir, shippedFaces, ttfFromWoff } from './fonts';

export function buildFonts(outDir: string = defaultFontDir()): string[] {
  fs.mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  const write = (stem: string, ttf: Buffer): void => {
    const target = path.join(outDir, `${stem}.ttf`);
    const tmp = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, ttf);
    fs.renameSync(tmp, target);
    written.push(target);
  };
  for (const stem of shippedFaces()) write(stem, buildTtf(stem));
  for (const { stem, file } of convertedFallbacks()) write(stem, ttfFromWoff(file));
  return written;
}

if (require.main === module) {
  const started = Date.now();
  const written = buildFonts(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  for (const file of written) {
    console.log(`fonts: wrote ${path.relative(process.cwd(), file)} (${fs.statSync(file).size} bytes)`);
  }
  console.log(`fonts: ${written.length} faces in ${Date.now() - started} ms`);
}
