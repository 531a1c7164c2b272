// A trainer's preview links glossary terms to the glossary of what is previewed (the draft, or a
// version), not to the published course's: the compiled HTML names `/courses/<slug>/glossary#term`
// (src/curriculum/render.ts), and the preview rewrites exactly that address.

/** `value` (compiled HTML, or anything holding it) with its glossary links pointing at `target`. */
export function withGlossaryAt<T>(value: T, slug: string, target: string): T {
  // The slug is a course address (lowercase letters, digits, hyphens): nothing to escape.
  const from = `href=\\"/courses/${slug}/glossary#`;
  const json = JSON.stringify(value);
  if (!json.includes(from)) return value;
  return JSON.parse(json.split(from).join(`href=\\"${target}#`)) as T;
}
