// Problems with a course, named by file and line. Each carries a translation key and its values,
// so the browser shows it in the reader's language; `message` is the English text, for the
// terminal and the logs.
import { createI18n } from '../i18n';
import type { Problem } from './types';

const english = createI18n().getFixedT('en');

export function problemAt(
  file: string,
  line: number,
  key: string,
  params: Record<string, unknown> = {},
  severity: Problem['severity'] = 'error',
): Problem {
  return { file, line, severity, key, params, message: english(`problems.${key}`, params) };
}
