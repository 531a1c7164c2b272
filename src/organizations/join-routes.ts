// Joining through an invitation link, and leaving from one's account. The join page is public (a
// visitor registers or signs in and comes back to it through `next`), rate-limited per client, and
// writes nothing for a link that is expired, used up or revoked (410) or unknown (404). HTTP only.
import { Router, type Request, type Response } from 'express';
import type { SessionUser } from '../accounts/types';
import { publicAccess, requires } from '../http/guards';
import { createLimiter } from '../http/rate-limit';
import { showErrorsOnForm } from '../http/error-handler';
import type { FieldErrors } from '../http/validate';
import { authorize } from '../access/policy';
import { unusable, type JoinOffer } from './invitations';
import { canLeave } from './policy';
import { claimSchema, parseOrgForm } from './schemas';
import { keptValues, orgPaths } from './route-helpers';
import type { OrganizationRouteDeps } from './routes';

function logIn(req: Request, user: SessionUser): Promise<void> {
  // passport regenerates the session id here, so a session fixed before sign-in is worthless.
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

/** What the join page offers the person looking at it. */
type JoinChoice = 'claim' | 'signInAs' | 'register' | 'otherAccount' | 'otherOrganization' | 'alreadyMember' | 'join';

function choiceFor(offer: JoinOffer, user: SessionUser | undefined): JoinChoice {
  const { invitation, person } = offer;
  if (!user) {
    if (person) return person.claimed ? 'signInAs' : 'claim';
    return 'register';
  }
  if (invitation.userId !== null && invitation.userId !== user.id) return 'otherAccount';
  if (user.membership && user.membership.organizationId !== invitation.organizationId) return 'otherOrganization';
  if (user.membership && invitation.userId === null) return 'alreadyMember';
  return 'join';
}

export function joinRoutes({ organizations, unprintableCharacters, db, clock }: OrganizationRouteDeps): Router {
  const router = Router();
  // Tokens are 192 bits, so guessing is hopeless; the limit keeps anyone from trying at volume.
  const joinLimiter = createLimiter(db, clock, { name: 'join', windowMs: 60 * 1000, limit: 30 });

  async function showJoin(req: Request, res: Response, o: { values?: Record<string, string>; errors?: FieldErrors; status?: number } = {}) {
    const token = String(req.params.token);
    const offer = await organizations.invitations.offer(token);
    if (offer.invitation.state !== 'usable') throw unusable(offer.invitation.state);
    const choice = choiceFor(offer, req.user);
    const status = o.status ?? (choice === 'otherAccount' ? 403 : 200);
    res.page('organizations/join', {
      title: res.locals.t('join.title', { organization: offer.organization.name }), offer, choice, token, joinPath: orgPaths.join(token),
      values: o.values ?? { displayName: offer.person?.displayName ?? '' }, errors: o.errors ?? {},
    }, status);
  }

  router.get('/join/:token', publicAccess, joinLimiter, (req, res) => showJoin(req, res));

  router.post('/join/:token', requires('account:edit'), async (req, res) => {
    const { organization, alreadyMember } = await organizations.invitations.join(req.user!, String(req.params.token));
    res.page('organizations/joined', { title: res.locals.t('join.joinedTitle', { organization: organization.name }), organization, alreadyMember });
  });

  /** Someone whose account was made for them chooses a password, and is signed in. */
  router.post('/join/:token/claim', publicAccess, joinLimiter, async (req, res) => {
    const form = parseOrgForm(claimSchema, req.body);
    const values = keptValues(req.body);
    if (!form.ok) return showJoin(req, res, { values, errors: form.errors, status: 422 });
    const bad = unprintableCharacters(form.data.displayName);
    if (bad.length) return showJoin(req, res, { values, errors: { displayName: { key: 'validation.nameUnprintable', params: { characters: bad.join(' ') } } }, status: 422 });
    const user = await organizations.invitations.claim(String(req.params.token), form.data);
    await logIn(req, user);
    res.redirect(303, '/dashboard');
  });

  // ---- Leaving, from the account page ----

  async function showLeave(req: Request, res: Response, problem: string | null = null, status = 200) {
    const membership = await organizations.membershipOf(req.user!);
    res.page('organizations/leave', { title: res.locals.t('leave.title'), membership, problem, left: req.query.done === 'left', paths: orgPaths }, status);
  }

  router.get('/account/organization', requires('account:edit'), (req, res) => showLeave(req, res));

  router.post('/account/organization/leave', requires('account:edit'), async (req, res) => {
    authorize(canLeave(req.user!));
    showErrorsOnForm(res, async (err) => {
      if (err.id !== 'last_manager') return false;
      await showLeave(req, res, 'errors.last_manager.message', 409);
      return true;
    });
    await organizations.leave(req.user!);
    res.redirect(303, `${orgPaths.leave}?done=left`);
  });

  return router;
}
