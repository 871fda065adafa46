'use strict';
// Every client and server event of seed 000, with the official `phoenix`
// client over WebSocket against the real server, in seed 000's shapes.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register } = require('../lib/server.js');
const { connect, join, reply, general, defaultWorkspace, disconnect, sleep } = require('./phx.js');

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

let server;
test.before(async () => {
  server = await startServer({ args: ['--typing-timeout-ms', '800', '--edit-window-seconds', '2'] });
});
test.after(async () => { await server.stop(); });

// Two users, each joined to #general with their own socket.
async function pair() {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const sa = await connect(server, a.token), sb = await connect(server, b.token);
  const ja = await join(sa, `channel:${ch.id}`, { user_id: a.user.id });
  const jb = await join(sb, `channel:${ch.id}`, { user_id: b.user.id });
  assert.equal(ja.status, 'ok');
  assert.equal(jb.status, 'ok');
  const done = async () => { await disconnect(sa); await disconnect(sb); };
  return { a, b, ch, sa, sb, ca: ja.channel, cb: jb.channel, ia: ja.inbox, ib: jb.inbox, done };
}

test('join answers {channel}, then messages_loaded with recent messages and presence_state', async () => {
  const a = await register(server);
  const ch = await general(server, a.token);
  const posted = await api(server, 'POST', '/api/v1/messages', a.token, { channel_id: ch.id, content: 'before the join' });
  const s = await connect(server, a.token);
  const j = await join(s, `channel:${ch.id}`);
  assert.equal(j.status, 'ok');
  // seq: the channel's current sequence (docs/api/phoenix.md#resume); the post above is its latest event.
  assert.deepEqual(Object.keys(j.response), ['channel', 'seq']);
  assert.equal(j.response.seq, posted.body.seq);
  assert.equal(j.response.channel.id, ch.id);
  assert.equal(j.response.channel.name, 'general');
  assert.equal(j.response.channel.type, 'public');
  const loaded = await j.inbox.next('messages_loaded', () => true);
  const m = loaded.messages.find((x) => x.id === posted.body.id);
  assert.ok(m, 'recent message is loaded');
  assert.equal(m.content, 'before the join');
  assert.equal(m.user.id, a.user.id);
  assert.match(m.inserted_at, ISO_MS);
  const state = await j.inbox.next('presence_state', () => true);
  assert.ok(state[a.user.id].metas.length >= 1);
  await disconnect(s);
});

test('send_message: phx_reply ok and message_sent with temp_id; new_message (with mentions) to the others', async () => {
  const p = await pair();
  const attachments = [{ id: 'attachment_123', filename: 'image.jpg', content_type: 'image/jpeg', url: 'https://files.example/image.jpg' }];
  const r = await reply(p.ca.push('send_message', { content: `Hello @${p.b.username} 👋`, temp_id: 'temp_1', attachments }));
  assert.equal(r.status, 'ok');
  assert.equal(r.response.temp_id, 'temp_1');
  const sent = await p.ia.next('message_sent', (x) => x.temp_id === 'temp_1');
  const msg = sent.message;
  assert.equal(msg.id, r.response.message.id);
  assert.equal(msg.content, `Hello @${p.b.username} 👋`);
  assert.deepEqual(Object.keys(msg.user).sort(), ['avatar_url', 'id', 'name', 'username']);
  assert.equal(msg.user.id, p.a.user.id);
  assert.match(msg.inserted_at, ISO_MS);
  assert.equal(msg.attachments.length, 1);
  assert.equal(msg.attachments[0].filename, 'image.jpg');
  assert.equal(msg.attachments[0].content_type, 'image/jpeg');
  assert.equal(msg.attachments[0].url, 'https://files.example/image.jpg');
  assert.deepEqual(msg.reactions, []);
  const got = await p.ib.next('new_message', (x) => x.message.id === msg.id);
  assert.equal(got.message.channel_id, p.ch.id);
  assert.deepEqual(got.message.mentions, [p.b.user.id]);
  assert.equal(got.message.thread_id, null);
  assert.equal(got.message.content, msg.content);
  // The sender's own socket does not get its message twice.
  assert.ok(await p.ia.noneAfter('new_message', (x) => x.message.id === msg.id));
  await p.done();
});

