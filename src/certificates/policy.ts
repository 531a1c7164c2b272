// Who may do what with a certificate. Every rule names its capability; a holder's certificate is,
// to anyone without the right, indistinguishable from one that does not exist.
import type { SessionUser } from '../accounts/types';
import { holds } from '../access/holds';
import { allow, deny, hidden, type Decision } from '../access/policy';

export type CertificateAction = 'download' | 'revoke';

export function canCertificate(user: SessionUser, action: CertificateAction, certificate: { userId: number; withdrawnAt?: Date | null }): Decision {
  switch (action) {
    case 'download':
      // Withdrawn by its holder (an erased account): no PDF names them again.
      if (certificate.withdrawnAt) return hidden;
      // An administrator searching certificates uses the bulk download, not someone's own link.
      return holds(user, 'certificate:download', { ownerId: certificate.userId }) ? allow : hidden;
    case 'revoke':
      return holds(user, 'certificate:revoke') ? allow : deny();
  }
}

/** Searching and bulk download cover every certificate on the site: no record to check. */
export function canSearchCertificates(user: SessionUser): Decision {
  return holds(user, 'certificate:search') ? allow : deny();
}
