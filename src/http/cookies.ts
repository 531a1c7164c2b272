// Reading one cookie from a request's Cookie header: the session, the known-device and the
// kept-form cookies all do, with this one reader.

/** The value of one cookie in a Cookie header, percent-decoded; null when absent or malformed. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length > 1) value = value.slice(1, -1);
    try {
      return value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      return null;
    }
  }
  return null;
}
