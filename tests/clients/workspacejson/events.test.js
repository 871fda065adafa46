'use strict';
// Seed 003 (workspace JSON, /ws/{workspace_id}?token=) event by event, with the
// npm `ws` client against the real server. Every event comes from a real
// action (REST, a flat-JSON socket command or the workspace-JSON client) and is
// checked field by field.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, sleep } = require('../lib/server.js');
const { ISO_MS, keys, logged, defaultWorkspace, general, wsUrl, connect, connectFlat, envelope, nextEvent, noEvent, expectRefused } = require('./helpers.js');

let server, ws;
test.before(async () => {
  server = await startServer({ args: ['--typing-timeout-ms', '600', '--rate-messages-per-minute', '0'] });
  const probe = await register(server);
  ws = await defaultWorkspace(server, probe.token);
});
test.after(async () => { await server.stop(); });

const MESSAGE_KEYS = ['id', 'channel_id', 'user_id', 'content', 'attachments', 'reactions', 'created_at', 'seq'];

async function post(token, body) {
  const r = await api(server, 'POST', '/api/v1/messages', token, body);
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test('ping is answered with pong in the envelope', async () => {
  const a = await register(server);
  const s = await connect(server, a, ws);
  s.send({ type: 'ping' });
  const pong = await s.next('pong');
  assert.deepEqual(envelope(pong, 'pong', ws), {});
  await s.close();
});

test('message.new reaches the author and the other members with exactly the seed fields', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const sa = await connect(server, a, ws), sb = await connect(server, b, ws);
  const m = await post(a.token, { channel_id: ch.id, content: 'Hello, world!' });
  for (const s of [sa, sb]) {
    const ev = await nextEvent(s, 'message.new', { id: m.id });
    const d = envelope(ev, 'message.new', ws, MESSAGE_KEYS);
    assert.equal(d.id, m.id);
    assert.equal(d.channel_id, ch.id);
    assert.equal(d.user_id, a.user.id);
    assert.equal(d.content, 'Hello, world!');
    assert.deepEqual(d.attachments, []);
    assert.deepEqual(d.reactions, []);
    assert.equal(d.created_at, m.created_at);
    assert.match(d.created_at, ISO_MS);
  }
  await sa.close(); await sb.close();
});

test('message.updated and message.deleted follow REST edits and deletions', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const sb = await connect(server, b, ws);
  const m = await post(a.token, { channel_id: ch.id, content: 'first draft' });
  await nextEvent(sb, 'message.new', { id: m.id });

  const edited = await api(server, 'PATCH', `/api/v1/messages/${m.id}`, a.token, { content: 'Updated content' });
  assert.equal(edited.status, 200);
  const up = envelope(await nextEvent(sb, 'message.updated', { id: m.id }), 'message.updated', ws, ['id', 'content', 'updated_at', 'seq', 'channel_id']);
  assert.equal(up.content, 'Updated content');
  assert.equal(up.updated_at, edited.body.updated_at);
  assert.match(up.updated_at, ISO_MS);

  const del = await api(server, 'DELETE', `/api/v1/messages/${m.id}`, a.token);
  assert.equal(del.status, 204);
  const gone = envelope(await nextEvent(sb, 'message.deleted', { id: m.id }), 'message.deleted', ws, ['id', 'deleted_at', 'seq', 'channel_id']);
  assert.match(gone.deleted_at, ISO_MS);
  assert.ok(Date.parse(gone.deleted_at) >= Date.parse(up.updated_at));
  await sb.close();
});

test('reaction.added and reaction.removed name the message, the emoji and the reactor', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const sa = await connect(server, a, ws);
  const m = await post(a.token, { channel_id: ch.id, content: 'react to me' });
  await nextEvent(sa, 'message.new', { id: m.id });

  assert.equal((await api(server, 'POST', '/api/v1/messages/reactions', b.token, { message_id: m.id, emoji: '👍' })).status, 201);
  const added = envelope(await nextEvent(sa, 'reaction.added', { message_id: m.id }), 'reaction.added', ws, ['message_id', 'emoji', 'user_id', 'seq', 'channel_id']);
  assert.deepEqual(logged(added), { message_id: m.id, emoji: '👍', user_id: b.user.id, channel_id: ch.id });

  assert.equal((await api(server, 'DELETE', '/api/v1/messages/reactions', b.token, { message_id: m.id, emoji: '👍' })).status, 204);
  const removed = envelope(await nextEvent(sa, 'reaction.removed', { message_id: m.id }), 'reaction.removed', ws, ['message_id', 'emoji', 'user_id', 'seq', 'channel_id']);
  assert.deepEqual(logged(removed), { message_id: m.id, emoji: '👍', user_id: b.user.id, channel_id: ch.id });
  await sa.close();
});