test('send_message errors: phx_reply error and message_error {temp_id, errors: {field: [..]}}', async () => {
  const p = await pair();
  const r = await reply(p.ca.push('send_message', { content: '   ', temp_id: 'temp_blank' }));
  assert.equal(r.status, 'error');
  assert.deepEqual(r.response.errors, { content: ["can't be blank"] });
  const e = await p.ia.next('message_error', (x) => x.temp_id === 'temp_blank');
  assert.deepEqual(e.errors, { content: ["can't be blank"] });
  const bad = await reply(p.ca.push('send_message', { content: 42, temp_id: 'temp_num' }));
  assert.equal(bad.status, 'error');
  assert.deepEqual(bad.response.errors, { content: ['is invalid'] });
  const att = await reply(p.ca.push('send_message', { content: 'x', temp_id: 'temp_att', attachments: 'nope' }));
  assert.equal(att.status, 'error');
  assert.ok(att.response.errors.attachments);
  await p.ia.next('message_error', (x) => x.temp_id === 'temp_att');
  await p.done();
});

test('thread replies: send_message with thread_id gives thread_reply_sent, thread_reply to others; start_thread broadcasts thread_started', async () => {
  const p = await pair();
  const parent = await reply(p.ca.push('send_message', { content: 'a thread starts here', temp_id: 't0' }));
  const parentId = parent.response.message.id;
  const st = await reply(p.cb.push('start_thread', { message_id: parentId }));
  assert.equal(st.status, 'ok');
  assert.deepEqual(st.response.thread, { id: parentId, message_count: 0, participants: [], last_reply_at: null });
  for (const inbox of [p.ia, p.ib]) {
    const started = await inbox.next('thread_started', (x) => x.message_id === parentId);
    assert.equal(started.thread.id, parentId);
    assert.equal(started.thread.message_count, 0);
  }
  const r = await reply(p.cb.push('send_message', { content: 'Great point! I agree.', thread_id: parentId, temp_id: 'temp_987' }));
  assert.equal(r.status, 'ok');
  const ack = await p.ib.next('thread_reply_sent', (x) => x.temp_id === 'temp_987');
  assert.equal(ack.reply.thread_id, parentId);
  assert.equal(ack.reply.content, 'Great point! I agree.');
  assert.match(ack.reply.inserted_at, ISO_MS);
  const tr = await p.ia.next('thread_reply', (x) => x.reply.id === ack.reply.id);
  assert.equal(tr.thread_id, parentId);
  assert.deepEqual(tr.reply.user, { id: p.b.user.id, name: p.b.username });
  // A thread reply is not a new channel message.
  assert.ok(await p.ia.noneAfter('new_message', (x) => x.message.id === ack.reply.id));
  const upd = await p.ia.next('thread_updated', (x) => x.message_id === parentId && x.thread.message_count === 1);
  assert.deepEqual(upd.thread.participants, [p.b.user.id]);
  const bad = await reply(p.ca.push('start_thread', { message_id: 'no-such-message' }));
  assert.equal(bad.status, 'error');
  assert.equal(bad.response.reason, 'not_found');
  await p.done();
});

test('edit_message: message_edited to the author, message_updated to all; only the author; edit_error after the time limit', async () => {
  const p = await pair();
  const sent = await reply(p.ca.push('send_message', { content: 'first version', temp_id: 'e1' }));
  const id = sent.response.message.id;
  const r = await reply(p.ca.push('edit_message', { message_id: id, content: 'Updated message content' }));
  assert.equal(r.status, 'ok');
  const edited = await p.ia.next('message_edited', (x) => x.message.id === id);
  assert.equal(edited.message.content, 'Updated message content');
  assert.equal(edited.message.is_edited, true);
  assert.match(edited.message.edited_at, ISO_MS);
  for (const inbox of [p.ia, p.ib]) {
    const u = await inbox.next('message_updated', (x) => x.message.id === id);
    assert.equal(u.message.content, 'Updated message content');
    assert.equal(u.message.is_edited, true);
  }
  const notMine = await reply(p.cb.push('edit_message', { message_id: id, content: 'hijack' }));
  assert.equal(notMine.status, 'error');
  assert.equal(notMine.response.message_id, id);
  const ee = await p.ib.next('edit_error', (x) => x.message_id === id);
  assert.ok(ee.reason.length > 0);
  await sleep(2300); // --edit-window-seconds 2
  const late = await reply(p.ca.push('edit_message', { message_id: id, content: 'too late' }));
  assert.equal(late.status, 'error');
  const tooLate = await p.ia.next('edit_error', (x) => x.reason === 'Edit time limit exceeded');
  assert.deepEqual(tooLate, { message_id: id, reason: 'Edit time limit exceeded' });
  await p.done();
});

test('delete_message: message_deleted {message_id} to everyone; others may not delete', async () => {
  const p = await pair();
  const sent = await reply(p.ca.push('send_message', { content: 'doomed', temp_id: 'd1' }));
  const id = sent.response.message.id;
  const denied = await reply(p.cb.push('delete_message', { message_id: id }));
  assert.equal(denied.status, 'error');
  assert.equal(denied.response.reason, 'forbidden');
  const r = await reply(p.ca.push('delete_message', { message_id: id }));
  assert.equal(r.status, 'ok');
  for (const inbox of [p.ia, p.ib]) {
    const d = await inbox.next('message_deleted', (x) => x.message_id === id);
    assert.equal(d.message_id, id);
  }
  const missing = await reply(p.ca.push('delete_message', {}));
  assert.equal(missing.status, 'error');
  assert.deepEqual(missing.response.errors, { message_id: ["can't be blank"] });
  await p.done();
});

