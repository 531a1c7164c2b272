// Importing staff from a CSV file (name, email, unit): a preview that names every row's problem
// before anything is written, then a confirmation that writes everything or nothing in one
// transaction. The file is kept between the two (member_imports) and checked again on
// confirmation, since people may have joined elsewhere in between.
//
// For each row: an email with no account gets an account at once (counted in reports from now),
// a membership and a personal link to choose a password; an account in no organization gets a
// personal invitation to accept; a member of this organization is moved to the row's unit.
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { AccountService } from '../accounts/service';
import type { SessionUser } from '../accounts/types';
import { displayName as displayNameSchema, email as emailSchema } from '../accounts/schemas';
import { notFound } from '../http/errors';
import { decodeCsv, parseCsv } from './csv';
import type { InvitationService, IssuedLink, PersonToInvite } from './invitations';
import * as store from './store';
import { nameKey } from './store';
import type { Organization } from './types';
import { audit, type AuditOrigin } from '../audit/record';

/** More rows than this are refused: split the file. A preview of 5,000 rows is already long. */
export const MAX_IMPORT_ROWS = 5000;
/** The upload limit: 5,000 rows of long names and emails fit well inside it. */
export const MAX_IMPORT_BYTES = 2 * 1024 * 1024;
/** A preview not confirmed within a day is forgotten. */
const PREVIEW_TTL_MS = 24 * 60 * 60 * 1000;

/** A message for the manager: a translation key under org.import and its values. */
export interface Problem {
  key: string;
  params?: Record<string, unknown>;
}

export type RowAction = 'create' | 'invite' | 'move' | 'unchanged';

export interface PreviewRow {
  line: number;
  name: string;
  email: string;
  unit: string;
  /** What confirming does with the row; null while it has problems. */
  action: RowAction | null;
  problems: Problem[];
  /** The row's unit does not exist yet and will be made. */
  newUnit: boolean;
}

export interface Plan {
  rows: PreviewRow[];
  /** Units named in the file that the organization does not have (first spelling of each). */
  missingUnits: string[];
  createUnits: boolean;
  counts: Record<RowAction | 'problems', number>;
}

export type Checked = { ok: true; plan: Plan } | { ok: false; problem: Problem };

export interface ImportResult {
  alreadyApplied: boolean;
  counts: Record<RowAction, number>;
  unitsCreated: number;
  links: IssuedLink[];
  emailed: number;
}

const COLUMNS: Record<string, 'name' | 'email' | 'unit'> = {
  name: 'name', 'full name': 'name', 'display name': 'name',
  email: 'email', 'e-mail': 'email', 'email address': 'email',
  unit: 'unit',
};

type Columns = Partial<Record<'name' | 'email' | 'unit', number>>;

function readHeader(cells: string[]): { ok: true; columns: Columns } | { ok: false; problem: Problem } {
  const columns: Columns = {};
  const unknown: string[] = [];
  const repeated: string[] = [];
  cells.forEach((raw, i) => {
    const label = raw.trim().toLowerCase().replace(/\s+/g, ' ');
    const column = COLUMNS[label];
    if (!column) unknown.push(raw.trim() || `(${i + 1})`);
    else if (columns[column] !== undefined) repeated.push(raw.trim());
    else columns[column] = i;
  });
  if (unknown.length) return { ok: false, problem: { key: 'org.import.file.unknownHeader', params: { names: unknown.join(', '), count: unknown.length } } };
  if (repeated.length) return { ok: false, problem: { key: 'org.import.file.repeatedHeader', params: { names: repeated.join(', ') } } };
  const missing = (['name', 'email'] as const).filter((c) => columns[c] === undefined);
  if (missing.length) return { ok: false, problem: { key: 'org.import.file.missingHeader', params: { names: missing.join(', ') } } };
  return { ok: true, columns };
}

