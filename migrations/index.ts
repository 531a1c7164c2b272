// Every migration, by name. A landed migration is never edited: add a new file and list it here.
import type { Knex } from 'knex';
import * as initial from './20261123110000_initial_schema';
import * as mediaAndReflections from './20261123120000_media_and_reflections';
import * as certificateLifecycle from './20261123123000_certificate_lifecycle';
import * as authoring from './20261123130000_authoring';

export const migrations: Record<string, Knex.Migration> = {
  '20261123110000_initial_schema': initial,
  '20261123120000_media_and_reflections': mediaAndReflections,
  '20261123123000_certificate_lifecycle': certificateLifecycle,
  '20261123130000_authoring': authoring,
};
