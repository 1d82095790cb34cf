/**
 * The ceiling for the transfers benchmark: a throwaway nginx (the Debian package, not installed by this script) on
 * loopback that reads each upload's whole body and answers 201, so the same load generator shows what the machine
 * and HTTP cost before s2s does any work.
 *
 * How the body gets read: `return 201` alone answers as soon as the headers arrive and discards the body
 * afterwards (a request whose body arrives 1.5 s late is answered in 4 ms). The mirror module instead reads the
 * whole body before the content phase (`mirror_request_body on`; the mirror subrequest goes to an internal
 * location that answers 204 without touching the network). The content phase is the static module, which refuses
 * POST to an existing file with 405; `error_page 405 =201` turns that into the 201 reply. With this config the late
 * body is answered after 1,502 ms: the reply waits for the body. Bodies up to 64 kB stay in memory.
 */

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { sleep } from './load.js';

/** nginx's version line, or undefined when it is not installed. */
export function nginxVersion(): string | undefined {
  for (const binary of ['nginx', '/usr/sbin/nginx']) {
    const result = spawnSync(binary, ['-v'], { encoding: 'utf8' });
    if (result.status === 0) return (result.stderr || result.stdout).trim();
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

async function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startNginx(prefix: string, workers: number): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  mkdirSync(join(prefix, 'logs'), { recursive: true });
  mkdirSync(join(prefix, 'html', 'api', 'v1'), { recursive: true });
  // The file exists so that the static module answers POST with 405 (not 404).
  writeFileSync(join(prefix, 'html', 'api', 'v1', 'files'), 'ceiling\n');
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(
    conf,
    `# Throwaway config written by bench/transfers/nginx.ts.
worker_processes ${workers};
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'logs', 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'body')};
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 100m;
    client_body_buffer_size 64k;
    root ${join(prefix, 'html')};
    location = /api/v1/files {
      mirror /read-body;
      mirror_request_body on;
      error_page 405 =201 @created;
    }
    location = /read-body { internal; return 204; }
    location @created {
      default_type application/json;
      return 201 '{"files":[]}';
    }
  }
}
`,
  );
  const child: ChildProcess = spawn('nginx', ['-p', prefix, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  for (let i = 0; i < 50 && !(await answers(port)); i++) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr.trim()}`);
    await sleep(100);
  }
  return {
    port,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