test('typing_start / typing_stop reach the others with user_name; typing stops by itself', async () => {
  const p = await pair();
  assert.equal((await reply(p.ca.push('typing_start', {}))).status, 'ok');
  const ts = await p.ib.next('typing_start', (x) => x.user_id === p.a.user.id);
  assert.deepEqual(ts, { user_id: p.a.user.id, user_name: p.a.username, channel_id: p.ch.id });
  assert.ok(await p.ia.noneAfter('typing_start'), 'nobody is told about their own typing');
  p.ca.push('typing_stop'); // the seed's example pushes without a payload
  const stop = await p.ib.next('typing_stop', (x) => x.user_id === p.a.user.id);
  assert.equal(stop.channel_id, p.ch.id);
  await reply(p.ca.push('typing_start', {}));
  await p.ib.next('typing_start', (x) => x.user_id === p.a.user.id);
  await p.ib.next('typing_stop', (x) => x.user_id === p.a.user.id, 3000); // --typing-timeout-ms 800
  await p.done();
});

test('add_reaction / remove_reaction (by reaction id): reaction_added and reaction_removed in seed shape', async () => {
  const p = await pair();
  const sent = await reply(p.ca.push('send_message', { content: 'react to me', temp_id: 'r1' }));
  const id = sent.response.message.id;
  const added = await reply(p.cb.push('add_reaction', { message_id: id, emoji: ':thumbsup:' }));
  assert.equal(added.status, 'ok');
  const reactionId = added.response.reaction.id;
  for (const inbox of [p.ia, p.ib]) {
    const ra = await inbox.next('reaction_added', (x) => x.message_id === id);
    assert.equal(ra.reaction.id, reactionId);
    assert.equal(ra.reaction.emoji, ':thumbsup:');
    assert.deepEqual(ra.reaction.user, { id: p.b.user.id, name: p.b.username });
    assert.match(ra.reaction.inserted_at, ISO_MS);
  }
  const dup = await reply(p.cb.push('add_reaction', { message_id: id, emoji: ':thumbsup:' }));
  assert.equal(dup.status, 'error');
  assert.equal(dup.response.reason, 'conflict');
  const notMine = await reply(p.ca.push('remove_reaction', { reaction_id: reactionId }));
  assert.equal(notMine.status, 'error');
  const removed = await reply(p.cb.push('remove_reaction', { reaction_id: reactionId }));
  assert.equal(removed.status, 'ok');
  for (const inbox of [p.ia, p.ib]) {
    const rr = await inbox.next('reaction_removed', (x) => x.reaction.id === reactionId);
    assert.equal(rr.reaction.emoji, ':thumbsup:');
    assert.equal(rr.reaction.message_id, id);
  }
  await p.done();
});

test('mark_read is acknowledged and others see message_read; load_older_messages pages backwards', async () => {
  const p = await pair();
  const ids = [];
  for (let i = 0; i < 5; ++i) ids.push((await reply(p.ca.push('send_message', { content: `page ${i}`, temp_id: `p${i}` }))).response.message.id);
  const read = await reply(p.cb.push('mark_read', { message_id: ids[4] }));
  assert.equal(read.status, 'ok');
  assert.equal(read.response.message_id, ids[4]);
  const seen = await p.ia.next('message_read', (x) => x.user_id === p.b.user.id);
  assert.equal(seen.message_id, ids[4]);
  const older = await reply(p.ca.push('load_older_messages', { before_id: ids[4], limit: 3 }));
  assert.equal(older.status, 'ok');
  assert.deepEqual(older.response.messages.map((m) => m.id), ids.slice(1, 4));
  const pushed = await p.ia.next('older_messages_loaded', () => true);
  assert.deepEqual(pushed.messages.map((m) => m.content), ['page 1', 'page 2', 'page 3']);
  const bad = await reply(p.ca.push('load_older_messages', { before_id: 'nope' }));
  assert.equal(bad.status, 'error');
  await p.done();
});