test('typing goes to the other members as typing.start and typing.stop, not back to the typist', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const sa = await connect(server, a, ws), sb = await connect(server, b, ws);
  sa.send({ type: 'typing', channel_id: ch.id, is_typing: true });
  const start = envelope(await nextEvent(sb, 'typing.start', { user_id: a.user.id }), 'typing.start', ws, ['channel_id', 'user_id']);
  assert.deepEqual(start, { channel_id: ch.id, user_id: a.user.id });
  sa.send({ type: 'typing', channel_id: ch.id, is_typing: false });
  const stop = envelope(await nextEvent(sb, 'typing.stop', { user_id: a.user.id }), 'typing.stop', ws, ['channel_id', 'user_id']);
  assert.deepEqual(stop, { channel_id: ch.id, user_id: a.user.id });
  assert.ok(await noEvent(sa, 'typing.start', { user_id: a.user.id }), 'the typist does not get its own typing');
  await sa.close(); await sb.close();
});

test('typing stops by itself after the typing timeout and when the typist disconnects', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const sa = await connect(server, a, ws), sb = await connect(server, b, ws);
  sa.send({ type: 'typing', channel_id: ch.id, is_typing: true });
  const started = Date.now();
  await nextEvent(sb, 'typing.start', { user_id: a.user.id });
  await nextEvent(sb, 'typing.stop', { user_id: a.user.id }, 3000);
  assert.ok(Date.now() - started >= 400, 'stopped by the 600 ms timeout, not at once');

  sa.send({ type: 'typing', channel_id: ch.id, is_typing: true });
  await nextEvent(sb, 'typing.start', { user_id: a.user.id });
  sa.ws.terminate();
  await nextEvent(sb, 'typing.stop', { user_id: a.user.id }, 2000);
  await sb.close();
});

test('presence.updated reports online, away and offline to the workspace', async () => {
  const a = await register(server), b = await register(server);
  const sa = await connect(server, a, ws);
  const sb = await connect(server, b, ws);
  const online = envelope(await nextEvent(sa, 'presence.updated', { user_id: b.user.id }), 'presence.updated', ws, ['user_id', 'status']);
  assert.deepEqual(online, { user_id: b.user.id, status: 'online' });

  // Away is set over the flat-JSON dialect: the workspace JSON one has no such client event.
  const fb = await connectFlat(server, b);
  fb.send({ type: 'set_status', status: 'away' });
  assert.deepEqual((await nextEvent(sa, 'presence.updated', { user_id: b.user.id })).data, { user_id: b.user.id, status: 'away' });

  await fb.close();
  await sb.close();
  assert.deepEqual((await nextEvent(sa, 'presence.updated', { user_id: b.user.id })).data, { user_id: b.user.id, status: 'offline' });
  await sa.close();
});

test('channel.created, channel.updated and channel.deleted follow the REST routes', async () => {
  const a = await register(server), b = await register(server);
  const sb = await connect(server, b, ws);
  const name = `news-${Date.now()}`;
  const created = await api(server, 'POST', '/api/v1/channels', a.token, { name, type: 'public', description: 'first' });
  assert.equal(created.status, 201);
  const id = created.body.id;
  const c = envelope(await nextEvent(sb, 'channel.created', { id }), 'channel.created', ws, ['id', 'name', 'type', 'created_by']);
  assert.deepEqual(c, { id, name, type: 'public', created_by: a.user.id });

  const patched = await api(server, 'PATCH', `/api/v1/channels/${id}`, a.token, { name: `${name}-2`, description: 'Updated description' });
  assert.equal(patched.status, 200);
  const u = envelope(await nextEvent(sb, 'channel.updated', { id }), 'channel.updated', ws, ['id', 'name', 'description']);
  assert.deepEqual(u, { id, name: `${name}-2`, description: 'Updated description' });

  assert.equal((await api(server, 'DELETE', `/api/v1/channels/${id}`, a.token)).status, 204);
  assert.deepEqual(envelope(await nextEvent(sb, 'channel.deleted', { id }), 'channel.deleted', ws, ['id']), { id });
  await sb.close();
});

