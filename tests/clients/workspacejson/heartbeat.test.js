'use strict';
// Seed 003 heartbeats: the seed asks clients to ping every 30 s; a connection
// that sends nothing for --heartbeat-timeout-ms is closed. Also: a server
// shutdown closes workspace-JSON sockets with 1001 (docs/server.md).
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, sleep } = require('../lib/server.js');
const { defaultWorkspace, connect, envelope } = require('./helpers.js');

const TIMEOUT = 700;
let server, ws;
test.before(async () => {
  server = await startServer({ args: ['--heartbeat-timeout-ms', String(TIMEOUT)] });
  ws = await defaultWorkspace(server, (await register(server)).token);
});
test.after(async () => { await server.stop(); });

test('a connection that sends nothing for the heartbeat timeout is closed', async () => {
  const a = await register(server);
  const s = await connect(server, a, ws); // its ping was the last frame
  const since = Date.now();
  const closed = await s.closed;
  const silentFor = Date.now() - since;
  assert.equal(closed.code, 1001);
  assert.ok(silentFor >= TIMEOUT - 100, `closed after ${silentFor} ms, before the timeout`);
});

test('a client that pings within the timeout stays connected', async () => {
  const a = await register(server);
  const s = await connect(server, a, ws);
  let open = true;
  s.closed.then(() => { open = false; });
  for (let i = 0; i < 8; ++i) { // 8 x 300 ms: well past the 700 ms timeout
    await sleep(300);
    assert.ok(open, `closed after ${i * 300} ms despite pings`);
    s.send({ type: 'ping' });
    envelope(await s.next('pong'), 'pong', ws);
  }
  await s.close();
});

test('any client frame counts as a sign of life, even a bad one', async () => {
  const a = await register(server);
  const s = await connect(server, a, ws);
  let open = true;
  s.closed.then(() => { open = false; });
  for (let i = 0; i < 5; ++i) {
    await sleep(300);
    s.send('not json');
    await s.next('error');
  }
  assert.ok(open);
  await s.close();
});

test('server shutdown closes the connection with 1001 going away', async () => {
  const other = await startServer();
  const a = await register(other);
  const s = await connect(other, a, await defaultWorkspace(other, a.token));
  await other.stop();
  assert.equal((await s.closed).code, 1001);
});
