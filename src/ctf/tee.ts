/**
 * Lets the upload path parse a request body while storing it: each chunk is handed to `write` (and awaited, so a
 * slow store applies back-pressure) before the parser sees it.
 */

export async function* teeChunks(
  source: AsyncIterable<Uint8Array>,
  write: (chunk: Uint8Array) => void | Promise<void>,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    const pending = write(chunk);
    if (pending) await pending;
    yield chunk;
  }
}
