'use strict';
// Socket.IO clients and a flat-JSON (seed 004, plain ws) client chat in the
// same channel and see each other's messages, each in its own format.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api, JsonSocket } = require('../lib/server');
const { connect, next, connected } = require('./sio');

let server, alice, bob, carol, general;
before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  [alice, bob, carol] = await Promise.all([register(server), register(server), register(server)]);
  const r = await api(server, 'GET', '/api/v1/channels', alice.token);
  general = r.body.channels.find((c) => c.name === 'general').id;
});
after(async () => { await server.stop(); });

test('flat JSON, seed 001 and seed 002 clients see each other in #general', async () => {
  const flat = await JsonSocket.open(`${server.wsBase}/ws?token=${encodeURIComponent(alice.token)}`);
  await flat.next('connection_established');
  const root = connect(server, { token: bob.token });
  const chat = connect(server, { nsp: '/chat', token: carol.token, how: 'header', transports: ['websocket'] });
  try {
    await Promise.all([connected(root), connected(chat)]);
    await root.emitWithAck('join_channel', { channelId: general });
    await chat.emitWithAck('joinRoom', general);

    flat.send({ type: 'send_message', channel_id: general, content: 'from flat json' });
    const m1 = await next(root, 'new_message', (m) => m.content === 'from flat json');
    assert.equal(m1.userId, alice.user.id);
    assert.equal(m1.channelId, general);
    const m2 = await next(chat, 'newMessage', (m) => m.content === 'from flat json');
    assert.equal(m2.sender, alice.user.id);
    assert.equal(m2.id, m1.id);

    root.emit('send_message', { channelId: general, content: 'from socket.io /' });
    const f1 = await flat.next((m) => m.type === 'new_message' && JSON.stringify(m).includes('from socket.io /'));
    assert.ok(JSON.stringify(f1).includes(bob.user.id));
    await next(chat, 'newMessage', (m) => m.content === 'from socket.io /' && m.sender === bob.user.id);

    chat.emit('sendMessage', { roomId: general, content: 'from socket.io /chat' });
    await flat.next((m) => m.type === 'new_message' && JSON.stringify(m).includes('from socket.io /chat'));
    const r3 = await next(root, 'new_message', (m) => m.content === 'from socket.io /chat');
    assert.equal(r3.userId, carol.user.id);

    // Edits and reactions made in flat JSON reach seed 001 in its own shape.
    flat.send({ type: 'edit_message', message_id: m1.id, content: 'edited in flat json' });
    const edited = await next(root, 'message_edited', (d) => d.messageId === m1.id);
    assert.equal(edited.content, 'edited in flat json');
    flat.send({ type: 'add_reaction', message_id: r3.id, emoji: '🔥' });
    const reaction = await next(root, 'reaction_added', (d) => d.messageId === r3.id);
    assert.equal(reaction.userId, alice.user.id);

    // Typing in flat JSON shows up as userTyping on /chat.
    flat.send({ type: 'typing_indicator', channel_id: general, is_typing: true });
    const typing = await next(chat, 'userTyping', (d) => d.userId === alice.user.id);
    assert.equal(typing.isTyping, true);
  } finally {
    root.close();
    chat.close();
    await flat.close();
  }
});

test('REST posts reach Socket.IO rooms', async () => {
  const root = connect(server, { token: bob.token, transports: ['polling'] });
  try {
    await connected(root);
    await root.emitWithAck('join_channel', { channelId: general });
    const r = await api(server, 'POST', '/api/v1/messages', alice.token, { channel_id: general, content: 'via REST' });
    assert.equal(r.status, 201, r.text);
    const m = await next(root, 'new_message', (x) => x.content === 'via REST');
    assert.equal(m.id, r.body.id);
  } finally {
    root.close();
  }
});

test('a string cut inside an emoji (a lone surrogate) arrives as U+FFFD everywhere, as history keeps it', async () => {
  // JSON.stringify writes the lone half as an escape ("\ud83d"), which UTF-8
  // cannot hold: the server reads it as U+FFFD, what a browser's WebSocket
  // sends for the same string unescaped. Nothing is refused or disconnected.
  const flat = await JsonSocket.open(`${server.wsBase}/ws?token=${encodeURIComponent(alice.token)}`);
  await flat.next('connection_established');
  const root = connect(server, { token: bob.token, transports: ['websocket'] });
  try {
    await connected(root);
    await root.emitWithAck('join_channel', { channelId: general });

    const cut = 'cut 👋'.slice(0, -1); // ends in the high half of U+1F44B
    assert.equal(cut.length, 5);
    root.emit('send_message', { channelId: general, content: cut });
    const echoed = await next(root, 'new_message', (m) => m.content.startsWith('cut '));
    assert.equal(echoed.content, 'cut \ufffd');
    const f = await flat.next((m) => m.type === 'new_message' && JSON.stringify(m).includes('cut \ufffd'));
    assert.ok(!JSON.stringify(f).includes('\\ud83d'));

    flat.send({ type: 'send_message', channel_id: general, content: 'low \udc4b first' });
    const fromFlat = await next(root, 'new_message', (m) => m.content.startsWith('low '));
    assert.equal(fromFlat.content, 'low \ufffd first');

    const viaRest = await api(server, 'POST', '/api/v1/messages', alice.token,
      `{"channel_id":"${general}","content":"rest \\ud83d\\ud83d\\udc4b"}`, { 'Content-Type': 'application/json' });
    assert.equal(viaRest.status, 201, viaRest.text);
    assert.equal(viaRest.body.content, 'rest \ufffd👋');

    // The connection is still up: a round trip after the three messages.
    const ack = await root.emitWithAck('join_channel', { channelId: general });
    assert.ok(ack);

    const history = (await api(server, 'GET', `/api/v1/channels/${general}/messages?limit=100`, alice.token)).body.messages;
    const contents = history.map((m) => m.content);
    for (const want of ['cut \ufffd', 'low \ufffd first', 'rest \ufffd👋']) assert.ok(contents.includes(want), want);
  } finally {
    root.close();
    await flat.close();
  }
});
