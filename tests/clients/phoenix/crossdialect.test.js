'use strict';
// A Phoenix client and a flat-JSON (seed 004, `ws`) client in the same
// channel see each other's messages, edits, deletions, reactions and typing.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const { connect, join, reply, general, disconnect } = require('./phx.js');

let server;
test.before(async () => { server = await startServer(); });
test.after(async () => { await server.stop(); });

test('phoenix <-> flat JSON: messages, edits, deletions, reactions and typing cross over', async () => {
  const p = await register(server), f = await register(server);
  const ch = await general(server, p.token);
  const socket = await connect(server, p.token);
  const j = await join(socket, `channel:${ch.id}`);
  const flat = await JsonSocket.open(`${server.wsBase}/ws?token=${f.token}`);
  await flat.next('connection_established');

  const sent = await reply(j.channel.push('send_message', { content: 'from phoenix', temp_id: 'x1' }));
  assert.equal(sent.status, 'ok');
  const id = sent.response.message.id;
  const seen = await flat.next((m) => m.type === 'new_message' && m.data.id === id);
  assert.equal(seen.data.content, 'from phoenix');
  assert.equal(seen.data.userId, p.user.id);

  flat.send({ type: 'send_message', channel_id: ch.id, content: 'from flat json', client_id: 'c1' });
  const ack = await flat.next('message_sent');
  const nm = await j.inbox.next('new_message', (x) => x.message.id === ack.data.id);
  assert.equal(nm.message.content, 'from flat json');
  assert.equal(nm.message.user.id, f.user.id);
  assert.equal(nm.message.channel_id, ch.id);

  flat.send({ type: 'add_reaction', message_id: id, emoji: '👍' });
  const ra = await j.inbox.next('reaction_added', (x) => x.message_id === id);
  assert.equal(ra.reaction.emoji, '👍');
  assert.equal(ra.reaction.user.id, f.user.id);
  const added = await reply(j.channel.push('add_reaction', { message_id: ack.data.id, emoji: ':tada:' }));
  assert.equal(added.status, 'ok');
  await flat.next((m) => m.type === 'message_reaction' && JSON.stringify(m).includes(':tada:'));

  flat.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: true });
  const ts = await j.inbox.next('typing_start', (x) => x.user_id === f.user.id);
  assert.equal(ts.user_name, f.username);
  await reply(j.channel.push('typing_start', {}));
  await flat.next((m) => m.type === 'typing_indicator' && m.user_id === p.user.id);

  await reply(j.channel.push('edit_message', { message_id: id, content: 'edited in phoenix' }));
  const upd = await flat.next((m) => m.type === 'message_updated' && m.data.id === id);
  assert.equal(upd.data.content, 'edited in phoenix');
  flat.send({ type: 'edit_message', message_id: ack.data.id, content: 'edited in flat json' });
  const mu = await j.inbox.next('message_updated', (x) => x.message.id === ack.data.id);
  assert.equal(mu.message.content, 'edited in flat json');
  assert.equal(mu.message.is_edited, true);

  flat.send({ type: 'delete_message', message_id: ack.data.id });
  await j.inbox.next('message_deleted', (x) => x.message_id === ack.data.id);
  await reply(j.channel.push('delete_message', { message_id: id }));
  await flat.next((m) => m.type === 'message_deleted' && m.message_id === id);

  // And the REST API, the third way in.
  const viaRest = await api(server, 'POST', '/api/v1/messages', f.token, { channel_id: ch.id, content: 'from REST' });
  await j.inbox.next('new_message', (x) => x.message.id === viaRest.body.id);
  await flat.close();
  await disconnect(socket);
});
