'use strict';
// Seed 004 (flat JSON, /ws?token=) event by event, with the npm `ws` client
// against the real server.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const keys = (o) => Object.keys(o).sort();

let server;
test.before(async () => { server = await startServer({ args: ['--typing-timeout-ms', '600'] }); });
test.after(async () => { await server.stop(); });

async function connect(user) {
  const s = await JsonSocket.open(`${server.wsBase}/ws?token=${user.token}`);
  const hello = await s.next('connection_established');
  return { s, hello };
}

async function general(token) {
  const r = await api(server, 'GET', '/api/v1/channels', token);
  return r.body.channels.find((c) => c.name === 'general');
}

test('connection_established carries the user and an ISO timestamp', async () => {
  const a = await register(server);
  const { s, hello } = await connect(a);
  assert.deepEqual(keys(hello), ['timestamp', 'type', 'user_id', 'username']);
  assert.equal(hello.user_id, a.user.id);
  assert.equal(hello.username, a.username);
  assert.match(hello.timestamp, ISO_MS);
  await s.close();
});

test('a client is auto-joined to its channels and gets new_message posted over REST with the seed fields', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(a.token);
  const { s: sa } = await connect(a);
  const { s: sb } = await connect(b);
  const posted = await api(server, 'POST', '/api/v1/messages/', a.token, { channel_id: ch.id, content: 'Hello everyone!' });
  assert.equal(posted.status, 201);
  for (const s of [sa, sb]) {
    const m = await s.next((x) => x.type === 'new_message' && x.data.id === posted.body.id);
    assert.deepEqual(keys(m), ['data', 'seq', 'timestamp', 'type']);
    assert.ok(Number.isInteger(m.seq) && m.seq > 0, `seq ${m.seq}`); // the channel's sequence (resume)
    for (const k of ['id', 'content', 'channelId', 'userId', 'createdAt', 'updatedAt', 'user']) assert.ok(k in m.data, k);
    assert.equal(m.data.content, 'Hello everyone!');
    assert.equal(m.data.channelId, ch.id);
    assert.equal(m.data.userId, a.user.id);
    assert.match(m.data.createdAt, ISO_MS);
    assert.deepEqual(m.data.user, { id: a.user.id, username: a.username, email: `${a.username}@example.test` });
  }
  await sa.close(); await sb.close();
});

test('send_message over the socket is acknowledged after commit and broadcast to the other member', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(a.token);
  const { s: sa } = await connect(a);
  const { s: sb } = await connect(b);
  sa.send({ type: 'send_message', channel_id: ch.id, content: 'over the socket', client_id: 'tmp-1' });
  const ack = await sa.next('message_sent');
  assert.equal(ack.client_id, 'tmp-1');
  assert.equal(ack.data.content, 'over the socket');
  const got = await sb.next((m) => m.type === 'new_message' && m.data.id === ack.data.id);
  assert.equal(got.data.userId, a.user.id);
  const history = await api(server, 'GET', `/api/v1/channels/${ch.id}/messages`, b.token);
  assert.ok(history.body.messages.some((m) => m.id === ack.data.id), 'acknowledged message is stored');
  await sa.close(); await sb.close();
});

test('join_channel, leave_channel and ping answer in the seed shapes', async () => {
  const a = await register(server);
  const ch = await general(a.token);
  const { s } = await connect(a);
  s.send({ type: 'join_channel', channel_id: ch.id });
  const joined = await s.next('channel_joined');
  assert.deepEqual(keys(joined), ['channel_id', 'seq', 'timestamp', 'type']);
  assert.equal(joined.channel_id, ch.id);
  assert.ok(Number.isInteger(joined.seq) && joined.seq >= 0, `seq ${joined.seq}`);
  s.send({ type: 'ping' });
  const pong = await s.next('pong');
  assert.deepEqual(keys(pong), ['timestamp', 'type']);
  s.send({ type: 'leave_channel', channel_id: ch.id });
  const left = await s.next('channel_left');
  assert.equal(left.channel_id, ch.id);
  // After leaving, messages of that channel no longer arrive.
  await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'not for the leaver' });
  assert.ok(await s.noneAfter('new_message'));
  await s.close();
});