test('user_joined / user_left follow channel membership', async () => {
  const a = await register(server), b = await register(server);
  const created = await api(server, 'POST', '/api/v1/channels', a.token, { name: `room${Date.now()}`, type: 'public' });
  const s = await connect(server, a.token);
  const j = await join(s, `channel:${created.body.id}`);
  const sb = await connect(server, b.token);
  const jb = await join(sb, `channel:${created.body.id}`); // joining a public channel makes b a member
  assert.equal(jb.status, 'ok');
  const uj = await j.inbox.next('user_joined', (x) => x.user.id === b.user.id);
  assert.equal(uj.user.name, b.username);
  assert.ok('avatar_url' in uj.user);
  const left = await api(server, 'DELETE', `/api/v1/channels/${created.body.id}/members/${b.user.id}`, b.token);
  assert.equal(left.status, 204);
  const ul = await j.inbox.next('user_left', (x) => x.user_id === b.user.id);
  assert.equal(ul.user_id, b.user.id);
  await disconnect(s); await disconnect(sb);
});

test('workspace:{id} carries channel and member events', async () => {
  const a = await register(server), b = await register(server);
  const ws = await defaultWorkspace(server, a.token);
  const s = await connect(server, a.token);
  const j = await join(s, `workspace:${ws.id}`);
  assert.equal(j.status, 'ok');
  assert.equal(j.response.workspace.id, ws.id);
  assert.ok(j.response.channels.some((c) => c.name === 'general'));
  const created = await api(server, 'POST', '/api/v1/channels', b.token, { name: `ws${Date.now()}`, type: 'public', description: 'new' });
  const cc = await j.inbox.next('channel_created', (x) => x.channel.id === created.body.id);
  assert.equal(cc.channel.description, 'new');
  await j.inbox.next('member_joined', (x) => x.channel_id === created.body.id && x.user.id === b.user.id);
  await api(server, 'PATCH', `/api/v1/channels/${created.body.id}`, b.token, { description: 'changed' });
  const cu = await j.inbox.next('channel_updated', (x) => x.channel.id === created.body.id);
  assert.equal(cu.channel.description, 'changed');
  await api(server, 'POST', `/api/v1/channels/${created.body.id}/join`, a.token);
  await j.inbox.next('member_joined', (x) => x.channel_id === created.body.id && x.user.id === a.user.id);
  await api(server, 'DELETE', `/api/v1/channels/${created.body.id}/members/${a.user.id}`, a.token);
  await j.inbox.next('member_left', (x) => x.channel_id === created.body.id && x.user_id === a.user.id);
  await api(server, 'DELETE', `/api/v1/channels/${created.body.id}`, b.token);
  await j.inbox.next('channel_deleted', (x) => x.channel_id === created.body.id);
  await disconnect(s);
});

test('a deleted channel pushes channel_deleted and closes the Phoenix channel for good', async () => {
  const a = await register(server);
  const created = await api(server, 'POST', '/api/v1/channels', a.token, { name: `gone${Date.now()}`, type: 'public' });
  const s = await connect(server, a.token);
  const j = await join(s, `channel:${created.body.id}`);
  const closed = new Promise((resolve) => j.channel.onClose(resolve));
  await api(server, 'DELETE', `/api/v1/channels/${created.body.id}`, a.token);
  await j.inbox.next('channel_deleted', (x) => x.channel_id === created.body.id);
  await closed;
  assert.equal(j.channel.state, 'closed');
  await disconnect(s);
});

test('unknown events on a joined channel are refused, not fatal', async () => {
  const p = await pair();
  const r = await reply(p.ca.push('launch_rockets', {}));
  assert.equal(r.status, 'error');
  assert.equal(r.response.reason, 'unknown_event');
  assert.equal((await reply(p.ca.push('typing_stop', {}))).status, 'ok');
  await p.done();
});

test('the official client on vsn 1.0.0 (object frames via custom encode/decode) joins, pushes and hears broadcasts', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const v1 = await connect(server, a.token, {
    vsn: '1.0.0',
    encode: (msg, callback) => callback(JSON.stringify(msg)),
    decode: (raw, callback) => callback(JSON.parse(raw)),
  });
  const j = await join(v1, `channel:${ch.id}`);
  assert.equal(j.status, 'ok');
  assert.equal(j.response.channel.id, ch.id);
  await j.inbox.next('presence_state');
  const sent = await reply(j.channel.push('send_message', { content: 'object frames', temp_id: 'v1' }));
  assert.equal(sent.status, 'ok');
  await j.inbox.next('message_sent', (x) => x.temp_id === 'v1');
  const other = await connect(server, b.token);
  const jb = await join(other, `channel:${ch.id}`);
  await j.inbox.next('presence_diff', (d) => d.joins[b.user.id]);
  const back = await reply(jb.channel.push('send_message', { content: 'to the v1 socket', temp_id: 'v2' }));
  const got = await j.inbox.next('new_message', (x) => x.message.id === back.response.message.id);
  assert.equal(got.message.content, 'to the v1 socket');
  await disconnect(v1); await disconnect(other);
});
