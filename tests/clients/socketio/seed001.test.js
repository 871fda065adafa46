'use strict';
// Seed 001, namespace "/": every client event and every server event, with
// the official socket.io-client over both default (polling -> websocket) and
// websocket-only transports.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api } = require('../lib/server');
const { connect, next, noneAfter, connected, upgraded } = require('./sio');

let server, alice, bob, carol;
before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  [alice, bob, carol] = await Promise.all([register(server), register(server), register(server)]);
});
after(async () => { await server.stop(); });

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function assertMessageShape(m, { direct }) {
  for (const k of ['id', 'content', 'userId', 'createdAt', 'updatedAt', 'replyToId', 'user', 'replyTo', 'attachments', 'reactions'])
    assert.ok(k in m, `message lacks ${k}: ${JSON.stringify(m)}`);
  assert.ok(direct ? 'conversationId' in m : 'channelId' in m);
  assert.ok(!(direct ? 'channelId' in m : 'conversationId' in m));
  assert.match(m.createdAt, ISO);
  assert.match(m.updatedAt, ISO);
  assert.deepEqual(Object.keys(m.user).sort(), ['id', 'image', 'name']);
  assert.ok(Array.isArray(m.attachments) && Array.isArray(m.reactions));
}

async function channel(owner, type = 'public') {
  const r = await api(server, 'POST', '/api/v1/channels', owner.token, { name: `c${Date.now()}${Math.random()}`.slice(0, 40), type });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

for (const transports of [undefined, ['websocket']]) {
  const label = transports ? 'websocket only' : 'polling then websocket';
  describe(`namespace / (${label})`, () => {
    let a, b, channelId, conversationId;
    before(async () => {
      a = connect(server, { token: alice.token, transports });
      b = connect(server, { token: bob.token, transports, how: 'query' });
      await Promise.all([connected(a), connected(b)]);
      if (!transports) await Promise.all([upgraded(a), upgraded(b)]);
      channelId = await channel(alice);
      const conv = await api(server, 'POST', '/api/v1/conversations', alice.token, { participant_ids: [alice.user.id, bob.user.id] });
      assert.equal(conv.status, 201, conv.text);
      conversationId = conv.body.id;
    });
    after(() => { a.close(); b.close(); });

    test('authenticated arrives on connect with the user', async () => {
      const auth = await next(a, 'authenticated');
      assert.equal(auth.userId, alice.user.id);
      assert.equal(auth.user.id, alice.user.id);
      assert.equal(typeof auth.user.name, 'string');
      assert.ok('image' in auth.user);
    });

    test('join_channel / leave_channel answer joined_channel / left_channel', async () => {
      a.emit('join_channel', { channelId });
      // seq: the channel's current sequence number (resume.test.js checks its value).
      const joinedA = await next(a, 'joined_channel');
      assert.deepEqual(joinedA, { channelId, seq: joinedA.seq });
      assert.ok(Number.isInteger(joinedA.seq) && joinedA.seq >= 1, JSON.stringify(joinedA));
      const ack = await b.emitWithAck('join_channel', { channelId });
      const joinedB = await next(b, 'joined_channel');
      assert.deepEqual(ack, { ok: true, data: joinedB });
      assert.deepEqual(joinedB, { channelId, seq: joinedB.seq });
      assert.ok(Number.isInteger(joinedB.seq) && joinedB.seq >= joinedA.seq, JSON.stringify(joinedB));
    });

    test('send_message reaches the room as new_message with the Message shape, replyTo included', async () => {
      a.emit('send_message', { channelId, content: 'first' });
      const first = await next(b, 'new_message', (m) => m.content === 'first');
      assertMessageShape(first, { direct: false });
      assert.equal(first.channelId, channelId);
      assert.equal(first.userId, alice.user.id);
      assert.equal(first.replyTo, null);
      assert.equal(first.replyToId, null);
      await next(a, 'new_message', (m) => m.id === first.id); // the sender is in the room too

      const ack = await b.emitWithAck('send_message', { channelId, content: 'reply', replyToId: first.id, attachments: [] });
      assert.equal(ack.ok, true);
      const reply = await next(a, 'new_message', (m) => m.content === 'reply');
      assert.equal(reply.id, ack.data.id);
      assert.equal(reply.replyToId, first.id);
      assert.equal(reply.replyTo.id, first.id);
      assert.equal(reply.replyTo.content, 'first');
      assert.equal(reply.user.id, bob.user.id);
    });

    test('edit_message and delete_message broadcast message_edited / message_deleted', async () => {
      const sent = await a.emitWithAck('send_message', { channelId, content: 'to edit' });
      a.emit('edit_message', { messageId: sent.data.id, content: 'edited', channelId });
      const edited = await next(b, 'message_edited', (d) => d.messageId === sent.data.id);
      assert.equal(edited.content, 'edited');
      a.emit('delete_message', { messageId: sent.data.id, channelId });
      const deleted = await next(b, 'message_deleted', (d) => d.messageId === sent.data.id);
      assert.equal(deleted.channelId, channelId);
    });

    test('editing or deleting another user\'s message is refused with error', async () => {
      const sent = await a.emitWithAck('send_message', { channelId, content: 'mine' });
      const ack = await b.emitWithAck('edit_message', { messageId: sent.data.id, content: 'hijack', channelId });
      assert.equal(ack.ok, false);
      const err = await next(b, 'error', (e) => e.event === 'edit_message');
      assert.match(err.message, /^Failed to edit message/);
      b.emit('delete_message', { messageId: sent.data.id, channelId });
      const err2 = await next(b, 'error', (e) => e.event === 'delete_message');
      assert.match(err2.message, /^Failed to delete message/);
      assert.ok(await noneAfter(a, 'message_edited', (d) => d.messageId === sent.data.id));
    });

    test('add_reaction / remove_reaction broadcast reaction_added / reaction_removed', async () => {
      const sent = await a.emitWithAck('send_message', { channelId, content: 'react to me' });
      b.emit('add_reaction', { messageId: sent.data.id, emoji: '👍', channelId });
      const added = await next(a, 'reaction_added', (r) => r.messageId === sent.data.id);
      for (const k of ['id', 'emoji', 'messageId', 'userId', 'createdAt', 'user']) assert.ok(k in added, k);
      assert.equal(added.emoji, '👍');
      assert.equal(added.user.id, bob.user.id);
      assert.match(added.createdAt, ISO);
      b.emit('remove_reaction', { messageId: sent.data.id, emoji: '👍', channelId });
      const removed = await next(a, 'reaction_removed', (r) => r.messageId === sent.data.id);
      assert.equal(removed.emoji, '👍');
      assert.equal(removed.userId, bob.user.id);
    });

    test('forward_message puts the message in the target room with message_forwarded', async () => {
      const target = await channel(alice);
      await a.emitWithAck('join_channel', { channelId: target });
      await b.emitWithAck('join_channel', { channelId: target });
      const sent = await a.emitWithAck('send_message', { channelId, content: 'forward me' });
      a.emit('forward_message', { messageId: sent.data.id, channelId, targetChannelId: target });
      const fwd = await next(b, 'message_forwarded', (d) => d.originalMessageId === sent.data.id);
      assert.equal(fwd.targetChannelId, target);
      assert.equal(fwd.sourceChannelId, channelId);
      assert.equal(fwd.message.channelId, target);
      assert.equal(fwd.message.content, 'forward me');
      const copy = await next(b, 'new_message', (m) => m.channelId === target && m.content === 'forward me');
      assert.equal(copy.id, fwd.messageId);
    });

    test('ping answers pong', async () => {
      a.emit('ping');
      const pong = await next(a, 'pong');
      assert.match(pong.timestamp, ISO);
    });

    test('direct messages: join_conversation, send/edit/delete, reactions, leave', async () => {
      a.emit('join_conversation', { conversationId });
      const joined = await next(a, 'conversation_joined');
      assert.deepEqual(joined, { conversationId, seq: joined.seq });
      assert.ok(Number.isInteger(joined.seq), JSON.stringify(joined));
      await b.emitWithAck('join_conversation', { conversationId });
      await next(b, 'conversation_joined');

      a.emit('send_direct_message', { conversationId, content: 'psst' });
      const dm = await next(b, 'new_direct_message', (m) => m.content === 'psst');
      assertMessageShape(dm, { direct: true });
      assert.equal(dm.conversationId, conversationId);

      const reply = await b.emitWithAck('send_direct_message', { conversationId, content: 'what', replyToId: dm.id });
      assert.equal(reply.data.replyTo.id, dm.id);
      await next(a, 'new_direct_message', (m) => m.id === reply.data.id);

      a.emit('edit_direct_message', { messageId: dm.id, content: 'psst!', conversationId });
      assert.equal((await next(b, 'direct_message_edited', (d) => d.messageId === dm.id)).content, 'psst!');

      b.emit('add_direct_reaction', { messageId: dm.id, emoji: '🎉', conversationId });
      const r = await next(a, 'direct_reaction_added', (x) => x.messageId === dm.id);
      assert.equal(r.emoji, '🎉');
      b.emit('remove_direct_reaction', { messageId: dm.id, emoji: '🎉', conversationId });
      assert.equal((await next(a, 'direct_reaction_removed', (x) => x.messageId === dm.id)).emoji, '🎉');

      a.emit('delete_direct_message', { messageId: dm.id, conversationId });
      assert.equal((await next(b, 'direct_message_deleted', (d) => d.messageId === dm.id)).conversationId, conversationId);

      b.emit('leave_conversation', { conversationId });
      assert.deepEqual(await next(b, 'conversation_left'), { conversationId });
      a.emit('send_direct_message', { conversationId, content: 'gone?' });
      assert.ok(await noneAfter(b, 'new_direct_message', (m) => m.content === 'gone?', a));
    });

    test('a non-participant is denied the conversation', async () => {
      const c = connect(server, { token: carol.token, transports });
      await connected(c);
      c.emit('join_conversation', { conversationId });
      assert.equal((await next(c, 'error')).message, 'Access denied to conversation');
      c.emit('send_direct_message', { conversationId, content: 'intrude' });
      assert.match((await next(c, 'error')).message, /^Failed to send direct message/);
      c.close();
    });

    test('a private channel denies non-members: Access denied to channel', async () => {
      const priv = await channel(alice, 'private');
      const ack = await b.emitWithAck('join_channel', { channelId: priv });
      assert.deepEqual(ack.ok, false);
      const err = await next(b, 'error', (e) => e.event === 'join_channel');
      assert.equal(err.message, 'Access denied to channel');
      b.emit('send_message', { channelId: priv, content: 'x' });
      const err2 = await next(b, 'error', (e) => e.event === 'send_message');
      assert.match(err2.message, /Failed to send/);
    });

    test('leave_channel stops delivery', async () => {
      b.emit('leave_channel', { channelId });
      assert.deepEqual(await next(b, 'left_channel'), { channelId });
      a.emit('send_message', { channelId, content: 'after leave' });
      await next(a, 'new_message', (m) => m.content === 'after leave');
      assert.ok(await noneAfter(b, 'new_message', (m) => m.content === 'after leave'));
    });

    test('validation errors: missing fields, wrong types, unknown events', async () => {
      const ack = await a.emitWithAck('send_message', { content: 'no channel' });
      assert.equal(ack.ok, false);
      assert.equal(ack.error.code, 'validation_error');
      assert.equal((await next(a, 'error', (e) => e.event === 'send_message')).message, 'Invalid payload: channelId is required');
      a.emit('join_channel', 'not-an-object');
      assert.match((await next(a, 'error', (e) => e.event === 'join_channel')).message, /expects an object/);
      a.emit('send_message', { channelId, content: 42 });
      assert.match((await next(a, 'error', (e) => e.event === 'send_message')).message, /content must be a string/);
      a.emit('no_such_event', {});
      assert.match((await next(a, 'error', (e) => e.event === 'no_such_event')).message, /Unknown event/);
      a.emit('send_message', { channelId, content: '   ' });
      assert.match((await next(a, 'error', (e) => e.event === 'send_message')).message, /^Failed to send message/);
      assert.ok(a.connected);
    });
  });
}

test('bad or missing token: connect_error "Authentication failed"', async () => {
  const { connectError } = require('./sio');
  for (const token of [undefined, 'not.a.jwt']) {
    const s = connect(server, { token, client: { reconnection: false } });
    const e = await connectError(s);
    assert.equal(e.message, 'Authentication failed');
    assert.equal(e.data.code, 'unauthorized');
    s.close();
  }
});