test('get_online_users lists the channel members that are connected', async () => {
  const a = await register(server), b = await register(server), c = await register(server);
  const created = await api(server, 'POST', '/api/v1/channels', a.token, { name: `online-${Date.now()}`, type: 'public' });
  await api(server, 'POST', `/api/v1/channels/${created.body.id}/members`, a.token, { user_id: b.user.id });
  await api(server, 'POST', `/api/v1/channels/${created.body.id}/members`, a.token, { user_id: c.user.id });
  const { s: sa } = await connect(a);
  const { s: sb } = await connect(b);
  // b's presence has reached a's node (on a cluster it comes from another node).
  await sa.next((m) => m.type === 'user_status' && m.user_id === b.user.id && m.status === 'online');
  sa.send({ type: 'get_online_users', channel_id: created.body.id });
  const list = await sa.next('online_users');
  assert.deepEqual(keys(list), ['channel_id', 'timestamp', 'type', 'users']);
  assert.equal(list.channel_id, created.body.id);
  assert.deepEqual([...list.users].sort(), [a.user.id, b.user.id].sort()); // c is offline
  await sa.close(); await sb.close();
});

test('message_reaction is broadcast for add and remove with the reactor', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(a.token);
  const { s: sa } = await connect(a);
  const posted = await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'react to me' });
  const add = await api(server, 'POST', '/api/v1/messages/reactions', b.token, { message_id: posted.body.id, emoji: '👍' });
  assert.equal(add.status, 201);
  const r1 = await sa.next((m) => m.type === 'message_reaction' && m.data.action === 'add' && m.message_id === posted.body.id);
  assert.deepEqual(r1.data, { emoji: '👍', user_id: b.user.id, username: b.username, action: 'add' });
  assert.match(r1.timestamp, ISO_MS);
  const del = await api(server, 'DELETE', '/api/v1/messages/reactions', b.token, { message_id: posted.body.id, emoji: '👍' });
  assert.equal(del.status, 204);
  const r2 = await sa.next((m) => m.type === 'message_reaction' && m.data.action === 'remove');
  assert.equal(r2.message_id, posted.body.id);
  assert.equal(r2.data.user_id, b.user.id);
  await sa.close();
});

test('typing_indicator reaches the other members, not the typist, and stops by itself', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(a.token);
  const { s: sa } = await connect(a);
  const { s: sb } = await connect(b);
  sb.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: true });
  const start = await sa.next((m) => m.type === 'typing_indicator' && m.user_id === b.user.id && m.is_typing);
  assert.deepEqual(keys(start), ['channel_id', 'is_typing', 'timestamp', 'type', 'user_id']);
  assert.equal(start.channel_id, ch.id);
  const stop = await sa.next((m) => m.type === 'typing_indicator' && m.user_id === b.user.id && !m.is_typing, 3000);
  assert.equal(stop.channel_id, ch.id);
  assert.ok(await sb.noneAfter((m) => m.type === 'typing_indicator' && m.user_id === b.user.id), 'typist does not get its own');
  // Explicit stop.
  sb.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: true });
  await sa.next((m) => m.type === 'typing_indicator' && m.user_id === b.user.id && m.is_typing);
  sb.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: false });
  await sa.next((m) => m.type === 'typing_indicator' && m.user_id === b.user.id && !m.is_typing, 400);
  // Typing also ends when the typist disconnects.
  sb.send({ type: 'typing_indicator', channel_id: ch.id, is_typing: true });
  await sa.next((m) => m.type === 'typing_indicator' && m.user_id === b.user.id && m.is_typing);
  await sb.close();
  await sa.next((m) => m.type === 'typing_indicator' && m.user_id === b.user.id && !m.is_typing, 400);
  await sa.close();
});

