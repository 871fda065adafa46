'use strict';
// Socket.IO errors in both namespaces: the `error` event ("/": {message, code,
// event, field?}; "/chat": the same plus seed 002's `type`) together with the
// ack {ok:false, error:{code, message, field?}}, and each failed command or
// refused CONNECT counted exactly once in switchboard_errors_total.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api } = require('../lib/server.js');
const { errorsTotal } = require('../lib/errors.js');
const { connect, next, connected, connectError } = require('./sio');

let server, alice, channelId;
test.before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  alice = await register(server);
  channelId = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general').id;
});
test.after(async () => { await server.stop(); });

const keys = (o) => Object.keys(o).sort();
const NOBODY = '00000000-0000-0000-0000-000000000000';

test('"/": an error event and an {ok:false} ack in the documented shapes', async () => {
  const s = connect(server, { token: alice.token, transports: ['websocket'] });
  await connected(s);
  const ack = await s.emitWithAck('join_channel', {});
  assert.deepEqual(ack, { ok: false, error: { code: 'validation_error', field: 'channelId', message: 'Invalid payload: channelId is required' } });
  const ev = await next(s, 'error');
  assert.deepEqual(keys(ev), ['code', 'event', 'field', 'message']);
  assert.equal(ev.event, 'join_channel');
  assert.equal(ev.message, ack.error.message);

  // Seed 001's "Failed to ..." prefix stays in front of the core's words.
  await s.emitWithAck('join_channel', { channelId });
  const edit = await s.emitWithAck('edit_message', { channelId, messageId: NOBODY, content: 'x' });
  assert.equal(edit.ok, false);
  assert.equal(edit.error.code, 'not_found');
  assert.match(edit.error.message, /^Failed to edit message: /);
  assert.equal((await next(s, 'error')).code, 'not_found');
  s.close();
});

test('"/chat": the error event carries seed 002\'s type', async () => {
  const s = connect(server, { token: alice.token, nsp: '/chat', transports: ['websocket'] });
  await connected(s);
  const ack = await s.emitWithAck('sendMessage', { roomId: channelId, content: 42 });
  assert.deepEqual(ack, { ok: false, error: { code: 'validation_error', field: 'content', message: 'content must be a string' } });
  const ev = await next(s, 'error');
  assert.deepEqual(keys(ev), ['code', 'event', 'field', 'message', 'type']);
  assert.equal(ev.type, 'validation');
  assert.equal(ev.event, 'sendMessage');
  const denied = await s.emitWithAck('joinRoom', NOBODY);
  assert.equal(denied.ok, false);
  assert.equal((await next(s, 'error')).type, 'validation'); // not found
  s.close();
});

test('switchboard_errors_total grows by exactly the number of errors, in both namespaces', async () => {
  const before = await errorsTotal(server);
  // A refused CONNECT counts once.
  const refused = connect(server, { token: 'not.a.jwt', client: { reconnection: false }, transports: ['websocket'] });
  assert.equal((await connectError(refused)).message, 'Authentication failed');
  refused.close();

  const root = connect(server, { token: alice.token, transports: ['websocket'] });
  const chat = connect(server, { token: alice.token, nsp: '/chat', transports: ['websocket'] });
  await Promise.all([connected(root), connected(chat)]);
  // Each failure is an error event plus an ack: one error.
  for (const [name, payload] of [['no_such_event', {}], ['send_message', { channelId: NOBODY, content: 'x' }], ['join_channel', 'nope']])
    assert.equal((await root.emitWithAck(name, payload)).ok, false, name);
  for (const [name, payload] of [['noSuchEvent', {}], ['joinRoom', NOBODY], ['typingIndicator', { roomId: channelId }]])
    assert.equal((await chat.emitWithAck(name, payload)).ok, false, name);
  // Barriers: a successful round trip in each namespace.
  assert.equal((await root.emitWithAck('ping', {})).ok, true);
  assert.equal((await chat.emitWithAck('heartbeat', {})).ok, true);
  assert.equal(await errorsTotal(server), before + 1 + 3 + 3);
  for (const s of [root, chat]) assert.equal(s.events.filter((e) => e.name === 'error').length, 3);
  root.close();
  chat.close();
});
