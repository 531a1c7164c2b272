// The certificate renderer's errors. pdf.ts re-exports them: import them from there.

export type CertificateInputReason =
  | 'empty-name'
  | 'empty-course'
  | 'name-too-long'
  | 'text-too-long'
  | 'invalid-date'
  | 'invalid-hours'
  | 'invalid-code'
  | 'unprintable-name'
  | 'unprintable-text';

/**
 * A record the renderer refuses. Apart from 'unprintable-name', the app validates before issuing,
 * so this means a bug or bad data.
 *
 * 'unprintable-name': the learner's name has characters no certificate font can draw (emoji,
 * scripts we ship no font for, control characters; see text-runs.ts); `characters` lists them,
 * each once. Show
 * the learner something like "Your name contains characters we cannot print: 😀. Edit your name
 * or contact us." (format each with `describeCluster`, which spells invisible ones as U+XXXX).
 * 'unprintable-text': the same for the course title or a label.
 */
export class CertificateInputError extends Error {
  constructor(
    readonly reason: CertificateInputReason,
    message: string,
    readonly characters: readonly string[] = [],
  ) {
    super(message);
    this.name = 'CertificateInputError';
  }
}

/** Bad renderer settings (thrown by createCertificateRenderer, at start-up). */
export class CertificateConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CertificateConfigError';
  }
}
