// Reads a multipart/form-data upload (one file and a few small fields) into memory, with limits.
// A file over the limit is not kept: its remaining bytes are read and dropped, so the browser gets
// the answer (a 413 page) instead of a broken connection. The CSRF token of a multipart form is
// checked before this runs (src/http/csrf.ts), so nothing is read for a forged request.
import busboy from 'busboy';
import type { Request } from 'express';
import { badRequest } from './errors';

export interface Upload {
  fields: Record<string, string>;
  /** null when no file was chosen. */
  file: { name: string; bytes: Buffer } | null;
  /** True when the file was larger than maxFileBytes (and was dropped). */
  tooLarge: boolean;
}

export function readUpload(req: Request, { maxFileBytes, fileField }: { maxFileBytes: number; fileField: string }): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { files: 1, fileSize: maxFileBytes, fields: 10, fieldSize: 4096, parts: 12 } });
    } catch {
      reject(badRequest());
      return;
    }
    const fields: Record<string, string> = {};
    let file: Upload['file'] = null;
    let tooLarge = false;
    let failed = false;
    bb.on('field', (name, value) => {
      if (name !== '_csrf') fields[name] = value;
    });
    bb.on('file', (name, stream, info) => {
      // A body that ends inside a file part ("Unexpected end of form") errors the part's stream as
      // well as busboy: unheard, that error would stop the process. busboy's own error answers 400.
      stream.on('error', () => { failed = true; });
      if (name !== fileField) {
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (c: Buffer) => {
        size += c.length;
        if (!tooLarge) chunks.push(c);
      });
      stream.on('limit', () => {
        tooLarge = true;
        chunks.length = 0;
      });
      stream.on('end', () => {
        // A file input left empty still sends a part, with no name and no bytes.
        if (!tooLarge && (info.filename || size > 0)) file = { name: info.filename ?? '', bytes: Buffer.concat(chunks) };
      });
    });
    bb.on('error', () => {
      failed = true;
      req.unpipe(bb);
      req.resume();
      reject(badRequest());
    });
    bb.on('close', () => {
      if (!failed) resolve({ fields, file, tooLarge });
    });
    req.pipe(bb);
  });
}
