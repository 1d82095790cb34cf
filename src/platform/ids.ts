/**
 * Row ids are UUIDs. An id from a URL or a form is checked here before any query: one that is not a UUID is simply
 * not found, and never reaches PostgreSQL, which would refuse to compare it with a uuid column.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}
