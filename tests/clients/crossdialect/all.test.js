'use strict';
// All five dialects in one channel, each with its official or plain client:
// Phoenix (npm phoenix), Socket.IO namespace / (seed 001) and /chat (seed 002)
// (npm socket.io-client), workspace JSON (seed 003) and flat JSON (seed 004)
// (npm ws). A message, a reaction and typing from each side arrive at every
// other client that has an event for them, in that client's own format.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');

let server, users, general, workspaceId;
const c = {};

test.before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0', '--rate-typing-per-minute', '0'] });
  users = {};
  for (const name of ['phoenix', 'root', 'chat', 'wsjson', 'flat']) users[name] = await register(server);
  general = (await api(server, 'GET', '/api/v1/channels', users.flat.token)).body.channels.find((x) => x.name === 'general').id;
  workspaceId = (await api(server, 'GET', '/api/v1/workspaces', users.flat.token)).body.workspaces.find((w) => w.is_default).id;

  c.phoenixSocket = await phx.connect(server, users.phoenix.token);
  const channel = c.phoenixSocket.channel(`channel:${general}`, {});
  c.phoenix = phx.record(channel);
  const joined = await phx.reply(channel.join());
  assert.equal(joined.status, 'ok');
  c.phoenixChannel = channel;

  c.root = sio.connect(server, { token: users.root.token });
  c.chat = sio.connect(server, { nsp: '/chat', token: users.chat.token, how: 'query' });
  await Promise.all([sio.connected(c.root), sio.connected(c.chat)]);
  await c.root.emitWithAck('join_channel', { channelId: general });
  await c.chat.emitWithAck('joinRoom', general);

  c.wsjson = await JsonSocket.open(`${server.wsBase}/ws/${workspaceId}?token=${users.wsjson.token}`);
  c.wsjson.send({ type: 'ping' });
  await c.wsjson.next('pong');
  c.flat = await JsonSocket.open(`${server.wsBase}/ws?token=${users.flat.token}`);
  await c.flat.next('connection_established');
});

test.after(async () => {
  c.root?.close();
  c.chat?.close();
  c.phoenixSocket?.disconnect();
  await c.wsjson?.close();
  await c.flat?.close();
  await server.stop();
});

// Waits until every client but the sender has the message with this content.
async function everyoneSees(content, sender) {
  const waits = [];
  if (sender !== 'phoenix') waits.push(c.phoenix.next('new_message', (p) => p.message.content === content).then((p) => p.message.id));
  if (sender !== 'root') waits.push(sio.next(c.root, 'new_message', (m) => m.content === content).then((m) => m.id));
  if (sender !== 'chat') waits.push(sio.next(c.chat, 'newMessage', (m) => m.content === content).then((m) => m.id));
  if (sender !== 'wsjson') waits.push(c.wsjson.next((m) => m.type === 'message.new' && m.data.content === content).then((m) => m.data.id));
  if (sender !== 'flat') waits.push(c.flat.next((m) => m.type === 'new_message' && m.data.content === content).then((m) => m.data.id));
  const ids = await Promise.all(waits);
  assert.equal(new Set(ids).size, 1, `one message id everywhere: ${ids}`);
  return ids[0];
}

test('a message sent in each dialect arrives in all the others', async () => {
  c.phoenixChannel.push('send_message', { content: 'hello from phoenix', temp_id: 't1' });
  await everyoneSees('hello from phoenix', 'phoenix');
  c.root.emit('send_message', { channelId: general, content: 'hello from socket.io /' });
  await everyoneSees('hello from socket.io /', 'root');
  c.chat.emit('sendMessage', { roomId: general, content: 'hello from socket.io /chat' });
  await everyoneSees('hello from socket.io /chat', 'chat');
  // Workspace JSON has no send event (seed 003): its user posts over REST.
  const r = await api(server, 'POST', '/api/v1/messages', users.wsjson.token, { channel_id: general, content: 'hello from workspace json' });
  assert.equal(r.status, 201);
  await everyoneSees('hello from workspace json', 'wsjson');
  c.flat.send({ type: 'send_message', channel_id: general, content: 'hello from flat json' });
  await everyoneSees('hello from flat json', 'flat');
});

