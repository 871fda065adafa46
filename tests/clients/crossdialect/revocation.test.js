'use strict';
// Token revocation in every dialect, with the official clients: POST
// /api/v1/auth/logout and the admin's disable_user close every open connection
// that authenticated with the revoked token, each with its dialect's own auth
// error (docs/server.md#token-revocation); the old token is refused afterwards,
// also after a restart, while another token of the same user keeps working.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, signToken, JsonSocket } = require('../lib/server.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');

const ADMIN_TOKEN = 'revocation-admin-token-0123456789';
let server, workspaceId, general;
// Every client opened here, closed in test.after even when a test failed half-way
// (phoenix.js and Socket.IO reconnect forever and would keep the run alive).
const opened = [];

test.before(async () => {
  server = await startServer({ args: ['--admin-token', ADMIN_TOKEN] });
  const probe = await register(server);
  workspaceId = (await api(server, 'GET', '/api/v1/workspaces', probe.token)).body.workspaces.find((w) => w.is_default).id;
  general = (await api(server, 'GET', '/api/v1/channels', probe.token)).body.channels.find((c) => c.name === 'general').id;
});

test.after(async () => {
  for (const close of opened) { try { close(); } catch (_) { /* already closed */ } }
  if (server) await server.stop();
});

async function login(username) {
  const r = await api(server, 'POST', '/api/v1/auth/login', null, { username, password: 'password123' });
  assert.equal(r.status, 200, r.text);
  return r.body.access_token;
}

// A phoenix.js socket joined to the general channel; records its first close code.
async function phoenixClient(token, transport) {
  const opts = transport ? { transport } : {};
  const socket = await phx.connect(server, token, opts);
  opened.push(() => socket.disconnect());
  socket.firstClose = new Promise((resolve) => socket.onClose((e) => resolve(e && e.code)));
  socket.refused = new Promise((resolve) => socket.onError((e) => resolve(e)));
  const j = await phx.join(socket, `channel:${general}`);
  assert.equal(j.status, 'ok');
  return { socket, inbox: j.inbox };
}

// A Socket.IO client of one namespace and transport; the disconnect reason is recorded.
async function sioClient(token, nsp, transports) {
  const socket = sio.connect(server, { token, nsp, transports, client: { reconnection: false } });
  opened.push(() => socket.close());
  socket.serverGone = new Promise((resolve) => socket.once('disconnect', resolve));
  await sio.connected(socket);
  return socket;
}

// One open connection per dialect and transport, all with `token`.
async function openAll(token) {
  const c = {};
  c.phoenix = await phoenixClient(token);
  c.longpoll = await phoenixClient(token, phx.LongPoll);
  c.root = await sioClient(token, '/', ['websocket']);
  c.rootPolling = await sioClient(token, '/', ['polling']);
  c.chat = await sioClient(token, '/chat', ['websocket']);
  c.chatPolling = await sioClient(token, '/chat', ['polling']);
  c.flat = await JsonSocket.open(`${server.wsBase}/ws?token=${token}`);
  await c.flat.next('connection_established');
  c.wsjson = await JsonSocket.open(`${server.wsBase}/ws/${workspaceId}?token=${token}`);
  await c.wsjson.settle();
  return c;
}

// Every connection of openAll() was closed with its dialect's auth error.
async function assertAllClosed(c, { wsjsonCode, wsjsonClose }) {
  for (const name of ['phoenix', 'longpoll']) {
    const err = await c[name].inbox.next('phx_error');
    assert.equal(err.reason, 'unauthorized', `${name} phx_error`);
    // phoenix.js reconnects; the server refuses the revoked token (403 -> onError).
    await c[name].socket.refused;
    await phx.disconnect(c[name].socket);
  }
  assert.equal(await c.phoenix.socket.firstClose, 1008);

  for (const name of ['root', 'rootPolling', 'chat', 'chatPolling']) {
    const err = await sio.next(c[name], 'error');
    assert.equal(err.code, 'unauthorized', `${name} error event`);
    if (name.startsWith('chat')) assert.equal(err.type, 'authentication', `${name} error type`);
    assert.equal(await c[name].serverGone, 'io server disconnect', `${name} disconnect`);
    c[name].close();
  }

  const flatError = await c.flat.next('error');
  assert.equal(flatError.error_code, 'unauthorized');
  assert.equal((await c.flat.closed).code, 1008);

  const wsError = await c.wsjson.next('error');
  assert.equal(wsError.data.code, wsjsonCode);
  const closed = await c.wsjson.closed;
  assert.equal(closed.code, wsjsonClose);
  assert.equal(closed.reason, wsjsonCode);
}

// A new connection with `token` is refused in every dialect, with its own error.
async function assertRefusedEverywhere(token, { wsjsonCode, wsjsonClose } = { wsjsonCode: 'INVALID_TOKEN', wsjsonClose: 4001 }) {
  assert.equal((await api(server, 'GET', '/api/v1/users/me', token)).status, 401);

  await assert.rejects(JsonSocket.open(`${server.wsBase}/ws?token=${token}`), (e) => e.statusCode === 401);
  await assert.rejects(JsonSocket.open(`${server.wsBase}/socket/websocket?token=${token}&vsn=2.0.0`),
    (e) => e.statusCode === 403);
  const lp = await fetch(`${server.base}/socket/longpoll?token=${token}&vsn=2.0.0`);
  assert.deepEqual(await lp.json(), { status: 403 });

  const ws = await JsonSocket.open(`${server.wsBase}/ws/${workspaceId}?token=${token}`);
  assert.equal((await ws.next('error')).data.code, wsjsonCode);
  assert.equal((await ws.closed).code, wsjsonClose);

  for (const nsp of ['/', '/chat']) {
    const s = sio.connect(server, { token, nsp, client: { reconnection: false } });
    const err = await sio.connectError(s);
    assert.equal(err.message, 'Authentication failed');
    assert.equal(err.data.code, 'unauthorized');
    s.close();
  }
}

