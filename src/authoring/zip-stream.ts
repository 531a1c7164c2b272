// A course folder's zip written to the response as it is made: each file loaded from the blob
// store, added and sent before the next, so memory holds one file at a time, not the course and
// its zip (a draft of large media made a 131 MB zip in memory on every download).
import type { Writable } from 'node:stream';
import { zipResponse } from '../http/zip-response';

const MTIME = new Date(2000, 0, 1, 0, 0, 0); // local time, as writeCourseZip: the same DOS fields everywhere
const TEXT = /\.(md|vtt|txt)$/i;

/**
 * Streams the zip of a course folder to `out`: every path under `slug/`, in path order, each
 * file's bytes asked of `load` only when its turn comes. Media formats are compressed already:
 * stored; text deflated. Resolves when the zip is complete or the client has gone.
 */
export async function streamCourseZip(out: Writable, slug: string, paths: string[], load: (path: string) => Promise<Buffer>): Promise<void> {
  const zip = zipResponse(out);
  for (const path of [...paths].sort()) {
    const bytes = await load(path);
    const data = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
    if (!(await zip.add(`${slug}/${path}`, data, { mtime: MTIME, deflate: TEXT.test(path) }))) return;
  }
  await zip.end();
}