export function createImportService(deps: {
  db: Db;
  clock: Clock;
  accounts: AccountService;
  invitations: InvitationService;
  findOrganization(id: number): Promise<Organization>;
  unprintableCharacters?: (name: string) => string[];
}) {
  const { db, clock, accounts, invitations } = deps;

  /** Reads the file and checks every row against the organization as it is now (in `trx`). */
  async function check(trx: Db, org: Organization, text: string, createUnits: boolean): Promise<Checked> {
    const parsed = parseCsv(text);
    if (!parsed.ok) return { ok: false, problem: { key: 'org.import.file.unclosedQuote', params: { line: parsed.line } } };
    const [headerRecord, ...records] = parsed.records;
    if (!headerRecord) return { ok: false, problem: { key: 'org.import.file.empty' } };
    const header = readHeader(headerRecord.cells);
    if (!header.ok) return header;
    if (records.length === 0) return { ok: false, problem: { key: 'org.import.file.noRows' } };
    if (records.length > MAX_IMPORT_ROWS) return { ok: false, problem: { key: 'org.import.file.tooManyRows', params: { count: records.length, max: MAX_IMPORT_ROWS } } };
    const { columns } = header;
    const width = headerRecord.cells.length;
    const cell = (cells: string[], c: keyof Columns) => (columns[c] === undefined ? '' : (cells[columns[c]!] ?? ''));

    const rows: PreviewRow[] = records.map((r) => {
      const problems: Problem[] = [];
      // Empty cells after the last column (a trailing comma) are harmless; anything else is not.
      if (r.cells.length < width || r.cells.slice(width).some((c) => c.trim() !== '')) {
        problems.push({ key: 'org.import.problem.cells', params: { count: r.cells.length, expected: width } });
      }
      const name = displayNameSchema.safeParse(cell(r.cells, 'name'));
      const email = emailSchema.safeParse(cell(r.cells, 'email'));
      const row: PreviewRow = {
        line: r.line, name: name.success ? name.data : cell(r.cells, 'name').trim(), email: email.success ? email.data : cell(r.cells, 'email').trim(),
        unit: cell(r.cells, 'unit').normalize('NFC').trim().replace(/\s+/g, ' '), action: null, problems, newUnit: false,
      };
      if (!name.success) problems.push({ key: row.name === '' ? 'org.import.problem.nameEmpty' : 'org.import.problem.nameInvalid' });
      else {
        const bad = deps.unprintableCharacters?.(row.name) ?? [];
        if (bad.length) problems.push({ key: 'org.import.problem.nameUnprintable', params: { characters: bad.join(' ') } });
      }
      if (!email.success) problems.push({ key: row.email === '' ? 'org.import.problem.emailEmpty' : 'org.import.problem.emailInvalid', params: { email: row.email } });
      if (row.unit.length > 200) problems.push({ key: 'org.import.problem.unitTooLong' });
      return row;
    });

    const firstLine = new Map<string, number>();
    for (const row of rows) {
      if (!row.email || row.problems.some((p) => p.key.startsWith('org.import.problem.email'))) continue;
      const seen = firstLine.get(row.email);
      if (seen === undefined) firstLine.set(row.email, row.line);
      else row.problems.push({ key: 'org.import.problem.duplicate', params: { line: seen } });
    }

    const units = new Map((await store.listUnits(trx, org.id)).map((u) => [nameKey(u.name), u]));
    const missing = new Map<string, string>();
    for (const row of rows) {
      if (!row.unit || units.has(nameKey(row.unit))) continue;
      if (!missing.has(nameKey(row.unit))) missing.set(nameKey(row.unit), row.unit);
      if (createUnits) row.newUnit = true;
      else row.problems.push({ key: 'org.import.problem.unknownUnit', params: { unit: row.unit } });
    }

    const people = new Map((await accounts.findPeople({ emails: [...firstLine.keys()] }, trx)).map((p) => [p.email, p]));
    const memberships = new Map((await store.membershipsOfUsers(trx, [...people.values()].map((p) => p.id))).map((m) => [m.userId, m]));
    for (const row of rows) {
      const person = people.get(row.email);
      const membership = person ? memberships.get(person.id) : undefined;
      if (membership && membership.organizationId !== org.id) row.problems.push({ key: 'org.import.problem.otherOrganization' });
      if (row.problems.length) continue;
      if (!person) row.action = 'create';
      else if (!membership) row.action = 'invite';
      else {
        const unitId = row.unit ? units.get(nameKey(row.unit))?.id ?? null : membership.unitId;
        row.action = row.newUnit || unitId !== membership.unitId ? 'move' : 'unchanged';
      }
    }

    const counts = { create: 0, invite: 0, move: 0, unchanged: 0, problems: 0 };
    for (const row of rows) counts[row.action ?? 'problems']++;
    return { ok: true, plan: { rows, missingUnits: [...missing.values()], createUnits, counts } };
  }

  async function loadImport(org: Organization, importId: number, user: SessionUser) {
    const found = await store.findImport(db, org.id, importId, user.id);
    if (!found || found.createdAt.getTime() < clock.now().getTime() - PREVIEW_TTL_MS) throw notFound();
    return found;
  }

  return {
    /**
     * Reads an uploaded file. A file that cannot be read as a whole (another encoding, no usable
     * header, too many rows) is refused with one problem and nothing is kept; otherwise the file is
     * kept for its preview and confirmation, and its id returned.
     */
    async upload(org: Organization, file: { name: string; bytes: Buffer }, user: SessionUser): Promise<{ ok: true; importId: number } | { ok: false; problem: Problem }> {
      const decoded = decodeCsv(file.bytes);
      if (!decoded.ok) return { ok: false, problem: { key: `org.import.file.encoding.${decoded.encoding}` } };
      const checked = await check(db, org, decoded.text, false);
      if (!checked.ok) return checked;
      const now = clock.now();
      await store.deleteImportsBefore(db, new Date(now.getTime() - PREVIEW_TTL_MS));
      const importId = await store.insertImport(db, { organizationId: org.id, createdBy: user.id, fileName: file.name.slice(0, 255), content: decoded.text, now });
      return { ok: true, importId };
    },

    /** The preview of a kept file: every row with what confirming would do, or its problems. */
    async preview(org: Organization, importId: number, user: SessionUser, createUnits: boolean): Promise<{ fileName: string; applied: boolean; checked: Checked }> {
      const found = await loadImport(org, importId, user);
      return { fileName: found.fileName, applied: found.appliedAt !== null, checked: await check(db, org, found.content, createUnits) };
    },

    /**
     * Writes the whole file or nothing: checked again inside the transaction, and refused (with the
     * preview of what is wrong now) if any row has a problem. A second confirmation does nothing.
     */
    async confirm(org: Organization, importId: number, user: SessionUser, createUnits: boolean, origin?: AuditOrigin): Promise<{ ok: true; result: ImportResult } | { ok: false; checked: Checked }> {
      const found = await loadImport(org, importId, user);
      const none = { create: 0, invite: 0, move: 0, unchanged: 0 };
      if (found.appliedAt) return { ok: true, result: { alreadyApplied: true, counts: none, unitsCreated: 0, links: [], emailed: 0 } };
      return db.transaction(async (trx) => {
        const checked = await check(trx, org, found.content, createUnits);
        if (!checked.ok || checked.plan.counts.problems > 0) return { ok: false as const, checked };
        if (!(await store.markImportApplied(trx, found.id, clock.now()))) {
          return { ok: true as const, result: { alreadyApplied: true, counts: none, unitsCreated: 0, links: [], emailed: 0 } };
        }
        const { plan } = checked;
        const units = new Map((await store.listUnits(trx, org.id)).map((u) => [nameKey(u.name), u.id]));
        if (createUnits) {
          for (const name of plan.missingUnits) units.set(nameKey(name), await store.insertUnit(trx, org.id, name, clock.now()));
        }
        const unitOf = (row: PreviewRow) => (row.unit ? units.get(nameKey(row.unit)) ?? null : null);

        const created = plan.rows.filter((r) => r.action === 'create');
        const ids = await accounts.createUnclaimedUsers(trx, created.map((r) => ({ email: r.email, displayName: r.name })));
        await store.insertMemberships(trx, created.map((r) => ({ userId: ids.get(r.email)!, organizationId: org.id, unitId: unitOf(r), role: 'member' as const, joinedAt: clock.now() })));

        const invited = plan.rows.filter((r) => r.action === 'invite');
        const moved = plan.rows.filter((r) => r.action === 'move');
        const existing = new Map((await accounts.findPeople({ emails: [...invited, ...moved].map((r) => r.email) }, trx)).map((p) => [p.email, p]));
        for (const row of moved) await store.updateMembership(trx, org.id, existing.get(row.email)!.id, { unitId: unitOf(row) });

        const toInvite: PersonToInvite[] = [
          ...created.map((r) => ({ userId: ids.get(r.email)!, email: r.email, displayName: r.name, unitId: unitOf(r), role: 'member' as const })),
          ...invited.map((r) => {
            const p = existing.get(r.email)!;
            return { userId: p.id, email: p.email, displayName: p.displayName, unitId: unitOf(r), role: 'member' as const };
          }),
        ];
        const sent = await invitations.issuePersonal(trx, org, toInvite, user.id);
        const { problems: _problems, ...counts } = plan.counts;
        await audit.record(trx, { actor: user, action: 'staff.imported', target: { type: 'organization', id: org.id }, details: { importId: found.id, ...counts }, origin, at: clock.now() });
        return { ok: true as const, result: { alreadyApplied: false, counts, unitsCreated: createUnits ? plan.missingUnits.length : 0, ...sent } };
      });
    },
  };
}

export type ImportService = ReturnType<typeof createImportService>;
