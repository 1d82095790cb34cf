/** The token in an `Authorization: Bearer <token>` header, or undefined when the header is absent or not that. */
export function bearerToken(header: string | undefined): string | undefined {
  return header ? /^Bearer\s+(\S+)$/i.exec(header)?.[1] : undefined;
}