test('member.joined and member.left follow adding, joining, removing and leaving', async () => {
  const a = await register(server), b = await register(server), c = await register(server);
  const sa = await connect(server, a, ws), sc = await connect(server, c, ws);
  const ch = (await api(server, 'POST', '/api/v1/channels', a.token, { name: `team-${Date.now()}`, type: 'public' })).body;
  await nextEvent(sa, 'member.joined', { channel_id: ch.id, user_id: a.user.id }); // the creator

  assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.id}/members`, a.token, { user_id: b.user.id })).status, 201);
  for (const s of [sa, sc]) {
    const j = envelope(await nextEvent(s, 'member.joined', { user_id: b.user.id }), 'member.joined', ws, ['channel_id', 'user_id', 'seq']);
    assert.deepEqual(logged(j), { channel_id: ch.id, user_id: b.user.id });
  }
  assert.equal((await api(server, 'DELETE', `/api/v1/channels/${ch.id}/members/${b.user.id}`, a.token)).status, 204);
  const l = envelope(await nextEvent(sa, 'member.left', { user_id: b.user.id }), 'member.left', ws, ['channel_id', 'user_id', 'seq']);
  assert.deepEqual(logged(l), { channel_id: ch.id, user_id: b.user.id });

  assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.id}/join`, c.token)).status, 200);
  assert.deepEqual(logged((await nextEvent(sa, 'member.joined', { user_id: c.user.id })).data), { channel_id: ch.id, user_id: c.user.id });
  assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.id}/leave`, c.token)).status, 204);
  assert.deepEqual(logged((await nextEvent(sa, 'member.left', { user_id: c.user.id })).data), { channel_id: ch.id, user_id: c.user.id });
  assert.deepEqual(logged((await nextEvent(sc, 'member.left', { user_id: c.user.id })).data), { channel_id: ch.id, user_id: c.user.id });
  // Having left a public channel, c can still read it, so its messages still arrive.
  const m = await post(a.token, { channel_id: ch.id, content: 'after c left' });
  await nextEvent(sc, 'message.new', { id: m.id });
  await sa.close(); await sc.close();
});

test('thread.updated carries reply_count and last_reply_at on every thread reply', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const sb = await connect(server, b, ws);
  const parent = await post(a.token, { channel_id: ch.id, content: 'thread starter' });
  for (let n = 1; n <= 2; ++n) {
    const reply = await post(b.token, { channel_id: ch.id, content: `reply ${n}`, thread_id: parent.id });
    const ev = await nextEvent(sb, 'thread.updated', { parent_message_id: parent.id, reply_count: n });
    const d = envelope(ev, 'thread.updated', ws, ['parent_message_id', 'reply_count', 'last_reply_at']);
    assert.equal(d.last_reply_at, reply.created_at);
    assert.match(d.last_reply_at, ISO_MS);
    // The reply itself is a message.new of the same shape as any other.
    assert.deepEqual(keys((await nextEvent(sb, 'message.new', { id: reply.id })).data), [...MESSAGE_KEYS].sort());
  }
  await sb.close();
});

test('a public channel created after connecting is followed, and its messages reach non-members too', async () => {
  const a = await register(server), b = await register(server);
  const sb = await connect(server, b, ws);
  const ch = (await api(server, 'POST', '/api/v1/channels', a.token, { name: `later-${Date.now()}`, type: 'public' })).body;
  await nextEvent(sb, 'channel.created', { id: ch.id });
  const m = await post(a.token, { channel_id: ch.id, content: 'for everyone who can read it' });
  assert.equal((await nextEvent(sb, 'message.new', { id: m.id })).data.channel_id, ch.id);
  // ... but typing goes to the channel's members only.
  const fa = await connectFlat(server, a);
  fa.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: true });
  assert.ok(await noEvent(sb, 'typing.start', { user_id: a.user.id }, fa), 'a non-member does not see typing');
  await fa.close(); await sb.close();
});

test('a direct conversation reaches its participants as channel.created and message.new, nobody else', async () => {
  const a = await register(server), b = await register(server), c = await register(server);
  const sb = await connect(server, b, ws), sc = await connect(server, c, ws);
  const conv = await api(server, 'POST', '/api/v1/conversations', a.token, { participant_ids: [b.user.id] });
  assert.equal(conv.status, 201);
  const created = envelope(await nextEvent(sb, 'channel.created', { id: conv.body.id }), 'channel.created', ws, ['id', 'name', 'type', 'created_by']);
  assert.equal(created.type, 'dm');
  assert.equal(created.created_by, a.user.id);
  const m = await post(a.token, { channel_id: conv.body.id, content: 'just between us' });
  assert.equal((await nextEvent(sb, 'message.new', { id: m.id })).data.content, 'just between us');
  assert.ok(await noEvent(sc, 'message.new', { id: m.id }));
  assert.ok(await noEvent(sc, 'channel.created', { id: conv.body.id }));
  await sb.close(); await sc.close();
});

test('private channel events go to its members only, following membership changes', async () => {
  const a = await register(server), b = await register(server), c = await register(server);
  const sb = await connect(server, b, ws), sc = await connect(server, c, ws);
  const ch = (await api(server, 'POST', '/api/v1/channels', a.token, { name: `secret-${Date.now()}`, type: 'private' })).body;
  const fa = await connectFlat(server, a);
  // b becomes a member; c never does.
  assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.id}/members`, a.token, { user_id: b.user.id })).status, 201);
  assert.deepEqual(logged((await nextEvent(sb, 'member.joined', { channel_id: ch.id, user_id: b.user.id })).data), { channel_id: ch.id, user_id: b.user.id });

  const m = await post(a.token, { channel_id: ch.id, content: 'members only' });
  assert.equal((await nextEvent(sb, 'message.new', { id: m.id })).data.content, 'members only');
  await api(server, 'PATCH', `/api/v1/messages/${m.id}`, a.token, { content: 'members only (edited)' });
  await nextEvent(sb, 'message.updated', { id: m.id });
  await api(server, 'POST', '/api/v1/messages/reactions', a.token, { message_id: m.id, emoji: '🔒' });
  await nextEvent(sb, 'reaction.added', { message_id: m.id });
  fa.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: true });
  await nextEvent(sb, 'typing.start', { channel_id: ch.id });
  await api(server, 'PATCH', `/api/v1/channels/${ch.id}`, a.token, { description: 'still secret' });
  await nextEvent(sb, 'channel.updated', { id: ch.id });

  // Nothing of it reached the non-member. Barrier: a message in #general,
  // which c does get, is fanned out after all of the above.
  const gen = await general(server, a.token);
  const barrier = await post(a.token, { channel_id: gen.id, content: 'barrier for c' });
  await nextEvent(sc, 'message.new', { id: barrier.id });
  assert.ok(!sc.queue.some((x) => JSON.stringify(x).includes(ch.id)), `non-member saw: ${JSON.stringify(sc.queue)}`);

  // b is removed: member.left, then nothing more from the channel.
  assert.equal((await api(server, 'DELETE', `/api/v1/channels/${ch.id}/members/${b.user.id}`, a.token)).status, 204);
  assert.deepEqual(logged((await nextEvent(sb, 'member.left', { channel_id: ch.id })).data), { channel_id: ch.id, user_id: b.user.id });
  const after = await post(a.token, { channel_id: ch.id, content: 'after b left' });
  assert.ok(await noEvent(sb, 'message.new', { id: after.id }), 'a removed member gets no more messages');
  assert.ok(await noEvent(sc, 'message.new', { id: after.id }));

  // Deleting it is seen by its members only as well.
  const sa = await connect(server, a, ws);
  assert.equal((await api(server, 'DELETE', `/api/v1/channels/${ch.id}`, a.token)).status, 204);
  await nextEvent(sa, 'channel.deleted', { id: ch.id });
  assert.ok(await noEvent(sb, 'channel.deleted', { id: ch.id }));
  assert.ok(await noEvent(sc, 'channel.deleted', { id: ch.id }));
  await fa.close(); await sa.close(); await sb.close(); await sc.close();
});