test('user_status goes online on the first connection and offline after the last', async () => {
  const a = await register(server), b = await register(server);
  const { s: sa } = await connect(a);
  const { s: sb1 } = await connect(b);
  const on = await sa.next((m) => m.type === 'user_status' && m.user_id === b.user.id);
  assert.equal(on.status, 'online');
  assert.deepEqual(keys(on), ['status', 'timestamp', 'type', 'user_id']);
  const { s: sb2 } = await connect(b);
  await sb1.close();
  // A timed wait on purpose: the server's handling of sb1's close has no
  // observable on another connection to order a barrier after.
  assert.ok(await sa.none((m) => m.type === 'user_status' && m.user_id === b.user.id, 300), 'still online on the second device');
  await sb2.close();
  const off = await sa.next((m) => m.type === 'user_status' && m.user_id === b.user.id);
  assert.equal(off.status, 'offline');
  await sa.close();
});

test('user_joined and user_left follow membership changes made over REST', async () => {
  const a = await register(server), b = await register(server);
  const created = await api(server, 'POST', '/api/v1/channels', a.token, { name: `team-${Date.now()}`, type: 'private' });
  const { s: sa } = await connect(a);
  const { s: sb } = await connect(b);
  await api(server, 'POST', `/api/v1/channels/${created.body.id}/members`, a.token, { user_id: b.user.id });
  for (const s of [sa, sb]) {
    const j = await s.next((m) => m.type === 'user_joined' && m.channel_id === created.body.id);
    assert.deepEqual(keys(j), ['channel_id', 'seq', 'timestamp', 'type', 'user_id']);
    assert.equal(j.user_id, b.user.id);
    assert.ok(Number.isInteger(j.seq) && j.seq > 0, `seq ${j.seq}`);
  }
  // b now follows the new channel without joining it explicitly.
  await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: created.body.id, content: 'welcome' });
  await sb.next((m) => m.type === 'new_message' && m.data.channelId === created.body.id);
  const del = await api(server, 'DELETE', `/api/v1/channels/${created.body.id}/members/${b.user.id}`, a.token);
  assert.equal(del.status, 204);
  const left = await sa.next((m) => m.type === 'user_left' && m.channel_id === created.body.id);
  assert.equal(left.user_id, b.user.id);
  await sb.next((m) => m.type === 'user_left' && m.channel_id === created.body.id);
  await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: created.body.id, content: 'after removal' });
  assert.ok(await sb.noneAfter((m) => m.type === 'new_message' && m.data.channelId === created.body.id));
  await sa.close(); await sb.close();
});

test('mention_notification goes to the mentioned user only', async () => {
  const a = await register(server), b = await register(server), c = await register(server);
  const ch = await general(a.token);
  const { s: sb } = await connect(b);
  const { s: sc } = await connect(c);
  const posted = await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: `Hey @${b.username}, check this out!` });
  const n = await sb.next('mention_notification');
  assert.deepEqual(keys(n), ['data', 'timestamp', 'type']);
  assert.deepEqual(n.data, { message_id: posted.body.id, channel_id: ch.id, content: `Hey @${b.username}, check this out!`,
    from_user_id: a.user.id, from_username: a.username });
  assert.ok(await sc.noneAfter('mention_notification'));
  await sb.close(); await sc.close();
});

test('private channels are refused to non-members with access_denied and stay silent for them', async () => {
  const a = await register(server), outsider = await register(server);
  const secret = await api(server, 'POST', '/api/v1/channels', a.token, { name: `secret-${Date.now()}`, type: 'private' });
  const { s } = await connect(outsider);
  for (const msg of [{ type: 'join_channel', channel_id: secret.body.id },
    { type: 'get_online_users', channel_id: secret.body.id },
    { type: 'typing_indicator', channel_id: secret.body.id, is_typing: true },
    { type: 'send_message', channel_id: secret.body.id, content: 'let me in' }]) {
    s.send(msg);
    const err = await s.next('error');
    assert.equal(err.error_code, 'access_denied', JSON.stringify(msg));
    assert.equal(typeof err.message, 'string');
  }
  await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: secret.body.id, content: 'members only' });
  assert.ok(await s.noneAfter((m) => m.type === 'new_message' && m.data.channelId === secret.body.id));
  const join = await api(server, 'POST', `/api/v1/channels/${secret.body.id}/join`, outsider.token);
  assert.equal(join.status, 403);
  const history = await api(server, 'GET', `/api/v1/channels/${secret.body.id}/messages`, outsider.token);
  assert.equal(history.status, 403);
  await s.close();
});

