/**
 * An establishment extract refused as a whole: its message says where and why (a missing column, a quote never
 * closed, bytes that are not the encoding it claims), and nothing of it is imported.
 */
export class RegisterRefusedError extends Error {
  override name = 'RegisterRefusedError';
}
