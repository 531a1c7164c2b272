// A manager's download of their staff's certificates: one zip, written to the response as it is
// made (each PDF rendered, stored and sent before the next), so memory holds one certificate at a
// time whatever the count, with an index.csv naming whose each file is. The number is capped
// (rendering takes about 10 ms a certificate): a larger selection is asked to narrow by filters.
import type { Writable } from 'node:stream';
import type { CertificateService } from '../certificates/service';
import { toRecord } from '../certificates/service';
import { CertificateInputError, type Translate } from '../certificates/pdf';
import type { CertificateRenderService } from '../certificates/render-pool';
import { formatCode } from '../certificates/codes';
import { BOM, csvLine } from './csv';
import { zipResponse } from '../http/zip-response';

/** Most certificates one download may hold, as for an administrator's bulk download. */
export const MAX_ZIP_CERTIFICATES = 2000;

/** Every entry has the same date, so the same certificates make the same zip. */
const MTIME = new Date('2000-01-01T00:00:00Z');

export interface ZipPerson {
  userId: number;
  displayName: string;
  email: string;
  unitName: string | null;
}


/**
 * Streams the zip of these certificates (ids that count for the report's cells) to `out`.
 * Resolves when the zip is complete or the client has gone.
 */
export async function writeCertificatesZip(out: Writable, o: {
  /** The certificates that count for the report's cells, and whose they are. */
  wanted: { certificateId: number; person: ZipPerson }[];
  certificates: CertificateService;
  renderer: CertificateRenderService;
  t: Translate;
  lang: string;
}): Promise<void> {
  const zip = zipResponse(out);
  const add = (name: string, data: Uint8Array): Promise<boolean> => zip.add(name, data, { mtime: MTIME });

  const wanted = new Set(o.wanted.map((w) => w.certificateId));
  const people = new Map(o.wanted.map((w) => [w.person.userId, w.person]));
  const index: string[] = [BOM + csvLine(['name', 'email', 'unit', 'course', 'code', 'file'].map((c) => o.t(`reports.zip.${c}`)))];
  const skipped: string[] = [];
  // The certificates service lists by user: a hundred people's certificates at a time.
  const userIds = [...people.keys()];
  for (let i = 0; i < userIds.length; i += 100) {
    const part = await o.certificates.listForUsers(userIds.slice(i, i + 100));
    const found = part.filter((c) => wanted.has(c.id));
    for (const c of found) {
      const person = people.get(c.userId)!;
      const file = `${c.courseSlug}/${formatCode(c.code)}.pdf`;
      let pdf: Buffer;
      try {
        // In the render pool's worker threads: a large zip does not stall other requests.
        pdf = await o.renderer.renderAsync(toRecord(c), o.lang);
      } catch (err) {
        // A name no font prints (possible for names from before that check) is left out and said.
        if (!(err instanceof CertificateInputError)) throw err;
        skipped.push(`${formatCode(c.code)}\t${c.courseSlug}`);
        continue;
      }
      if (!(await add(file, pdf))) return;
      index.push(csvLine([person.displayName, person.email, person.unitName ?? o.t('reports.noUnit'), c.courseTitle, formatCode(c.code), file]));
    }
  }
  if (!(await add('index.csv', Buffer.from(index.join(''))))) return;
  if (skipped.length && !(await add('not-included.txt', Buffer.from(`${o.t('adminCertificates.notIncluded')}\n${skipped.join('\n')}\n`)))) return;
  await zip.end();
}