test('edits and deletions made elsewhere reach the socket as message_updated and message_deleted', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(a.token);
  const { s: sb } = await connect(b);
  const posted = await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'v1' });
  const edited = await api(server, 'PATCH', `/api/v1/messages/${posted.body.id}`, a.token, { content: 'v2' });
  assert.equal(edited.status, 200);
  const upd = await sb.next((m) => m.type === 'message_updated' && m.data.id === posted.body.id);
  assert.equal(upd.data.content, 'v2');
  assert.notEqual(upd.data.updatedAt, upd.data.createdAt);
  const del = await api(server, 'DELETE', `/api/v1/messages/${posted.body.id}`, a.token);
  assert.equal(del.status, 204);
  const gone = await sb.next((m) => m.type === 'message_deleted' && m.message_id === posted.body.id);
  assert.equal(gone.channel_id, ch.id);
  await sb.close();
});

test('socket extensions: edit, delete, react, mark read, set status and sync', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(a.token);
  const { s: sa } = await connect(a);
  const { s: sb } = await connect(b);
  sa.send({ type: 'send_message', channel_id: ch.id, content: 'first', client_id: 'x' });
  const first = (await sa.next('message_sent')).data;
  sa.send({ type: 'edit_message', message_id: first.id, content: 'first (edited)' });
  assert.equal((await sb.next((m) => m.type === 'message_updated' && m.data.id === first.id)).data.content, 'first (edited)');
  sb.send({ type: 'add_reaction', message_id: first.id, emoji: '🎉' });
  assert.equal((await sa.next((m) => m.type === 'message_reaction' && m.data.emoji === '🎉')).data.action, 'add');
  sb.send({ type: 'remove_reaction', message_id: first.id, emoji: '🎉' });
  assert.equal((await sa.next((m) => m.type === 'message_reaction' && m.data.emoji === '🎉' && m.data.action === 'remove')).data.user_id, b.user.id);
  sb.send({ type: 'mark_read', message_id: first.id });
  const read = await sa.next('message_read');
  assert.equal(read.user_id, b.user.id);
  sb.send({ type: 'set_status', status: 'away' });
  assert.equal((await sa.next((m) => m.type === 'user_status' && m.user_id === b.user.id && m.status !== 'online')).status, 'away');
  sa.send({ type: 'send_message', channel_id: ch.id, content: 'second', client_id: 'y' });
  const second = (await sa.next('message_sent')).data;
  sb.send({ type: 'sync_messages', channel_id: ch.id, after_message_id: first.id });
  const synced = await sb.next('messages_synced');
  assert.deepEqual(synced.messages.map((m) => m.id), [second.id]);
  sa.send({ type: 'delete_message', message_id: first.id });
  await sb.next((m) => m.type === 'message_deleted' && m.message_id === first.id);
  await sa.close(); await sb.close();
});

test('thread replies bump the parent and are announced with thread_updated', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(a.token);
  const { s: sb } = await connect(b);
  const parent = await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'parent' });
  const reply = await api(server, 'POST', '/api/v1/messages', b.token, { channel_id: ch.id, content: 'reply', thread_id: parent.body.id });
  assert.equal(reply.status, 201);
  assert.equal(reply.body.thread_id, parent.body.id);
  const upd = await sb.next((m) => m.type === 'thread_updated' && m.message_id === parent.body.id);
  assert.equal(upd.reply_count, 1);
  const nm = await sb.next((m) => m.type === 'new_message' && m.data.id === reply.body.id);
  assert.equal(nm.data.threadId, parent.body.id);
  await sb.close();
});
