// SQLite statements built by knex carry their LIMIT and OFFSET as literal numbers, not as bound
// parameters. SQLite re-prepares a statement whose LIMIT is a parameter every time it runs: knex's
// `.first()` (which adds `limit ?`) made the signed-in page's session-and-user statement cost 14 us
// instead of 2.7 (in a loop, inside a transaction), and every other `.first()` paid the same way.
// Only safe integers are inlined (knex's `.limit()` and `.offset()` keep numbers, parsed); anything
// else is bound as before. PostgreSQL is untouched.
import type { Knex } from 'knex';

interface CompilerInstance {
  single: Record<string, unknown>;
}
type CompilerClass = new (client: Knex.Client, ...args: unknown[]) => CompilerInstance & {
  _getValueOrParameterFromAttribute(attribute: string, rawValue?: unknown): unknown;
};

// knex exports no compiler classes; this is the one its SQLite dialects use.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SqliteQueryCompiler = require('knex/lib/dialects/sqlite3/query/sqlite-querycompiler') as CompilerClass;

class InlineLimitQueryCompiler extends SqliteQueryCompiler {
  override _getValueOrParameterFromAttribute(attribute: string, rawValue?: unknown): unknown {
    const value = this.single[attribute];
    if ((attribute === 'limit' || attribute === 'offset') && Number.isSafeInteger(value)) return String(value);
    return super._getValueOrParameterFromAttribute(attribute, rawValue);
  }
}

/** Makes this SQLite knex instance write LIMIT and OFFSET values into its SQL. */
export function inlineSqliteLimits(db: Knex): void {
  (db.client as { queryCompiler: unknown }).queryCompiler = function queryCompiler(this: Knex.Client, ...args: unknown[]) {
    return new InlineLimitQueryCompiler(this, ...args);
  };
}
