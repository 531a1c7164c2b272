// A zip written to a response as it is made: each entry added and sent before the next, with
// backpressure, so memory holds one file at a time whatever the download's size. Used by the
// course folder download and the managers' certificates zip.
import type { Writable } from 'node:stream';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { sendChunk } from './send-chunk';

export interface ZipResponse {
  /** Adds a file (deflated when `deflate`, else stored); false once the client has gone. */
  add(name: string, data: Uint8Array, o: { mtime: Date; deflate?: boolean }): Promise<boolean>;
  /** Writes the central directory and ends the response (unless the client has gone). */
  end(): Promise<void>;
}

export function zipResponse(out: Writable): ZipResponse {
  const chunks: Uint8Array[] = [];
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else chunks.push(chunk);
  });
  const flush = async (): Promise<boolean> => {
    if (failure) throw failure;
    while (chunks.length) if (!(await sendChunk(out, chunks.shift()!))) return false;
    return true;
  };
  return {
    async add(name, data, o) {
      const entry = o.deflate ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
      entry.mtime = o.mtime;
      zip.add(entry);
      entry.push(data, true);
      return flush();
    },
    async end() {
      zip.end();
      if (await flush()) out.end();
    },
  };
}