test('logout revokes the presented token: its connections close with each dialect\'s auth error, other tokens stay', async () => {
  const alice = await register(server);
  const other = await login(alice.username); // a second login of the same user
  assert.notEqual(other, alice.token);

  const c = await openAll(alice.token);
  const survivor = await JsonSocket.open(`${server.wsBase}/ws?token=${other}`);
  await survivor.next('connection_established');

  const out = await api(server, 'POST', '/api/v1/auth/logout', alice.token);
  assert.equal(out.status, 204);

  await assertAllClosed(c, { wsjsonCode: 'INVALID_TOKEN', wsjsonClose: 4001 });
  // The other token's connection is untouched: a round trip still works on it.
  await survivor.settle();
  assert.ok(!survivor.queue.some((m) => m.type === 'error'));

  await assertRefusedEverywhere(alice.token);
  const again = await api(server, 'POST', '/api/v1/auth/logout', alice.token);
  assert.equal(again.status, 401);
  assert.equal(again.body.error.code, 'unauthorized');

  // A new token works.
  const fresh = await login(alice.username);
  assert.equal((await api(server, 'GET', '/api/v1/users/me', fresh)).status, 200);
  const s = await sioClient(fresh, '/', ['websocket']);
  s.close();
  const f = await JsonSocket.open(`${server.wsBase}/ws?token=${fresh}`);
  await f.next('connection_established');
  f.ws.close();
  survivor.ws.close();

  // Revocation is persistent.
  server = await server.restart();
  assert.equal((await api(server, 'GET', '/api/v1/users/me', alice.token)).status, 401);
  await assert.rejects(JsonSocket.open(`${server.wsBase}/ws?token=${alice.token}`), (e) => e.statusCode === 401);
  assert.equal((await api(server, 'GET', '/api/v1/users/me', other)).status, 200);
});

test('logout without a valid token is a 401 in the REST error shape', async () => {
  for (const token of [null, 'not-a-jwt']) {
    const r = await api(server, 'POST', '/api/v1/auth/logout', token);
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'unauthorized');
    assert.equal(r.headers.get('www-authenticate'), 'Bearer');
  }
});

test('a token without jti (signed elsewhere) is revoked by its logout alone', async () => {
  const bob = await register(server);
  const now = Math.floor(Date.now() / 1000);
  const minted = signToken({ sub: bob.user.id, name: bob.username, iat: now, exp: now + 3600 });
  const flat = await JsonSocket.open(`${server.wsBase}/ws?token=${minted}`);
  await flat.next('connection_established');
  const mine = await JsonSocket.open(`${server.wsBase}/ws?token=${bob.token}`);
  await mine.next('connection_established');

  assert.equal((await api(server, 'POST', '/api/v1/auth/logout', minted)).status, 204);
  assert.equal((await flat.next('error')).error_code, 'unauthorized');
  assert.equal((await flat.closed).code, 1008);
  await mine.settle();
  assert.equal((await api(server, 'GET', '/api/v1/users/me', minted)).status, 401);
  assert.equal((await api(server, 'GET', '/api/v1/users/me', bob.token)).status, 200);
  mine.ws.close();
});

test('disabling a user closes all their connections with each dialect\'s auth error and refuses every token', async () => {
  const carol = await register(server);
  const second = await login(carol.username);
  const c = await openAll(carol.token);
  const flat2 = await JsonSocket.open(`${server.wsBase}/ws?token=${second}`);
  await flat2.next('connection_established');

  const admin = await JsonSocket.open(`${server.wsBase}/admin/ws?token=${ADMIN_TOKEN}`);
  admin.send({ type: 'command', id: 'd1', command: 'disable_user', user_id: carol.user.id, reason: 'account disabled' });
  const result = await admin.next((m) => m.type === 'result' && m.id === 'd1');
  assert.equal(result.ok, true, JSON.stringify(result));

  // Workspace JSON keeps its documented code for a disabled account (UNAUTHORIZED, 4003).
  await assertAllClosed(c, { wsjsonCode: 'UNAUTHORIZED', wsjsonClose: 4003 });
  assert.equal((await flat2.next('error')).error_code, 'unauthorized');
  assert.equal((await flat2.closed).code, 1008);

  // Every token of the user is refused, even one minted after the disable.
  const now = Math.floor(Date.now() / 1000);
  const minted = signToken({ sub: carol.user.id, name: carol.username, iat: now, exp: now + 3600 });
  for (const t of [carol.token, second, minted]) await assertRefusedEverywhere(t);
  const r = await api(server, 'POST', '/api/v1/auth/login', null, { username: carol.username, password: 'password123' });
  assert.equal(r.status, 401);
  admin.ws.close();

  server = await server.restart();
  assert.equal((await api(server, 'GET', '/api/v1/users/me', second)).status, 401);
});
