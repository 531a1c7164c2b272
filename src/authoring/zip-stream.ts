// A course folder's zip written to the response as it is made: each file loaded from the blob
// store, added and sent before the next, so memory holds one file at a time, not the course and
// its zip (a draft of large media made a 131 MB zip in memory on every download).
import type { Writable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

const MTIME = new Date(2000, 0, 1, 0, 0, 0); // local time, as writeCourseZip: the same DOS fields everywhere
const TEXT = /\.(md|vtt|txt)$/i;

/** Writes a chunk, waiting for 'drain' when the response's buffer is full; false once the client is gone. */
function send(out: Writable, chunk: Uint8Array): Promise<boolean> {
  if (out.destroyed) return Promise.resolve(false);
  if (out.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    out.on('drain', onDrain);
    out.on('close', onClose);
  });
}

/**
 * Streams the zip of a course folder to `out`: every path under `slug/`, in path order, each
 * file's bytes asked of `load` only when its turn comes. Media formats are compressed already:
 * stored; text deflated. Resolves when the zip is complete or the client has gone.
 */
export async function streamCourseZip(out: Writable, slug: string, paths: string[], load: (path: string) => Promise<Buffer>): Promise<void> {
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else chunks.push(chunk);
  });
  const flush = async (): Promise<boolean> => {
    if (failure) throw failure;
    while (chunks.length) if (!(await send(out, chunks.shift()!))) return false;
    return true;
  };
  for (const path of [...paths].sort()) {
    const bytes = await load(path);
    const name = `${slug}/${path}`;
    const entry = TEXT.test(path) ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    entry.mtime = MTIME;
    zip.add(entry);
    entry.push(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), true);
    if (!(await flush())) return;
  }
  zip.end();
  if (await flush()) out.end();
}
