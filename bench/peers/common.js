'use strict';
// Shared start-up for both peers: port and secret from the command line or the
// environment, /healthz for the bench script, clean exit on SIGTERM.
const http = require('node:http');

function options() {
  const args = process.argv.slice(2);
  const get = (name, env, def) => {
    const i = args.indexOf(`--${name}`);
    if (i >= 0 && i + 1 < args.length) return args[i + 1];
    return process.env[env] ?? def;
  };
  const port = Number(get('port', 'PORT', '0'));
  const secret = get('jwt-secret', 'JWT_SECRET', '');
  if (!secret) {
    console.error('missing --jwt-secret');
    process.exit(2);
  }
  return { port, secret };
}

function httpServer() {
  return http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    res.writeHead(404);
    res.end();
  });
}

function listen(server, port, name) {
  server.listen(port, '127.0.0.1', () => {
    console.log(`${name} listening on 127.0.0.1:${server.address().port}`);
  });
  const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// The same message shape Switchboard's dialects send (seed 001 / seed 004), so
// the peers serialise comparable payloads.
function messageData(id, channelId, content, user) {
  const now = new Date().toISOString();
  return {
    id,
    content,
    channelId,
    userId: user.id,
    createdAt: now,
    updatedAt: now,
    user: { id: user.id, username: user.username, email: null },
    threadId: null,
    replyToId: null,
    attachments: [],
    mentions: [],
  };
}

// Presence with the same rule as Switchboard's redesigned server: a user's
// online/offline is announced only to users who share a channel with them
// (here: a room one of their connections has joined), once per recipient user.
// online goes out when the user first enters a room (to the room's members who
// did not already share another room with them); offline when the user's last
// connection closes, to everyone who shared a room with them.
class Presence {
  constructor(send) {
    this.send = send; // (conn, userId, status)
    this.rooms = new Map(); // channelId -> Map(userId -> Set(conn))
    this.userRooms = new Map(); // userId -> Set(channelId)
    this.userConns = new Map(); // userId -> Set(conn)
  }
  connected(userId, conn) {
    let conns = this.userConns.get(userId);
    if (!conns) this.userConns.set(userId, (conns = new Set()));
    conns.add(conn);
  }
  joined(userId, conn, channelId) {
    let room = this.rooms.get(channelId);
    if (!room) this.rooms.set(channelId, (room = new Map()));
    let rooms = this.userRooms.get(userId);
    if (!rooms) this.userRooms.set(userId, (rooms = new Set()));
    const fresh = !room.has(userId);
    let conns = room.get(userId);
    if (!conns) room.set(userId, (conns = new Set()));
    conns.add(conn);
    rooms.add(channelId);
    if (!fresh) return;
    for (const [other, otherConns] of room) {
      if (other === userId || this.shareOther(userId, other, channelId)) continue;
      for (const c of otherConns) this.send(c, userId, 'online');
    }
  }
  shareOther(a, b, except) {
    const ra = this.userRooms.get(a);
    const rb = this.userRooms.get(b);
    if (!ra || !rb) return false;
    const [small, big] = ra.size < rb.size ? [ra, rb] : [rb, ra];
    for (const c of small) if (c !== except && big.has(c)) return true;
    return false;
  }
  left(userId, conn, channelId) {
    const room = this.rooms.get(channelId);
    const conns = room && room.get(userId);
    if (!conns) return;
    conns.delete(conn);
    if (conns.size) return;
    room.delete(userId);
    if (room.size === 0) this.rooms.delete(channelId);
    this.userRooms.get(userId)?.delete(channelId);
  }
  disconnected(userId, conn, joinedChannels) {
    const conns = this.userConns.get(userId);
    if (conns) conns.delete(conn);
    const last = !conns || conns.size === 0;
    if (!last) {
      for (const ch of joinedChannels) this.left(userId, conn, ch);
      return;
    }
    this.userConns.delete(userId);
    const told = new Set();
    for (const ch of this.userRooms.get(userId) ?? []) {
      for (const [other, otherConns] of this.rooms.get(ch) ?? []) {
        if (other === userId || told.has(other)) continue;
        told.add(other);
        for (const c of otherConns) this.send(c, userId, 'offline');
      }
    }
    for (const ch of joinedChannels) this.left(userId, conn, ch);
    this.userRooms.delete(userId);
  }
}

module.exports = { options, httpServer, listen, messageData, Presence };