test('workspace isolation: a connection sees only its own workspace, and outsiders are refused', async () => {
  const a = await register(server), b = await register(server), outsider = await register(server);
  const w2 = await api(server, 'POST', '/api/v1/workspaces', a.token, { name: `W2-${Date.now()}` });
  assert.equal(w2.status, 201);
  const ws2 = w2.body.id;
  assert.equal((await api(server, 'POST', `/api/v1/workspaces/${ws2}/members`, a.token, { user_id: b.user.id })).status, 201);

  const bDefault = await connect(server, b, ws), bW2 = await connect(server, b, ws2);
  const ch2 = (await api(server, 'POST', '/api/v1/channels', a.token, { name: 'w2-room', type: 'public', workspace_id: ws2 })).body;
  const c = envelope(await nextEvent(bW2, 'channel.created', { id: ch2.id }), 'channel.created', ws2, ['id', 'name', 'type', 'created_by']);
  assert.equal(c.name, 'w2-room');
  const m2 = await post(a.token, { channel_id: ch2.id, content: 'in W2' });
  envelope(await nextEvent(bW2, 'message.new', { id: m2.id }), 'message.new', ws2, MESSAGE_KEYS);

  // And the default workspace's events stay on the default connection.
  const gen = await general(server, a.token);
  const m1 = await post(a.token, { channel_id: gen.id, content: 'in Default' });
  envelope(await nextEvent(bDefault, 'message.new', { id: m1.id }), 'message.new', ws, MESSAGE_KEYS);
  assert.ok(await noEvent(bW2, 'message.new', { id: m1.id }));
  assert.ok(!bDefault.queue.some((x) => JSON.stringify(x).includes(ch2.id)), 'W2 events leaked into the default workspace connection');

  // Presence: the outsider is not in W2, so W2 does not hear about them.
  const so = await connect(server, outsider, ws);
  await nextEvent(bDefault, 'presence.updated', { user_id: outsider.user.id });
  assert.ok(await noEvent(bW2, 'presence.updated', { user_id: outsider.user.id }));
  await so.close();
  await expectRefused(wsUrl(server, ws2, outsider.token), 'UNAUTHORIZED', 4003);
  await bDefault.close(); await bW2.close();
});
