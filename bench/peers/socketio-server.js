'use strict';
// Socket.IO peer: seed 001 events on namespace "/" (authenticate with
// auth.token, join_channel -> joined_channel, send_message -> ack +
// io.to(room).emit('new_message')), in memory, nothing persisted.
const { randomUUID } = require('node:crypto');
const { Server } = require('socket.io');
const { verify } = require('./jwt');
const { options, httpServer, listen, messageData } = require('./common');

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

io.on('connection', (socket) => {
  const user = socket.data.user;
  socket.emit('authenticated', { user });
  socket.on('join_channel', (data, ack) => {
    const channelId = data && data.channelId;
    if (typeof channelId !== 'string' || !channelId) {
      socket.emit('error', { message: 'Invalid payload: channelId is required' });
      return;
    }
    socket.join(channelId);
    socket.emit('joined_channel', { channelId });
    if (typeof ack === 'function') ack({ ok: true, channelId });
  });
  socket.on('leave_channel', (data) => {
    const channelId = data && data.channelId;
    socket.leave(channelId);
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
    io.to(channelId).emit('new_message', message);
    if (typeof ack === 'function') ack(message);
  });
  socket.on('ping', () => socket.emit('pong', { timestamp: new Date().toISOString() }));
});

listen(server, port, 'socket.io peer');
