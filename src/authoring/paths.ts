// The addresses of the authoring area, in one place: routes redirect to them and views link to them.
import type { Request } from 'express';
import { notFound } from '../http/errors';

const enc = encodeURIComponent;

export const authorPaths = {
  list: '/author',
  guide: '/author/guide',
  create: '/author/new',
  upload: '/author/upload',
  uploadConfirm: '/author/upload/confirm',
  course: (slug: string) => `/author/courses/${enc(slug)}`,
  file: (slug: string, file: string) => `/author/courses/${enc(slug)}/files/${enc(file)}`,
  filePreview: (slug: string, file: string) => `/author/courses/${enc(slug)}/files/${enc(file)}/preview`,
  autosave: (slug: string, file: string) => `/author/courses/${enc(slug)}/files/${enc(file)}/autosave`,
  history: (slug: string) => `/author/courses/${enc(slug)}/history`,
  save: (slug: string, id: number) => `/author/courses/${enc(slug)}/history/${id}`,
  restore: (slug: string, id: number) => `/author/courses/${enc(slug)}/history/${id}/restore`,
  previewGlossary: (slug: string, version: number | null = null) => `/author/courses/${enc(slug)}/preview-glossary${version ? `?version=${version}` : ''}`,
  modules: (slug: string) => `/author/courses/${enc(slug)}/modules`,
  move: (slug: string, key: string) => `/author/courses/${enc(slug)}/modules/${enc(key)}/move`,
  deleteModule: (slug: string, key: string) => `/author/courses/${enc(slug)}/modules/${enc(key)}/delete`,
  media: (slug: string) => `/author/courses/${enc(slug)}/media`,
  deleteMedia: (slug: string, name: string) => `/author/courses/${enc(slug)}/media/${enc(name)}/delete`,
  publish: (slug: string) => `/author/courses/${enc(slug)}/publish`,
  versions: (slug: string) => `/author/courses/${enc(slug)}/versions`,
  draftZip: (slug: string) => `/author/courses/${enc(slug)}/draft/zip`,
  versionZip: (slug: string, id: number) => `/author/courses/${enc(slug)}/versions/${id}/zip`,
  preview: (slug: string, version: number | null = null) => `/author/courses/${enc(slug)}/preview${version ? `?version=${version}` : ''}`,
  previewModule: (slug: string, key: string, version: number | null = null) =>
    `/author/courses/${enc(slug)}/preview/${enc(key)}${version ? `?version=${version}` : ''}`,
};

/** `?version=<id>`: a published version to preview or download instead of the draft. */
export function versionParam(req: Request): number | null {
  const v = req.query.version;
  if (v === undefined) return null;
  if (typeof v !== 'string' || !/^\d{1,9}$/.test(v)) throw notFound();
  return Number(v);
}
