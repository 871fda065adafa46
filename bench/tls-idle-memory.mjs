#!/usr/bin/env node
// Server memory per idle WebSocket, plain (ws://) against TLS (wss://).
// Starts a fresh switchboard-server for each mode (a plain and a TLS listener,
// a throwaway self-signed certificate), opens N flat-JSON WebSockets (/ws) that
// stay idle, and reports (RSS after - RSS before) / N from /proc/PID/status,
// each read after a settle pause. Usage:
//   node bench/tls-idle-memory.mjs [N=2000] [path/to/switchboard-server]
// The ws package comes from tests/clients (npm ci there first).
import { createRequire } from 'node:module';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const WebSocket = require(path.join(root, 'tests/clients/node_modules/ws'));
const N = Number(process.argv[2] || 2000);
const binary = process.argv[3] || path.join(root, 'build/bin/switchboard-server');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const rssKb = (pid) => Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);

async function run(mode) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-tls-mem-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`,
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1'], { stdio: 'ignore' });
  const port = await freePort(), tlsPort = await freePort();
  const proc = spawn(binary, ['--listen', `127.0.0.1:${port}`, '--tls-listen', `127.0.0.1:${tlsPort}`,
    '--tls-cert', `${dir}/cert.pem`, '--tls-key', `${dir}/key.pem`, '--data-dir', dir, '--jwt-secret', 'x'.repeat(32),
    '--fast-password-hashing', 'true', '--max-connections-per-user', '0', '--log-level', 'warning'], { stdio: 'ignore' });
  for (let i = 0; i < 200; ++i) {
    try { if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) break; } catch (_) { /* not yet */ }
    await sleep(50);
  }
  const r = await fetch(`http://127.0.0.1:${port}/api/v1/auth/register`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'mem', password: 'password123', email: 'mem@example.test' }) });
  const token = (await r.json()).access_token;
  const url = mode === 'tls' ? `wss://127.0.0.1:${tlsPort}/ws?token=${token}` : `ws://127.0.0.1:${port}/ws?token=${token}`;
  const ca = fs.readFileSync(`${dir}/cert.pem`);
  // One warm-up connection, so first-use allocations (TLS context, buffers) are in the baseline.
  const open = () => new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { ca, perMessageDeflate: false });
    ws.on('message', (d) => { if (String(d).includes('connection_established')) resolve(ws); });
    ws.on('error', reject);
  });
  const warm = await open();
  await sleep(2000);
  const before = rssKb(proc.pid);
  const sockets = [];
  for (let i = 0; i < N; i += 100) sockets.push(...await Promise.all(Array.from({ length: Math.min(100, N - i) }, open)));
  await sleep(3000);
  const after = rssKb(proc.pid);
  for (const s of sockets) s.terminate();
  warm.terminate();
  proc.kill('SIGTERM');
  await new Promise((r) => proc.on('exit', r));
  fs.rmSync(dir, { recursive: true, force: true });
  return { mode, n: N, beforeKb: before, afterKb: after, perConnKb: (after - before) / N };
}

for (const mode of ['plain', 'tls']) {
  const m = await run(mode);
  console.log(`${m.mode}: ${m.n} idle /ws connections, RSS ${(m.beforeKb / 1024).toFixed(1)} -> ${(m.afterKb / 1024).toFixed(1)} MB, ${m.perConnKb.toFixed(1)} KB per connection`);
}
