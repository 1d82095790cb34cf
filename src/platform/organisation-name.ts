/**
 * An organisation as schools read it: its name, with the number that identifies it ("Hollins Lane Primary
 * (8232003)"); the number alone when s2s does not know the name (a school closed before the register was
 * imported, XXXXXXX). Pages use it through the `named` filter; messages built in code use it directly.
 */
export function nameWithNumber(code: string | null | undefined, name: string | null | undefined): string {
  return code ? (name ? `${name} (${code})` : code) : '';
}
