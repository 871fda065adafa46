'use strict';
// Seed 003 (workspace JSON) and seed 004 (flat JSON) clients in the same
// channel: what one does arrives at the other, each in its own format. The
// workspace-JSON dialect's only client events are ping and typing, so its
// user's other actions go through REST.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register } = require('../lib/server.js');
const { logged, defaultWorkspace, general, connect, connectFlat, envelope, nextEvent } = require('./helpers.js');

let server, ws;
test.before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  ws = await defaultWorkspace(server, (await register(server)).token);
});
test.after(async () => { await server.stop(); });

test('flat-JSON message, edit, reaction, deletion and typing arrive at a workspace-JSON client', async () => {
  const flat = await register(server), wsUser = await register(server);
  const ch = await general(server, flat.token);
  const f = await connectFlat(server, flat);
  const w = await connect(server, wsUser, ws);

  f.send({ type: 'send_message', channel_id: ch.id, content: 'from flat JSON', client_id: 'c1' });
  const ack = await f.next('message_sent');
  const id = ack.data.id;
  const m = envelope(await nextEvent(w, 'message.new', { id }), 'message.new', ws,
    ['id', 'channel_id', 'user_id', 'content', 'attachments', 'reactions', 'created_at', 'seq']);
  assert.deepEqual(logged(m), { id, channel_id: ch.id, user_id: flat.user.id, content: 'from flat JSON', attachments: [], reactions: [],
    created_at: ack.data.createdAt });

  f.send({ type: 'edit_message', message_id: id, content: 'edited in flat JSON' });
  const up = envelope(await nextEvent(w, 'message.updated', { id }), 'message.updated', ws, ['id', 'content', 'updated_at', 'seq', 'channel_id']);
  assert.equal(up.content, 'edited in flat JSON');

  f.send({ type: 'add_reaction', message_id: id, emoji: '🎉' });
  assert.deepEqual(logged(envelope(await nextEvent(w, 'reaction.added', { message_id: id }), 'reaction.added', ws)),
    { message_id: id, emoji: '🎉', user_id: flat.user.id, channel_id: ch.id });
  f.send({ type: 'remove_reaction', message_id: id, emoji: '🎉' });
  assert.deepEqual(logged((await nextEvent(w, 'reaction.removed', { message_id: id })).data), { message_id: id, emoji: '🎉', user_id: flat.user.id, channel_id: ch.id });

  f.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: true });
  assert.deepEqual(envelope(await nextEvent(w, 'typing.start', { user_id: flat.user.id }), 'typing.start', ws),
    { channel_id: ch.id, user_id: flat.user.id });
  f.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: false });
  assert.deepEqual((await nextEvent(w, 'typing.stop', { user_id: flat.user.id })).data, { channel_id: ch.id, user_id: flat.user.id });

  f.send({ type: 'delete_message', message_id: id });
  envelope(await nextEvent(w, 'message.deleted', { id }), 'message.deleted', ws, ['id', 'deleted_at', 'seq', 'channel_id']);
  await f.close(); await w.close();
});

test('workspace-JSON typing and REST actions by a workspace-JSON user arrive at a flat-JSON client', async () => {
  const flat = await register(server), wsUser = await register(server);
  const ch = await general(server, flat.token);
  const f = await connectFlat(server, flat);
  const w = await connect(server, wsUser, ws);

  w.send({ type: 'typing', channel_id: ch.id, is_typing: true });
  const t = await f.next((x) => x.type === 'typing_indicator' && x.user_id === wsUser.user.id);
  assert.equal(t.channel_id, ch.id);
  assert.equal(t.is_typing, true);
  w.send({ type: 'typing', channel_id: ch.id, is_typing: false });
  assert.equal((await f.next((x) => x.type === 'typing_indicator' && x.user_id === wsUser.user.id)).is_typing, false);

  const posted = await api(server, 'POST', '/api/v1/messages', wsUser.token, { channel_id: ch.id, content: 'from the workspace-JSON user' });
  assert.equal(posted.status, 201);
  const id = posted.body.id;
  const nm = await f.next((x) => x.type === 'new_message' && x.data.id === id);
  assert.equal(nm.data.content, 'from the workspace-JSON user');
  assert.equal(nm.data.userId, wsUser.user.id);
  assert.equal(nm.data.channelId, ch.id);
  // ... and the workspace-JSON author's own connection sees it as message.new.
  await nextEvent(w, 'message.new', { id });

  assert.equal((await api(server, 'PATCH', `/api/v1/messages/${id}`, wsUser.token, { content: 'edited over REST' })).status, 200);
  assert.equal((await f.next((x) => x.type === 'message_updated' && x.data.id === id)).data.content, 'edited over REST');

  assert.equal((await api(server, 'POST', '/api/v1/messages/reactions', wsUser.token, { message_id: id, emoji: '👍' })).status, 201);
  const r = await f.next((x) => x.type === 'message_reaction' && x.message_id === id);
  assert.equal(r.data.emoji, '👍');
  assert.equal(r.data.user_id, wsUser.user.id);
  assert.equal(r.data.action, 'add');

  assert.equal((await api(server, 'DELETE', `/api/v1/messages/${id}`, wsUser.token)).status, 204);
  assert.equal((await f.next((x) => x.type === 'message_deleted' && x.message_id === id)).channel_id, ch.id);
  await f.close(); await w.close();
});
