'use strict';
// Helpers for driving the real server with the official `phoenix` client.
const { Socket, Presence, LongPoll } = require('phoenix');
const WebSocket = require('ws');
const { api, JsonSocket } = require('../lib/server.js');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A Socket that reconnects and rejoins quickly, so tests need not wait out
// the default back-off. `transport` defaults to the `ws` package.
function makeSocket(server, token, opts = {}) {
  const { path = '/socket', ...rest } = opts;
  return new Socket(`${server.wsBase}${path}`, {
    transport: WebSocket,
    params: token === undefined ? {} : { token },
    heartbeatIntervalMs: 1000,
    reconnectAfterMs: () => 100,
    rejoinAfterMs: () => 200,
    timeout: 5000,
    ...rest,
  });
}

async function connect(server, token, opts = {}) {
  const socket = makeSocket(server, token, opts);
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('socket did not open')), 5000);
    socket.onOpen(() => { clearTimeout(timer); resolve(); });
    socket.connect();
  });
  return socket;
}

// Records every message a channel receives (pushes, broadcasts and replies).
// next() takes the oldest not yet taken message of an event (arrived or
// still to come), so tests need not race the socket.
function record(channel) {
  const inbox = { all: [], pending: [], waiters: [] };
  const original = channel.onMessage.bind(channel);
  channel.onMessage = (event, payload, ref, joinRef) => {
    const msg = { event, payload, ref, joinRef };
    inbox.all.push(msg);
    const w = inbox.waiters.find((x) => x.event === event && x.pred(payload, msg));
    if (w) {
      inbox.waiters.splice(inbox.waiters.indexOf(w), 1);
      clearTimeout(w.timer);
      w.resolve(payload);
    } else {
      inbox.pending.push(msg);
    }
    return original(event, payload, ref, joinRef);
  };
  inbox.next = (event, pred = () => true, timeoutMs = 5000) => {
    const i = inbox.pending.findIndex((m) => m.event === event && pred(m.payload, m));
    if (i >= 0) return Promise.resolve(inbox.pending.splice(i, 1)[0].payload);
    return new Promise((resolve, reject) => {
      const w = { event, pred, resolve };
      w.timer = setTimeout(() => {
        inbox.waiters.splice(inbox.waiters.indexOf(w), 1);
        reject(new Error(`timeout waiting for ${event} on ${channel.topic}; got ${inbox.all.map((m) => m.event).join(',')}`));
      }, timeoutMs);
      inbox.waiters.push(w);
    });
  };
  // True if no matching event is pending once settle(...actorSockets, the
  // channel's own socket) is done: an order, not a timeout.
  inbox.noneAfter = async (event, pred = () => true, ...actorSockets) => {
    await settle(...actorSockets, channel.socket);
    return !inbox.pending.some((m) => m.event === event && pred(m.payload, m));
  };
  // Resolves true if no matching event arrives (or is pending) within ms.
  // Only for what no barrier can order (prefer noneAfter).
  inbox.none = async (event, pred = () => true, ms = 400) => {
    try { await inbox.next(event, pred, ms); return false; } catch (_) { return true; }
  };
  inbox.count = (event, pred = () => true) => inbox.all.filter((m) => m.event === event && pred(m.payload)).length;
  return inbox;
}

// An ordering barrier instead of a timeout: each socket does a heartbeat
// round trip (socket.ping). The server handles a connection's frames in
// order, fans events out synchronously and writes to a connection in order,
// so once every socket has its answer, what the earlier ones sent has been
// handled and what was sent to the last one has been received.
async function settle(...sockets) {
  for (const socket of sockets) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no heartbeat reply')), 5000);
      if (!socket.ping(() => { clearTimeout(timer); resolve(); })) {
        clearTimeout(timer);
        reject(new Error('socket not connected'));
      }
    });
  }
}

// Resolves with {status, response} for ok, error or timeout.
function reply(push) {
  return new Promise((resolve) => {
    push.receive('ok', (response) => resolve({ status: 'ok', response }))
      .receive('error', (response) => resolve({ status: 'error', response }))
      .receive('timeout', () => resolve({ status: 'timeout' }));
  });
}

// channel.join() with every incoming message recorded from the start.
async function join(socket, topic, params = {}) {
  const channel = socket.channel(topic, params);
  const inbox = record(channel);
  const result = await reply(channel.join());
  return { channel, inbox, ...result };
}

async function general(server, token) {
  const r = await api(server, 'GET', '/api/v1/channels', token);
  return r.body.channels.find((c) => c.name === 'general');
}

async function defaultWorkspace(server, token) {
  const r = await api(server, 'GET', '/api/v1/workspaces', token);
  return r.body.workspaces.find((w) => w.is_default);
}

async function disconnect(socket) {
  await new Promise((resolve) => socket.disconnect(resolve));
}

// A raw WebSocket speaking the wire protocol by hand (arrays for vsn 2.0.0).
async function raw(server, query, path = '/socket/websocket') {
  return JsonSocket.open(`${server.wsBase}${path}?${query}`);
}

module.exports = { Socket, Presence, LongPoll, WebSocket, makeSocket, connect, record, reply, join, general, settle,
  defaultWorkspace, disconnect, raw, sleep };
