'use strict';
// SIGTERM mid-storm: thousands of connections, half of them closing at once,
// and the signal lands in the middle of it. The server must still exit 0, and
// every connection that was still open must get close code 1001 (going away).
// No wall-clock assertion: the test's own timeout bounds the shutdown.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execSync } = require('node:child_process');
const WebSocket = require('ws');
const { startServer, register } = require('../lib/server.js');

// Each process has its own fd limit; both ends hold one fd per connection.
const FD_LIMIT = Number(execSync('sh -c "ulimit -n"').toString().trim()) || 1024;
const N = Math.max(100, Math.min(Number(process.env.SWITCHBOARD_STORM_CONNECTIONS || 3000), FD_LIMIT - 500));
// Distinct users: each one's last connection going is a presence change
// fanned out to the workspace, the costly part of a mass close.
const USERS = Number(process.env.SWITCHBOARD_STORM_USERS || 300);

function open(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const rec = { ws, closeCode: null, closed: null };
    rec.closed = new Promise((r) => ws.on('close', (code) => { rec.closeCode = code; r(code); }));
    ws.once('message', () => resolve(rec)); // connection_established: attached to the core
    ws.once('error', reject);
  });
}

test(`SIGTERM while ${N} connections are open and half of them are closing: exit 0, the rest get 1001`, { timeout: 180000 }, async () => {
  const server = await startServer({ args: ['--max-connections-per-user', '0', '--log-level', process.env.SWITCHBOARD_STORM_LOG_LEVEL || 'error'] });
  try {
    const users = [];
    for (let i = 0; i < USERS; i += 50)
      users.push(...await Promise.all(Array.from({ length: Math.min(50, USERS - i) }, () => register(server))));
    const conns = [];
    for (let i = 0; i < N; i += 200) {
      const batch = [];
      for (let j = i; j < Math.min(N, i + 200); ++j)
        batch.push(open(`${server.wsBase}/ws?token=${users[j % users.length].token}`));
      conns.push(...await Promise.all(batch));
    }
    assert.equal(conns.length, N);

    // Every other one starts closing, all at once; the signal comes right after.
    const closing = new Set();
    conns.forEach((c, i) => { if (i % 2 === 0) { closing.add(c); c.ws.close(1000, 'bye'); } });
    server.proc.kill('SIGTERM');
    const signalledAt = Date.now();

    const exit = await server.exited;
    test.diagnostic?.(`exited ${Date.now() - signalledAt} ms after SIGTERM`);
    for (const line of (server.proc.stderrText || '').split('\n')) if (line.includes('shutdown:')) console.log(`# ${line}`);
    console.log(`# exited ${Date.now() - signalledAt} ms after SIGTERM (${N} connections, ${USERS} users)`);
    await Promise.all(conns.map((c) => c.closed));
    assert.deepEqual(exit, { code: 0, signal: null });
    assert.equal(server.sanitizerReport(), null); // sanitizer builds: the deferred detaches are clean
    const stillOpen = conns.filter((c) => !closing.has(c));
    const codes = {};
    for (const c of stillOpen) codes[c.closeCode] = (codes[c.closeCode] || 0) + 1;
    assert.deepEqual(codes, { 1001: stillOpen.length }, `close codes of the ${stillOpen.length} that were open`);
  } finally {
    await server.kill();
  }
});
