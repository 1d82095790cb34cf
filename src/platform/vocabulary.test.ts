/**
 * Each closed list in vocabulary.ts against the CHECK constraint the frozen migrations put on its column, read back
 * from the migrated database: a word added to one and not the other fails here, not in production.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { testDatabases } from '../../test/support/databases.js';
import * as vocabulary from './vocabulary.js';

const columns: Array<[table: string, column: string, values: readonly string[]]> = [
  ['users', 'role', vocabulary.roles],
  ['users', 'org_kind', vocabulary.orgKinds],
  ['transfer_files', 'file_type', vocabulary.fileTypes],
  ['transfer_files', 'destination_kind', vocabulary.destinationKinds],
  ['transfer_files', 'status', vocabulary.fileStatuses],
  ['repository_records', 'status', vocabulary.recordStatuses],
  ['repository_records', 'found_outcome', vocabulary.foundOutcomes],
  ['joiners', 'sex', vocabulary.sexes],
  ['joiners', 'state', vocabulary.joinerStates],
  ['joiners', 'with_la_reason', vocabulary.withLaReasons],
  ['joiners', 'match_verdict', vocabulary.matchVerdicts],
  ['ctf_requests', 'answer', vocabulary.ctfRequestAnswers],
  ['enquiries', 'state', vocabulary.enquiryStates],
  ['enquiries', 'outcome', vocabulary.enquiryOutcomes],
  ['enquiry_recipients', 'answer', vocabulary.enquiryAnswers],
  ['enquiry_matches', 'kind', vocabulary.enquiryMatchKinds],
  ['cme_cases', 'outcome', vocabulary.cmeOutcomes],
  ['cme_cases', 'source', vocabulary.cmeCaseSources],
  ['leavers', 'destination', vocabulary.leaverDestinations],
  ['leavers', 'reason', vocabulary.leaverReasons],
];

for (const database of await testDatabases()) {
  describe(`the closed lists in vocabulary.ts (${database.name})`, () => {
    it('hold exactly the values of their columns’ CHECK constraints', async () => {
      const opened = await database.open();
      try {
        const rows = await sql<{ table_name: string; definition: string }>`
          SELECT rel.relname AS table_name, pg_get_constraintdef(con.oid) AS definition
          FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid
          WHERE con.contype = 'c' AND rel.relnamespace = current_schema()::regnamespace`.execute(opened.db);
        for (const [table, column, values] of columns) {
          // Postgres shows `column IN (...)` as `(column = ANY (ARRAY['a'::text, ...]))`.
          const lists = rows.rows
            .filter((r) => r.table_name === table && new RegExp(`\\(${column} = ANY \\(ARRAY\\[`).test(r.definition))
            .map((r) => [...r.definition.matchAll(/'([^']*)'::text/g)].map((m) => m[1]));
          assert.equal(lists.length, 1, `${table}.${column} has one CHECK listing its values`);
          assert.deepEqual([...lists[0]!].sort(), [...values].sort(), `${table}.${column}`);
        }
      } finally {
        await opened.close();
      }
    });
  });
}
