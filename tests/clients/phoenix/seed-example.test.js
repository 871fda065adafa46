'use strict';
// Seed 000's own "Complete Connection Example", unchanged except for the
// host and port, run with the official client against the real server.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register } = require('../lib/server.js');
const { general } = require('./phx.js');

// Node 20 has no global WebSocket; a browser has. Everything else below is the seed's code.
globalThis.WebSocket = require('ws');
const { Socket } = require('phoenix');

let PORT;

// ---- begin seed 000 example ("ws://localhost:4000" -> the test server) ----
class SlackCloneWebSocket {
  constructor(token) {
    this.socket = new Socket(`ws://127.0.0.1:${PORT}/socket/websocket`, {
      params: { token },
      reconnectAfterMs: () => [1000, 5000, 10000]
    });

    this.channels = new Map();
    this.setupSocketListeners();
  }

  setupSocketListeners() {
    this.socket.onOpen(() => {
      console.log("Connected to Slack Clone");
    });

    this.socket.onError((error) => {
      console.error("WebSocket error:", error);
    });

    this.socket.onClose(() => {
      console.log("WebSocket connection closed");
    });
  }

  connect() {
    this.socket.connect();
  }

  joinChannel(channelId, callbacks = {}) {
    const channel = this.socket.channel(`channel:${channelId}`);

    channel.join()
      .receive("ok", (response) => {
        console.log(`Joined channel ${channelId}`, response);
        callbacks.onJoin?.(response);
      })
      .receive("error", (response) => {
        console.error(`Failed to join channel ${channelId}`, response);
        callbacks.onError?.(response);
      });

    // Set up message handlers
    channel.on("new_message", callbacks.onMessage || ((msg) => console.log("New message:", msg)));
    channel.on("message_updated", callbacks.onMessageUpdate || ((msg) => console.log("Message updated:", msg)));
    channel.on("message_deleted", callbacks.onMessageDelete || ((msg) => console.log("Message deleted:", msg)));
    channel.on("typing_start", callbacks.onTypingStart || ((data) => console.log("Typing start:", data)));
    channel.on("typing_stop", callbacks.onTypingStop || ((data) => console.log("Typing stop:", data)));
    channel.on("presence_diff", callbacks.onPresenceDiff || ((diff) => console.log("Presence diff:", diff)));

    this.channels.set(channelId, channel);
    return channel;
  }

  sendMessage(channelId, content, tempId = Date.now().toString()) {
    const channel = this.channels.get(channelId);
    if (!channel) {
      throw new Error(`Not connected to channel ${channelId}`);
    }

    channel.push("send_message", {
      content,
      temp_id: tempId
    })
    .receive("ok", (response) => {
      console.log("Message sent successfully:", response);
    })
    .receive("error", (response) => {
      console.error("Failed to send message:", response);
    });
  }

  startTyping(channelId) {
    const channel = this.channels.get(channelId);
    if (channel) {
      channel.push("typing_start");
    }
  }

  stopTyping(channelId) {
    const channel = this.channels.get(channelId);
    if (channel) {
      channel.push("typing_stop");
    }
  }

  addReaction(channelId, messageId, emoji) {
    const channel = this.channels.get(channelId);
    if (channel) {
      channel.push("add_reaction", {
        message_id: messageId,
        emoji
      });
    }
  }

  disconnect() {
    this.socket.disconnect();
  }
}
// ---- end seed 000 example ----

// Collects what the example passes to its callbacks and prints.
function waiter() {
  const seen = [];
  const waiting = [];
  const push = (kind, value) => {
    seen.push({ kind, value });
    for (const w of [...waiting]) if (w.kind === kind && w.pred(value)) { waiting.splice(waiting.indexOf(w), 1); w.resolve(value); }
  };
  const next = (kind, pred = () => true, ms = 5000) => {
    const hit = seen.find((s) => s.kind === kind && pred(s.value));
    if (hit) return Promise.resolve(hit.value);
    return new Promise((resolve, reject) => {
      const w = { kind, pred, resolve };
      waiting.push(w);
      setTimeout(() => reject(new Error(`no ${kind}; saw ${seen.map((s) => s.kind).join(',')}`)), ms);
    });
  };
  return { push, next };
}

let server;
test.before(async () => { server = await startServer(); PORT = server.port; });
test.after(async () => { await server.stop(); });

test('the seed example joins, sends, receives, types and reacts against the real server', async (t) => {
  const alice = await register(server), bob = await register(server);
  const ch = await general(server, alice.token);
  const w = waiter();
  const logged = [];
  t.mock.method(console, 'log', (...args) => { logged.push(args); w.push('log', args); });
  t.mock.method(console, 'error', (...args) => { logged.push(args); w.push('error', args); });

  const a = new SlackCloneWebSocket(alice.token);
  const b = new SlackCloneWebSocket(bob.token);
  // Whatever happens below, the example's sockets stop reconnecting: left
  // open, they would keep node (and ctest) waiting once the server stops.
  t.after(() => { a.disconnect(); b.disconnect(); });
  a.connect(); b.connect();
  const aChannel = a.joinChannel(ch.id, {
    onJoin: (r) => w.push('a-join', r),
    onPresenceDiff: (d) => { w.push('a-diff', d); w.push('a-presence', d.joins); },
  });
  // The two joins race: if Bob's is in first, Alice's presence_state already
  // names him and no diff will; if it is second, a presence_diff does.
  aChannel.on('presence_state', (s) => w.push('a-presence', s));
  const bChannel = b.joinChannel(ch.id, {
    onJoin: (r) => w.push('b-join', r),
    onMessage: (m) => w.push('b-message', m),
    onTypingStart: (d) => w.push('b-typing', d),
  });
  const joined = await w.next('a-join');
  assert.equal(joined.channel.id, ch.id);
  await w.next('b-join');
  await w.next('a-presence', (p) => p && p[bob.user.id]);
  await w.next('log', (args) => args[0] === 'Connected to Slack Clone');

  a.sendMessage(ch.id, 'Hello World!');
  const ok = await w.next('log', (args) => args[0] === 'Message sent successfully:');
  assert.equal(ok[1].message.content, 'Hello World!');
  const got = await w.next('b-message', (m) => m.message.content === 'Hello World!');
  assert.equal(got.message.user.id, alice.user.id);

  a.startTyping(ch.id);
  const typing = await w.next('b-typing');
  assert.deepEqual(typing, { user_id: alice.user.id, user_name: alice.username, channel_id: ch.id });
  a.stopTyping(ch.id);

  const reacted = new Promise((resolve) => bChannel.on('reaction_added', resolve));
  a.addReaction(ch.id, got.message.id, ':thumbsup:');
  const r = await reacted;
  assert.equal(r.message_id, got.message.id);
  assert.equal(r.reaction.emoji, ':thumbsup:');

  assert.ok(!logged.some((args) => /Failed|error/i.test(String(args[0]))), JSON.stringify(logged.filter((x) => /Failed|error/i.test(String(x[0])))));
});
