// HarfBuzz (harfbuzzjs, the reference OpenType shaper, compiled to WebAssembly) as a command for
// harfbuzz.test.ts: harfbuzzjs is an ES module with top-level await, which jest's CommonJS
// runtime cannot load, so the test runs this with node and talks JSON.
// stdin: [{ font: <path of a TTF>, text, direction: 'ltr' | 'rtl' }, ...]
// stdout: for each, the glyphs in visual order as [glyph id, x advance, x offset, y offset]
// in font units (HarfBuzz's default scale is the font's units per em).
import fs from 'node:fs';
import * as hb from 'harfbuzzjs';

const runs = JSON.parse(fs.readFileSync(0, 'utf8'));
const fonts = new Map();
const shaped = runs.map(({ font, text, direction }) => {
  if (!fonts.has(font)) fonts.set(font, new hb.Font(new hb.Face(new hb.Blob(fs.readFileSync(font)), 0)));
  const buffer = new hb.Buffer();
  buffer.addText(text);
  buffer.setDirection(direction === 'rtl' ? hb.Direction.RTL : hb.Direction.LTR);
  // Script and language are guessed from the text, as a shaping engine given a run does.
  buffer.guessSegmentProperties();
  hb.shape(fonts.get(font), buffer);
  return buffer.getGlyphInfosAndPositions().map((g) => [g.codepoint, g.xAdvance, g.xOffset, g.yOffset]);
});
process.stdout.write(JSON.stringify({ version: hb.versionString(), shaped }));
