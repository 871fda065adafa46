'use strict';
// Runs inside the test page. Every event a client receives is recorded as
// {tag, name, data} in window.received (and logged to the console, which the
// harness saves on failure); take() lets the test wait for one.
window.received = [];
const waiters = [];

// match: {field: value}; a field may be a dotted path ('data.content').
function matches(e, w) {
  if (e.tag !== w.tag || e.name !== w.name) return false;
  const at = (o, key) => key.split('.').reduce((x, k) => (x === null || x === undefined ? undefined : x[k]), o);
  return Object.entries(w.match).every(([k, v]) => JSON.stringify(at(e.data, k)) === JSON.stringify(v));
}

window.record = (tag, name, data) => {
  const e = { tag, name, data: data === undefined ? null : JSON.parse(JSON.stringify(data)) };
  console.log(`${tag} <- ${name} ${JSON.stringify(e.data)}`.slice(0, 2000));
  document.getElementById('log').textContent += `${tag} <- ${name}\n`;
  window.received.push(e);
  for (const w of [...waiters]) {
    if (!matches(e, w)) continue;
    waiters.splice(waiters.indexOf(w), 1);
    window.received.splice(window.received.indexOf(e), 1);
    clearTimeout(w.timer);
    w.resolve(e.data);
    return;
  }
};

// Resolves with the data of the first (oldest) recorded event of `name` under
// `tag` whose fields equal `match`, and removes it; waits for it if needed.
window.take = (tag, name, match = {}, timeoutMs = 8000) => {
  const w = { tag, name, match };
  const i = window.received.findIndex((e) => matches(e, w));
  if (i >= 0) return Promise.resolve(window.received.splice(i, 1)[0].data);
  return new Promise((resolve, reject) => {
    w.resolve = resolve;
    w.timer = setTimeout(() => {
      waiters.splice(waiters.indexOf(w), 1);
      const seen = window.received.filter((e) => e.tag === tag).map((e) => e.name);
      reject(new Error(`timeout waiting for ${tag} ${name} ${JSON.stringify(match)}; ${tag} got: ${JSON.stringify(seen)}`));
    }, timeoutMs);
    waiters.push(w);
  });
};

// Socket.IO: records every event, connect, connect_error, disconnect and the
// Engine.IO transport changes under `tag`; returns the socket (window.sockets[tag]).
window.sockets = {};
window.ioConnect = (tag, url, options) => {
  const socket = io(url, { forceNew: true, reconnection: false, ...options });
  window.sockets[tag] = socket;
  socket.onAny((name, ...args) => {
    // Connection state recovery: the offset (a string) after the data, which
    // the client keeps and seed handlers taking (data) never see.
    if (socket._pid && args.length > 1 && typeof args[args.length - 1] === 'string') args = args.slice(0, -1);
    window.record(tag, name, args.length <= 1 ? args[0] : args);
  });
  socket.on('connect', () => window.record(tag, 'connect', { id: socket.id, transport: socket.io.engine.transport.name }));
  socket.on('connect_error', (e) => window.record(tag, 'connect_error', { message: e.message, data: e.data || null }));
  socket.on('disconnect', (reason) => window.record(tag, 'disconnect', { reason }));
  socket.io.on('open', () => {
    const engine = socket.io.engine;
    window.record(tag, 'engine_open', { transport: engine.transport.name });
    engine.on('upgrade', (t) => window.record(tag, 'engine_upgrade', { transport: t.name }));
  });
  return socket;
};

// Plain WebSocket: every JSON frame is recorded under its `type`; open,
// error and close too.
window.wsOpen = (tag, url) => {
  const ws = new WebSocket(url);
  window.sockets[tag] = ws;
  ws.onopen = () => window.record(tag, 'open', {});
  ws.onerror = () => window.record(tag, 'error', {});
  ws.onclose = (e) => window.record(tag, 'close', { code: e.code, reason: e.reason, wasClean: e.wasClean });
  ws.onmessage = (e) => {
    let msg;
    try { msg = JSON.parse(e.data); } catch (_) { msg = { type: 'unparsable', raw: String(e.data) }; }
    window.record(tag, msg.type, msg);
  };
  return ws;
};

// Phoenix: a Socket over `transport` ('websocket' or 'longpoll') whose open,
// error and close are recorded under `tag`.
window.phxConnect = (tag, endpoint, token, transport) => {
  const socket = new Phoenix.Socket(endpoint, {
    params: { token },
    transport: transport === 'longpoll' ? Phoenix.LongPoll : WebSocket,
    reconnectAfterMs: () => 60000, // a failure should stay visible, not be retried
    timeout: 8000,
  });
  window.sockets[tag] = socket;
  socket.onOpen(() => window.record(tag, 'open', { transport: socket.conn instanceof Phoenix.LongPoll ? 'longpoll' : 'websocket' }));
  socket.onError((e) => window.record(tag, 'error', { kind: String(e && e.type || e) }));
  socket.onClose((e) => window.record(tag, 'close', { code: e && e.code }));
  socket.connect();
  return socket;
};

// Joins topic on tag's socket, recording every message of the channel under
// tag; resolves with {status, response} of the join.
window.phxJoin = (tag, topic) => {
  const channel = window.sockets[tag].channel(topic);
  window.sockets[`${tag}:${topic}`] = channel;
  const original = channel.onMessage.bind(channel);
  channel.onMessage = (event, payload, ref, joinRef) => {
    if (event !== 'phx_reply') window.record(tag, event, payload);
    return original(event, payload, ref, joinRef);
  };
  return new Promise((resolve) => {
    channel.join()
      .receive('ok', (response) => resolve({ status: 'ok', response }))
      .receive('error', (response) => resolve({ status: 'error', response }))
      .receive('timeout', () => resolve({ status: 'timeout' }));
  });
};

// Pushes event on a joined topic; resolves with {status, response}.
window.phxPush = (tag, topic, event, payload) => new Promise((resolve) => {
  window.sockets[`${tag}:${topic}`].push(event, payload)
    .receive('ok', (response) => resolve({ status: 'ok', response }))
    .receive('error', (response) => resolve({ status: 'error', response }))
    .receive('timeout', () => resolve({ status: 'timeout' }));
});
