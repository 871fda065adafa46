'use strict';
// Phoenix errors: phx_reply "error" with {reason, message} (+ errors
// {field: [..]} for validation, + retry_after), the push that repeats a
// send_message failure (message_error), refused connects, and each error
// counted exactly once in switchboard_errors_total.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, JsonSocket } = require('../lib/server.js');
const { errorsTotal } = require('../lib/errors.js');
const { connect, join, reply, general, disconnect } = require('./phx.js');

let server;
test.before(async () => { server = await startServer({ args: ['--rate-messages-per-minute', '0'] }); });
test.after(async () => { await server.stop(); });

const keys = (o) => Object.keys(o).sort();
const NOBODY = '00000000-0000-0000-0000-000000000000';

async function joined() {
  const a = await register(server);
  const ch = await general(server, a.token);
  const socket = await connect(server, a.token);
  const j = await join(socket, `channel:${ch.id}`);
  assert.equal(j.status, 'ok');
  return { a, ch, socket, channel: j.channel, inbox: j.inbox };
}

test('error replies in the documented shapes', async () => {
  const { socket, channel, inbox } = await joined();
  const unknown = await reply(channel.push('fly_to_the_moon', {}));
  assert.equal(unknown.status, 'error');
  assert.deepEqual(keys(unknown.response), ['message', 'reason']);
  assert.equal(unknown.response.reason, 'unknown_event');

  const blank = await reply(channel.push('send_message', { content: '', temp_id: 't1' }));
  assert.equal(blank.status, 'error');
  assert.deepEqual(keys(blank.response), ['errors', 'message', 'reason', 'temp_id']);
  assert.equal(blank.response.reason, 'invalid');
  assert.deepEqual(await inbox.next('message_error', (x) => x.temp_id === 't1'), blank.response);

  const gone = await reply(channel.push('delete_message', { message_id: NOBODY }));
  assert.deepEqual(keys(gone.response), ['message', 'reason']);
  assert.equal(gone.response.reason, 'not_found');

  const nowhere = await join(socket, `channel:${NOBODY}`);
  assert.equal(nowhere.status, 'error');
  assert.equal(nowhere.response.reason, 'not_found');
  await disconnect(socket);
});

test('switchboard_errors_total grows by exactly the number of errors sent', async () => {
  const { socket, channel, inbox } = await joined();
  const before = await errorsTotal(server);
  // A refused connect is one error (403 before the upgrade).
  await assert.rejects(JsonSocket.open(`${server.wsBase}/socket/websocket?vsn=2.0.0&token=bad`), (e) => e.statusCode === 403);
  assert.equal((await reply(channel.push('fly_to_the_moon', {}))).status, 'error');
  // The reply and its message_error push are one error.
  assert.equal((await reply(channel.push('send_message', { content: '', temp_id: 't2' }))).status, 'error');
  await inbox.next('message_error', (x) => x.temp_id === 't2');
  assert.equal((await reply(channel.push('edit_message', { message_id: NOBODY, content: 'x' }))).status, 'error');
  assert.equal((await join(socket, `channel:${NOBODY}`)).status, 'error');
  // Barrier: a push that works, answered after everything before it.
  assert.equal((await reply(channel.push('typing_start', {}))).status, 'ok');
  assert.equal(await errorsTotal(server), before + 5);
  assert.equal(inbox.count('message_error'), 1);
  await disconnect(socket);
});
