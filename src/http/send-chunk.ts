// Writing a streamed response (a CSV, a zip) with backpressure: one chunk at a time, waiting for
// 'drain' when the response's buffer is full, so memory holds a chunk, not the whole download.
import type { Writable } from 'node:stream';

/** Writes `chunk`; resolves true once it may write again, false once the client has gone. */
export function sendChunk(out: Writable, chunk: Uint8Array | string): Promise<boolean> {
  if (out.destroyed || out.writableEnded) return Promise.resolve(false);
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
