/**
 * The hand-kept Kysely table types (`schema.ts`) against the database the migrations make: the same tables, the same
 * columns, and a column may be null exactly when its type says so. Read from the migrated database's
 * information_schema on PGlite and PostgreSQL, and from schema.ts through the TypeScript checker, so an alias or a
 * `ColumnType` is judged by what a query selects.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import ts from 'typescript';
import { testDatabases } from '../../test/support/databases.js';
import { projectRoot } from './web/project-root.js';

type Columns = Record<string, Record<string, 'null' | 'not null'>>;

/** Each table of `Database` in schema.ts, with whether each column's selected type admits null. */
function declaredColumns(): Columns {
  const file = path.join(projectRoot, 'src', 'platform', 'schema.ts');
  const program = ts.createProgram([file], { strict: true, noEmit: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const database = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Database',
  );
  assert.ok(database, 'schema.ts declares Database');
  const admitsNull = (type: ts.Type): boolean =>
    type.isUnion() ? type.types.some(admitsNull) : (type.flags & ts.TypeFlags.Null) !== 0;
  const tables: Columns = {};
  for (const table of checker.getTypeAtLocation(database).getProperties()) {
    const columns: Record<string, 'null' | 'not null'> = {};
    for (const column of checker.getTypeOfSymbol(table).getProperties()) {
      let type = checker.getTypeOfSymbol(column);
      // Kysely's ColumnType<Select, Insert, Update> (and Generated<T>) keeps what a query selects in `__select__`.
      const selected = type.getProperty('__select__');
      if (selected) type = checker.getTypeOfSymbol(selected);
      columns[column.name] = admitsNull(type) ? 'null' : 'not null';
    }
    tables[table.name] = columns;
  }
  return tables;
}

const declared = declaredColumns();

for (const database of await testDatabases()) {
  describe(`the table types in schema.ts (${database.name})`, () => {
    it('match the migrated database: tables, columns and which may be null', async () => {
      const opened = await database.open();
      try {
        const rows = await sql<{ table_name: string; column_name: string; is_nullable: 'YES' | 'NO' }>`
          SELECT table_name, column_name, is_nullable FROM information_schema.columns
          WHERE table_schema = current_schema() AND table_name NOT LIKE 'kysely\\_%'
          ORDER BY table_name, ordinal_position`.execute(opened.db);
        const migrated: Columns = {};
        for (const row of rows.rows) {
          migrated[row.table_name] ??= {};
          migrated[row.table_name]![row.column_name] = row.is_nullable === 'YES' ? 'null' : 'not null';
        }
        const sorted = (columns: Columns) =>
          Object.fromEntries(
            Object.keys(columns)
              .sort()
              .map((table) => [table, Object.fromEntries(Object.entries(columns[table]!).sort())]),
          );
        assert.deepEqual(sorted(declared), sorted(migrated));
      } finally {
        await opened.close();
      }
    });
  });
}
