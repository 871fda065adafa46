'use strict';
// Seed 003 error handling: refusals (error event, then a 4xxx close), rate
// limits, and bad input that gets an error event while the connection and the
// server stay healthy.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { startServer, api, register, JsonSocket, JWT_SECRET } = require('../lib/server.js');
const { keys, defaultWorkspace, general, wsUrl, connect, envelope, nextEvent, expectRefused } = require('./helpers.js');
const { errorsTotal } = require('../lib/errors.js');

const MAX_FRAME = 1024;
let server, ws;
test.before(async () => {
  server = await startServer({
    args: ['--rate-typing-per-minute', '2', '--max-connections-per-user', '3', '--max-frame-bytes', String(MAX_FRAME),
      '--rate-messages-per-minute', '0'],
  });
  ws = await defaultWorkspace(server, (await register(server)).token);
});
test.after(async () => { await server.stop(); });

function jwt(claims, secret) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const head = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${head}.${crypto.createHmac('sha256', secret).update(head).digest('base64url')}`;
}

// The connection still answers and still receives events, and the server still serves.
async function assertHealthy(s, user) {
  s.send({ type: 'ping' });
  envelope(await s.next('pong'), 'pong', ws);
  const ch = await general(server, user.token);
  const m = await api(server, 'POST', '/api/v1/messages', user.token, { channel_id: ch.id, content: 'still here' });
  assert.equal(m.status, 201);
  await nextEvent(s, 'message.new', { id: m.body.id });
  assert.equal((await api(server, 'GET', '/healthz')).status, 200);
}

async function expectError(s, frame, code) {
  s.send(frame);
  const err = await s.next('error');
  const d = envelope(err, 'error', ws, ['message', 'code']);
  assert.equal(d.code, code, `${String(frame).slice(0, 80)}: ${d.message}`);
  assert.ok(d.message.length > 0);
  return d;
}

test('a bad or missing token gets INVALID_TOKEN and close code 4001', async () => {
  const a = await register(server);
  const now = Math.floor(Date.now() / 1000);
  await expectRefused(wsUrl(server, ws, 'not-a-jwt'), 'INVALID_TOKEN', 4001);
  await expectRefused(`${server.wsBase}/ws/${ws}`, 'INVALID_TOKEN', 4001);
  await expectRefused(wsUrl(server, ws, jwt({ sub: a.user.id, iat: now, exp: now + 600 }, 'some other secret')), 'INVALID_TOKEN', 4001);
  await expectRefused(wsUrl(server, ws, jwt({ sub: a.user.id, iat: now - 600, exp: now - 60 }, JWT_SECRET)), 'INVALID_TOKEN', 4001);
  // The error event of a refusal is in the envelope too, naming the requested workspace.
  const s = await JsonSocket.open(wsUrl(server, ws, 'not-a-jwt'));
  envelope(await s.next('error'), 'error', ws, ['message', 'code']);
  await s.closed;
  // A token signed with the server's secret for an existing user works in this dialect too.
  const minted = await connect(server, { token: jwt({ sub: a.user.id, iat: now, exp: now + 600, name: a.username }, JWT_SECRET) }, ws);
  await minted.close();
});

test('a user who is not a member of the workspace, or an unknown workspace, gets UNAUTHORIZED and 4003', async () => {
  const owner = await register(server), other = await register(server);
  const w2 = (await api(server, 'POST', '/api/v1/workspaces', owner.token, { name: 'private club' })).body.id;
  const err = await expectRefused(wsUrl(server, w2, other.token), 'UNAUTHORIZED', 4003);
  assert.equal(err.workspace_id, w2);
  await expectRefused(wsUrl(server, '00000000-0000-4000-8000-000000000000', other.token), 'UNAUTHORIZED', 4003);
  const s = await connect(server, owner, w2); // the owner is welcome
  await s.close();
});

test('too many connections for one user get RATE_LIMITED and 4029; the others stay healthy', async () => {
  const a = await register(server);
  const open = [];
  for (let i = 0; i < 3; ++i) open.push(await connect(server, a, ws));
  await expectRefused(wsUrl(server, ws, a.token), 'RATE_LIMITED', 4029);
  await assertHealthy(open[0], a);
  for (const s of open) await s.close();
});

test('too many typing starts get a RATE_LIMITED error event without closing the connection', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const s = await connect(server, a, ws);
  for (let i = 0; i < 2; ++i) {
    s.send({ type: 'typing', channel_id: ch.id, is_typing: true });
    s.send({ type: 'typing', channel_id: ch.id, is_typing: false });
  }
  const d = await expectError(s, { type: 'typing', channel_id: ch.id, is_typing: true }, 'RATE_LIMITED');
  assert.match(d.message, /retry/i);
  await assertHealthy(s, a);
  await s.close();
});

test('bad input gets an error event and the connection and the server stay healthy', async () => {
  const a = await register(server);
  const w2 = (await api(server, 'POST', '/api/v1/workspaces', a.token, { name: 'elsewhere' })).body.id;
  const elsewhere = (await api(server, 'POST', '/api/v1/channels', a.token, { name: 'far', type: 'public', workspace_id: w2 })).body;
  const owner = await register(server);
  const secret = (await api(server, 'POST', '/api/v1/channels', owner.token, { name: `hidden-${Date.now()}`, type: 'private' })).body;
  const s = await connect(server, a, ws);
  const ch = await general(server, a.token);

  await expectError(s, '{"type": "ping"', 'INVALID_JSON');
  await expectError(s, 'hello', 'INVALID_JSON');
  await expectError(s, '[1, 2, 3]', 'INVALID_JSON');
  await expectError(s, {}, 'INVALID_REQUEST');
  await expectError(s, { type: 'launch_rockets' }, 'UNKNOWN_EVENT_TYPE');
  await expectError(s, { type: 'typing', is_typing: true }, 'INVALID_REQUEST');
  await expectError(s, { type: 'typing', channel_id: 42, is_typing: true }, 'INVALID_REQUEST');
  await expectError(s, { type: 'typing', channel_id: ch.id, is_typing: 'yes' }, 'INVALID_REQUEST');
  await expectError(s, { type: 'typing', channel_id: elsewhere.id, is_typing: true }, 'NOT_FOUND');
  await expectError(s, { type: 'typing', channel_id: '00000000-0000-4000-8000-000000000000', is_typing: true }, 'NOT_FOUND');
  await expectError(s, { type: 'typing', channel_id: secret.id, is_typing: true }, 'NOT_FOUND');
  const big = await expectError(s, { type: 'typing', channel_id: ch.id, pad: 'x'.repeat(MAX_FRAME * 2) }, 'MESSAGE_TOO_LARGE');
  assert.match(big.message, new RegExp(String(MAX_FRAME)));
  s.ws.send(Buffer.from('{"type":"ping"}'), { binary: true }); // a binary frame is read as text
  await s.next('pong');
  await assertHealthy(s, a);
  await s.close();
});

test('a frame above the hard limit (1 MiB here) closes only that connection (1009)', async () => {
  const a = await register(server);
  const victim = await connect(server, a, ws), bystander = await connect(server, a, ws);
  victim.send('x'.repeat(1024 * 1024 + 1024));
  const closed = await victim.closed;
  // 1009 when the close frame reaches the client before the TCP reset of the
  // unsent rest of its 1 MiB frame, 1006 when the reset wins; either way the
  // server refused the frame and closed this socket only.
  assert.ok([1009, 1006].includes(closed.code), `closed with ${closed.code}`);
  await assertHealthy(bystander, a);
  await bystander.close();
});

test('a burst of bad frames gets one error each, and events keep arriving in order', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const s = await connect(server, b, ws);
  for (let i = 0; i < 20; ++i) s.send('{broken');
  const ids = [];
  for (let i = 0; i < 5; ++i) ids.push((await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: `n${i}` })).body.id);
  const seen = [];
  while (seen.length < 5) {
    const m = await s.next((x) => x.type === 'message.new' && ids.includes(x.data.id));
    seen.push(m.data.id);
  }
  assert.deepEqual(seen, ids);
  for (let i = 0; i < 20; ++i) assert.equal((await s.next('error')).data.code, 'INVALID_JSON');
  assert.ok(await s.noneAfter('error'), 'exactly one error per bad frame');
  await s.close();
});

test('switchboard_errors_total grows by exactly the number of error events sent, refusals included', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const before = await errorsTotal(server);
  await expectRefused(wsUrl(server, ws, 'not-a-jwt'), 'INVALID_TOKEN', 4001);
  const s = await connect(server, a, ws);
  await expectError(s, '{broken', 'INVALID_JSON');
  await expectError(s, { type: 'launch_rockets' }, 'UNKNOWN_EVENT_TYPE');
  await expectError(s, { type: 'typing', channel_id: ch.id, is_typing: 'yes' }, 'INVALID_REQUEST');
  await expectError(s, { type: 'typing', channel_id: '00000000-0000-4000-8000-000000000000', is_typing: true }, 'NOT_FOUND');
  // Barrier: the pong follows whatever the server sent for the frames before it.
  s.send({ type: 'ping' });
  await s.next('pong');
  assert.deepEqual(s.queue.filter((m) => m.type === 'error'), []);
  assert.equal(await errorsTotal(server), before + 5);
  await s.close();
});
