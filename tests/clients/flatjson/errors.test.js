'use strict';
// Flat JSON (seed 004) errors: {"type":"error", error_code, message,
// details?}, and every error sent (frames and refused handshakes) counted
// exactly once in switchboard_errors_total.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const { errorsTotal } = require('../lib/errors.js');

let server, alice, channel;
test.before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '1'] });
  alice = await register(server);
  channel = (await api(server, 'GET', '/api/v1/channels', alice.token)).body.channels.find((c) => c.name === 'general');
});
test.after(async () => { await server.stop(); });

const keys = (o) => Object.keys(o).sort();

async function open(token = alice.token) {
  const s = await JsonSocket.open(`${server.wsBase}/ws?token=${token}`);
  await s.next('connection_established');
  return s;
}

async function error(s, frame) {
  s.send(frame);
  return s.next('error');
}

test('each kind of error arrives in the documented shape', async () => {
  const s = await open();
  const bad = await error(s, '{"type":');
  assert.deepEqual(keys(bad), ['error_code', 'message', 'type']);
  assert.equal(bad.error_code, 'invalid_json');

  const missing = await error(s, { type: 'send_message', content: 'where to?' });
  assert.equal(missing.error_code, 'missing_channel_id');
  assert.equal(missing.message, 'channel_id is required');

  // A core validation error names its field in details.
  const empty = await error(s, { type: 'send_message', channel_id: channel.id, content: '' });
  assert.deepEqual(keys(empty), ['details', 'error_code', 'message', 'type']);
  assert.equal(empty.error_code, 'send_message_error');
  assert.match(empty.details, /^field: /);

  // One message a minute: the second gets rate_limited with the wait in details.
  s.send({ type: 'send_message', channel_id: channel.id, content: 'one' });
  await s.next('message_sent');
  const limited = await error(s, { type: 'send_message', channel_id: channel.id, content: 'two' });
  assert.equal(limited.error_code, 'rate_limited');
  assert.match(limited.details, /^retry_after_ms: \d+$/);
  await s.close();
});

test('switchboard_errors_total grows by exactly the number of errors sent', async () => {
  const before = await errorsTotal(server);
  // A refused handshake is an error sent too (401 in docs/api/rest.md's shape).
  await assert.rejects(JsonSocket.open(`${server.wsBase}/ws?token=not-a-token`), (e) => e.statusCode === 401);
  const s = await open();
  const frames = [
    '{"type":',
    { type: 'no_such_type' },
    { type: 'join_channel' },
    { type: 'join_channel', channel_id: '00000000-0000-0000-0000-000000000000' },
    { type: 'edit_message', message_id: '00000000-0000-0000-0000-000000000000', content: 'x' },
  ];
  for (const f of frames) await error(s, f);
  // Barrier: the pong comes after anything the server sent for those frames.
  s.send({ type: 'ping' });
  await s.next('pong');
  assert.equal(await errorsTotal(server), before + 1 + frames.length);
  assert.deepEqual(s.queue.filter((m) => m.type === 'error'), [], 'one error frame per bad frame');
  await s.close();
});
