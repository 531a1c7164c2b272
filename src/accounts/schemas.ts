// One schema per form. Messages are translation keys, shown beside the field.
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './passwords';
import { ROLES } from './types';
import { hasNothingVisible } from '../certificates/text-runs';

// A name as it should appear on a certificate: any script, combining marks kept as typed (NFC only
// composes what Unicode says is the same text), no control characters.
export const displayName = z
  .string()
  .transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' '))
  .pipe(
    z.string()
      .min(1, 'validation.nameRequired')
      .max(120, 'validation.nameTooLong')
      .refine((s) => !/[\p{Cc}\p{Cs}]/u.test(s), 'validation.nameCharacters')
      // Only spaces, invisible characters (U+200B, U+3164...) or marks with no letter: nothing to print.
      .refine((s) => !hasNothingVisible(s), 'validation.nameInvisible'),
  );

export const email = z
  .string()
  .transform((s) => s.trim().toLowerCase())
  .pipe(z.string().min(1, 'validation.emailRequired').max(320, 'validation.emailInvalid').email('validation.emailInvalid'));

export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, 'validation.passwordTooShort')
  .max(1024, 'validation.passwordTooLong');

export const registerSchema = z.object({
  displayName,
  email,
  password: newPassword,
});

export const loginSchema = z.object({
  email,
  password: z.string().min(1, 'validation.passwordRequired').max(1024, 'validation.passwordTooLong'),
});

export const addUserSchema = z.object({
  displayName,
  email,
  password: newPassword,
  role: z.enum(ROLES),
});

/**
 * The /account form: the name, and the email reminders checkbox. A browser sends nothing for an
 * unticked box, so the form also sends `remindersShown`; without it (a form from before the
 * checkbox, a script) the setting is left as it was. Any value of `reminders` means ticked.
 */
export const nameSchema = z.object({
  displayName,
  reminders: z.unknown().optional(),
  remindersShown: z.unknown().optional(),
});

export type RegisterInput = z.infer<typeof registerSchema>;
