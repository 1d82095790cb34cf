/**
 * Answers a request that cannot be read as HTTP at all — headers past Node's size limit, a malformed request line or
 * header, headers that never finish arriving — before any route sees it, in the service's own error shape
 * (`{"error": {"code", "message"}}`) and plain words, then closes the connection as Node would.
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';

const answers: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    message: `The request’s headers are larger than s2s accepts (${Math.round(http.maxHeaderSize / 1024)} KB in all). Send shorter headers.`,
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'REQUEST_TIMEOUT',
    message: 'The request did not arrive in time. Send it again.',
  },
};
const notHttp = {
  status: 400,
  code: 'MALFORMED_REQUEST',
  message: 'The request is not well-formed HTTP, so it could not be read. Nothing from it was kept.',
};

export function answerUnreadableRequest(error: Error & { code?: string }, socket: Duplex): void {
  // A connection reset leaves nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = answers[error.code ?? ''] ?? notHttp;
  const body = JSON.stringify({ error: { code: answer.code, message: answer.message } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${answer.status} ${http.STATUS_CODES[answer.status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