test('a reaction from Phoenix and from Socket.IO / reaches every dialect that shows reactions', async () => {
  const r = await api(server, 'POST', '/api/v1/messages', users.flat.token, { channel_id: general, content: 'react here' });
  const id = await everyoneSees('react here', 'flat');
  assert.equal(id, r.body.id);
  c.phoenixChannel.push('add_reaction', { message_id: id, emoji: '👍' });
  const reactor = users.phoenix.user.id;
  await c.flat.next((m) => m.type === 'message_reaction' && m.message_id === id && m.data.user_id === reactor && m.data.action === 'add');
  await c.wsjson.next((m) => m.type === 'reaction.added' && m.data.message_id === id && m.data.user_id === reactor);
  await sio.next(c.root, 'reaction_added', (x) => x.messageId === id && x.userId === reactor);
  c.root.emit('add_reaction', { messageId: id, emoji: '🎉', channelId: general });
  const other = users.root.user.id;
  await c.phoenix.next('reaction_added', (p) => p.message_id === id && p.reaction.user.id === other);
  await c.flat.next((m) => m.type === 'message_reaction' && m.data.user_id === other && m.data.emoji === '🎉');
  await c.wsjson.next((m) => m.type === 'reaction.added' && m.data.user_id === other && m.data.emoji === '🎉');
});

test('typing from flat JSON, Phoenix, Socket.IO /chat and workspace JSON reaches the dialects that show typing', async () => {
  c.flat.send({ type: 'typing_indicator', channel_id: general, is_typing: true });
  const flatUser = users.flat.user.id;
  await c.phoenix.next('typing_start', (p) => p.user_id === flatUser);
  await sio.next(c.chat, 'userTyping', (x) => x.userId === flatUser && x.isTyping === true);
  await c.wsjson.next((m) => m.type === 'typing.start' && m.data.user_id === flatUser);

  c.phoenixChannel.push('typing_start', {});
  const phxUser = users.phoenix.user.id;
  await c.flat.next((m) => m.type === 'typing_indicator' && m.user_id === phxUser && m.is_typing);
  await sio.next(c.chat, 'userTyping', (x) => x.userId === phxUser && x.isTyping === true);
  await c.wsjson.next((m) => m.type === 'typing.start' && m.data.user_id === phxUser);

  c.chat.emit('typingIndicator', { roomId: general, isTyping: true });
  const chatUser = users.chat.user.id;
  await c.flat.next((m) => m.type === 'typing_indicator' && m.user_id === chatUser && m.is_typing);
  await c.phoenix.next('typing_start', (p) => p.user_id === chatUser);
  await c.wsjson.next((m) => m.type === 'typing.start' && m.data.user_id === chatUser);

  c.wsjson.send({ type: 'typing', channel_id: general, is_typing: true });
  const wsUser = users.wsjson.user.id;
  await c.flat.next((m) => m.type === 'typing_indicator' && m.user_id === wsUser && m.is_typing);
  await c.phoenix.next('typing_start', (p) => p.user_id === wsUser);
  await sio.next(c.chat, 'userTyping', (x) => x.userId === wsUser && x.isTyping === true);
});

test('edits and deletions from REST reach every dialect', async () => {
  const r = await api(server, 'POST', '/api/v1/messages', users.flat.token, { channel_id: general, content: 'to be edited' });
  await everyoneSees('to be edited', 'flat');
  await api(server, 'PATCH', `/api/v1/messages/${r.body.id}`, users.flat.token, { content: 'edited' });
  await c.phoenix.next('message_updated', (p) => p.message.id === r.body.id && p.message.content === 'edited');
  await sio.next(c.root, 'message_edited', (x) => x.messageId === r.body.id && x.content === 'edited');
  await c.wsjson.next((m) => m.type === 'message.updated' && m.data.id === r.body.id && m.data.content === 'edited');
  await c.flat.next((m) => m.type === 'message_updated' && m.data.id === r.body.id);
  await api(server, 'DELETE', `/api/v1/messages/${r.body.id}`, users.flat.token);
  await c.phoenix.next('message_deleted', (p) => p.message_id === r.body.id);
  await sio.next(c.root, 'message_deleted', (x) => x.messageId === r.body.id);
  await c.wsjson.next((m) => m.type === 'message.deleted' && m.data.id === r.body.id);
  await c.flat.next((m) => m.type === 'message_deleted' && m.message_id === r.body.id);
});
