'use strict';
// Bare ws peer: the flat-JSON dialect (seed 004 plus send_message, typing_indicator,
// mark_read, add_reaction) on /ws?token=, rooms as Sets, each broadcast serialised
// once; presence (user_status) only to users who share a room (common.js). In
// memory, nothing persisted.
const { randomUUID } = require('node:crypto');
const { WebSocketServer } = require('ws');
const { verify } = require('./jwt');
const { options, httpServer, listen, messageData, Presence } = require('./common');

const { port, secret } = options();
const server = httpServer();
const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 1 << 20 });
const rooms = new Map();
const messageChannel = new Map(); // message id -> channel id (the latest 200,000), for reads and reactions
const presence = new Presence((ws, userId, status) => ws.send(frame('user_status', { user_id: userId, status })));

function broadcast(channelId, out, except) {
  for (const peer of rooms.get(channelId) ?? []) if (peer !== except) peer.send(out);
}

const frame = (type, fields) => JSON.stringify({ type, ...fields, timestamp: new Date().toISOString() });

server.on('upgrade', (req, socket, head) => {
  const url = new URL(req.url, 'http://127.0.0.1');
  const claims = url.pathname === '/ws' ? verify(url.searchParams.get('token'), secret) : null;
  if (!claims) {
    socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  wss.handleUpgrade(req, socket, head, (ws) => {
    ws.user = { id: claims.sub, username: claims.name || claims.sub };
    ws.joined = new Set();
    onConnection(ws);
  });
});

function leave(ws, channelId) {
  const room = rooms.get(channelId);
  if (room) {
    room.delete(ws);
    if (room.size === 0) rooms.delete(channelId);
  }
  ws.joined.delete(channelId);
}

function onConnection(ws) {
  ws.send(frame('connection_established', { user_id: ws.user.id, username: ws.user.username }));
  presence.connected(ws.user.id, ws);
  ws.on('message', (raw) => {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      ws.send(frame('error', { error_code: 'invalid_json', message: 'Malformed JSON' }));
      return;
    }
    const channelId = msg.channel_id;
    switch (msg.type) {
      case 'join_channel': {
        if (typeof channelId !== 'string' || !channelId) {
          ws.send(frame('error', { error_code: 'missing_channel_id', message: 'channel_id is required' }));
          return;
        }
        let room = rooms.get(channelId);
        if (!room) rooms.set(channelId, (room = new Set()));
        room.add(ws);
        ws.joined.add(channelId);
        ws.send(frame('channel_joined', { channel_id: channelId }));
        presence.joined(ws.user.id, ws, channelId);
        return;
      }
      case 'leave_channel':
        leave(ws, channelId);
        presence.left(ws.user.id, ws, channelId);
        ws.send(frame('channel_left', { channel_id: channelId }));
        return;
      case 'ping':
        ws.send(frame('pong', {}));
        return;
      case 'send_message': {
        if (!ws.joined.has(channelId) || typeof msg.content !== 'string') {
          ws.send(frame('error', { error_code: 'send_message_error', message: 'Not a member of this channel' }));
          return;
        }
        const data = messageData(randomUUID(), channelId, msg.content, ws.user);
        messageChannel.set(data.id, channelId);
        if (messageChannel.size > 200000) messageChannel.delete(messageChannel.keys().next().value);
        const out = frame('new_message', { data });
        for (const peer of rooms.get(channelId)) peer.send(out);
        ws.send(frame('message_sent', { client_id: msg.client_id ?? null, data }));
        return;
      }
      case 'typing_indicator': {
        if (!ws.joined.has(channelId)) {
          ws.send(frame('error', { error_code: 'typing_indicator_error', message: 'Not a member of this channel' }));
          return;
        }
        broadcast(channelId, frame('typing_indicator', { user_id: ws.user.id, channel_id: channelId, is_typing: msg.is_typing !== false }), ws);
        return;
      }
      case 'mark_read':
      case 'add_reaction': {
        const ch = messageChannel.get(msg.message_id);
        if (!ch || !ws.joined.has(ch) || (msg.type === 'add_reaction' && typeof msg.emoji !== 'string')) {
          ws.send(frame('error', { error_code: `${msg.type}_error`, message: 'Message not found' }));
          return;
        }
        if (msg.type === 'mark_read') broadcast(ch, frame('message_read', { message_id: msg.message_id, channel_id: ch, user_id: ws.user.id }));
        else
          broadcast(ch, frame('message_reaction', {
            message_id: msg.message_id,
            data: { emoji: msg.emoji, user_id: ws.user.id, username: ws.user.username, action: 'add' },
          }));
        return;
      }
      default:
        ws.send(frame('error', { error_code: 'unknown_message_type', message: `Unknown message type: ${msg.type}` }));
    }
  });
  ws.on('close', () => {
    const joined = [...ws.joined];
    for (const channelId of joined) leave(ws, channelId);
    presence.disconnected(ws.user.id, ws, joined);
  });
  ws.on('error', () => {});
}

listen(server, port, 'ws peer');
