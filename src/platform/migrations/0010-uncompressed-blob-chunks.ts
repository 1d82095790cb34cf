/**
 * Sealed file bodies are encrypted, so compressing them gains nothing; stored uncompressed, a read of a few
 * kilobytes from a megabyte row fetches only the TOAST pieces it needs. Applies to rows written from now on.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTENDED`.execute(db);
}
