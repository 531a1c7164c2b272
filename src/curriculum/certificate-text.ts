// What a course puts on its certificates, checked when the course is read: its title is printed
// on every certificate, so what no certificate font can print (emoji, scripts with no font,
// control characters) is an error named at the title's line (invisible characters as code
// points), before any learner earns a certificate of it.
import { describeCluster, hasNothingVisible, unprintableCharacters } from '../certificates/pdf';
import { problemAt } from './problems';
import type { Problem } from './types';

export function titleProblems(title: string, file: string, line: number): Problem[] {
  const bad = unprintableCharacters(title);
  if (bad.length) return [problemAt(file, line, 'titleUnprintable', { characters: bad.map(describeCluster).join(' ') })];
  if (hasNothingVisible(title)) return [problemAt(file, line, 'titleInvisible')];
  return [];
}

