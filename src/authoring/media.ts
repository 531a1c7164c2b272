// Media files of a draft: upload (checked by name, type, content and size) and delete.
import path from 'node:path';
import type { SessionUser } from '../accounts/types';
import { MEDIA_TYPES } from '../curriculum/parse';
import * as store from './store';
import type { AuthoringContext } from './context';
import { keepCurrent, recordSave } from './history';

/** A media file name the course format accepts (see MEDIA_NAME): letters, digits, dots, hyphens, underscores. */
export function safeMediaName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  const ext = path.extname(base).toLowerCase();
  const stem = base.slice(0, base.length - ext.length).normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '').slice(0, 80);
  return `${stem || 'file'}${ext.replace(/[^a-z0-9.]/g, '')}`;
}

const starts = (b: Buffer, s: string | number[], at = 0) => {
  const sig = typeof s === 'string' ? Buffer.from(s, 'latin1') : Buffer.from(s);
  return b.length >= at + sig.length && b.subarray(at, at + sig.length).equals(sig);
};

/** Does the content look like the type its name says? (A renamed .exe is not a .png.) */
export function contentMatchesType(type: string, b: Buffer): boolean {
  switch (type) {
    case 'image/png': return starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/jpeg': return starts(b, [0xff, 0xd8, 0xff]);
    case 'image/gif': return starts(b, 'GIF87a') || starts(b, 'GIF89a');
    case 'image/webp': return starts(b, 'RIFF') && starts(b, 'WEBP', 8);
    case 'video/mp4': case 'audio/mp4': return starts(b, 'ftyp', 4);
    case 'video/webm': return starts(b, [0x1a, 0x45, 0xdf, 0xa3]);
    case 'audio/mpeg': return starts(b, 'ID3') || (b.length > 1 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0);
    case 'audio/ogg': return starts(b, 'OggS');
    case 'application/pdf': return starts(b, '%PDF-');
    case 'text/vtt': return starts(b.subarray(starts(b, [0xef, 0xbb, 0xbf]) ? 3 : 0), 'WEBVTT');
    default: return false;
  }
}

/**
 * The media check both ways in share, the single-file upload and the course zip: a file whose
 * name gives a media type must hold that type (an HTML page named .png is refused). Null when
 * the content matches, or when the name gives no media type (that is the curriculum's problem to
 * report, by file). Otherwise the extension that lies.
 */
export function mismatchedMedia(name: string, bytes: Buffer): string | null {
  const ext = path.extname(name).toLowerCase();
  const type = MEDIA_TYPES[ext];
  return type && !contentMatchesType(type, bytes) ? ext : null;
}

export function mediaOperations(ctx: AuthoringContext) {
  const { db, clock, limits } = ctx;
  return {
    /** Adds (or replaces) a media file after checking its type, content and size. */
    async addMedia(slug: string, originalName: string, bytes: Buffer, user: SessionUser): Promise<{ ok: true; name: string; replaced: boolean } | { ok: false; problem: string; values: Record<string, string | number> }> {
      const course = await ctx.loadCourse(slug);
      const name = safeMediaName(originalName);
      const ext = path.extname(name).toLowerCase();
      const type = MEDIA_TYPES[ext];
      const allowed = Object.keys(MEDIA_TYPES).join(' ');
      if (!type) return { ok: false, problem: 'badType', values: { ext: ext || originalName, allowed } };
      if (bytes.length === 0) return { ok: false, problem: 'empty', values: {} };
      if (bytes.length > limits.maxMediaBytes) return { ok: false, problem: 'tooLarge', values: {} };
      if (mismatchedMedia(name, bytes)) return { ok: false, problem: 'mismatch', values: { ext } };
      const rows = await ctx.draftFiles(course.id);
      const replaced = rows.some((r) => r.path === `media/${name}`);
      if (!replaced && rows.filter((r) => r.path.startsWith('media/')).length >= limits.maxMediaFiles) {
        return { ok: false, problem: 'tooMany', values: { max: limits.maxMediaFiles } };
      }
      await ctx.writeFiles(course.id, user, new Map([[`media/${name}`, bytes]]), [], { kind: 'media' });
      return { ok: true, name, replaced };
    },

    async deleteMedia(slug: string, name: string, user: SessionUser) {
      const course = await ctx.loadCourse(slug);
      await db.transaction(async (trx) => {
        await keepCurrent(trx, course.id);
        await store.deleteDraftFiles(trx, course.id, [`media/${name}`]);
        await store.touchDraft(trx, course.id, user.id, clock.now());
        await recordSave(trx, { courseId: course.id, userId: user.id, kind: 'media', at: clock.now() });
      });
    },
  };
}
