'use strict';
// Socket.IO peer: seed 001 events on namespace "/" (authenticate with
// auth.token, join_channel -> joined_channel, send_message -> ack +
// io.to(room).emit('new_message'), add_reaction -> reaction_added), in memory,
// nothing persisted. Presence: a 'user_status' {userId, status} event (an
// extension; seed 001 has none) only to users who share a room (common.js).
const { randomUUID } = require('node:crypto');
const { Server } = require('socket.io');
const { verify } = require('./jwt');
const { options, httpServer, listen, messageData, Presence } = require('./common');

const { port, secret } = options();
const server = httpServer();
const io = new Server(server, {
  transports: ['websocket', 'polling'],
  perMessageDeflate: false,
  pingInterval: 25000,
  pingTimeout: 20000,
  serveClient: false,
});

io.use((socket, next) => {
  const token = (socket.handshake.auth && socket.handshake.auth.token) || socket.handshake.query.token;
  const claims = verify(token, secret);
  if (!claims) return next(new Error('Authentication failed'));
  socket.data.user = { id: claims.sub, username: claims.name || claims.sub };
  next();
});

const presence = new Presence((socket, userId, status) => socket.emit('user_status', { userId, status }));
const messageChannel = new Map(); // message id -> channel id (the latest 200,000), for reactions

io.on('connection', (socket) => {
  const user = socket.data.user;
  socket.emit('authenticated', { user });
  presence.connected(user.id, socket);
  const joined = new Set();
  socket.on('join_channel', (data, ack) => {
    const channelId = data && data.channelId;
    if (typeof channelId !== 'string' || !channelId) {
      socket.emit('error', { message: 'Invalid payload: channelId is required' });
      return;
    }
    socket.join(channelId);
    joined.add(channelId);
    socket.emit('joined_channel', { channelId });
    presence.joined(user.id, socket, channelId);
    if (typeof ack === 'function') ack({ ok: true, channelId });
  });
  socket.on('leave_channel', (data) => {
    const channelId = data && data.channelId;
    socket.leave(channelId);
    joined.delete(channelId);
    presence.left(user.id, socket, channelId);
    socket.emit('left_channel', { channelId });
  });
  socket.on('send_message', (data, ack) => {
    const channelId = data && data.channelId;
    if (typeof channelId !== 'string' || !socket.rooms.has(channelId) || typeof data.content !== 'string') {
      const err = { message: 'Failed to send message' };
      if (typeof ack === 'function') ack({ error: err });
      else socket.emit('error', err);
      return;
    }
    const message = messageData(randomUUID(), channelId, data.content, user);
    messageChannel.set(message.id, channelId);
    if (messageChannel.size > 200000) messageChannel.delete(messageChannel.keys().next().value);
    io.to(channelId).emit('new_message', message);
    if (typeof ack === 'function') ack(message);
  });
  socket.on('add_reaction', (data, ack) => {
    const ch = data && messageChannel.get(data.messageId);
    if (!ch || !socket.rooms.has(ch) || typeof data.emoji !== 'string') {
      const err = { message: 'Failed to add reaction' };
      if (typeof ack === 'function') ack({ error: err });
      else socket.emit('error', err);
      return;
    }
    const reaction = { id: randomUUID(), messageId: data.messageId, userId: user.id, emoji: data.emoji, createdAt: new Date().toISOString(), channelId: ch };
    io.to(ch).emit('reaction_added', reaction);
    if (typeof ack === 'function') ack({ ok: true, data: reaction });
  });
  socket.on('disconnect', () => presence.disconnected(user.id, socket, [...joined]));
  socket.on('ping', () => socket.emit('pong', { timestamp: new Date().toISOString() }));
});

listen(server, port, 'socket.io peer');
