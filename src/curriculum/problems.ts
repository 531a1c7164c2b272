// Problems with a course, named by file and line. Each carries a translation key and its values,
// so the browser shows it in the reader's language; `message` is the English text, for the
// terminal and the logs.
import { createI18n } from '../i18n';
import type { Problem } from './types';

const english = createI18n().getFixedT('en');

/** The line of a problem about a whole file (a media file, a stray file, a folder): none is shown. */
export const NO_LINE = 0;

export function problemAt(
  file: string,
  line: number,
  key: string,
  params: Record<string, unknown> = {},
  severity: Problem['severity'] = 'error',
): Problem {
  return { file, line, severity, key, params, message: english(`problems.${key}`, params) };
}
