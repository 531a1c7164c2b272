// One schema per form. Messages are translation keys, shown beside the field.
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH } from './passwords';
import { ROLES } from './types';

// A name as it should appear on a certificate: any script, combining marks kept as typed (NFC only
// composes what Unicode says is the same text), no control characters.
export const displayName = z
  .string()
  .transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' '))
  .pipe(
    z.string()
      .min(1, 'validation.nameRequired')
      .max(120, 'validation.nameTooLong')
      .refine((s) => !/[\p{Cc}\p{Cs}]/u.test(s), 'validation.nameCharacters'),
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

export const nameSchema = z.object({ displayName });

export type RegisterInput = z.infer<typeof registerSchema>;
