'use strict';
// Resume with the official phoenix client: what phoenix/resume.test.js and the
// cluster's cross-node resume test share (docs/api/phoenix.md#resume).
const assert = require('node:assert/strict');
const { api, register, freePort } = require('../lib/server.js');
const { LongPoll, WebSocket, connect, record, general } = require('./phx.js');

// The logged channel events (they carry seq) and what identifies each.
const LOGGED = new Set(['new_message', 'thread_reply', 'message_updated', 'message_deleted', 'reaction_added',
  'reaction_removed', 'user_joined', 'user_left']);

function logged(inbox) {
  return inbox.all.filter((m) => LOGGED.has(m.event)).map(({ event, payload: p }) => ({
    type: event,
    seq: p.seq,
    message: (p.message && p.message.id) || (p.reply && p.reply.id) || p.message_id || null,
    content: (p.message && p.message.content) ?? (p.reply && p.reply.content) ?? null,
    emoji: (p.reaction && p.reaction.emoji) || null,
    user: (p.user && p.user.id) || p.user_id || null,
  }));
}

// A simulated network for one client: down() kills its connections without
// a close frame (the TCP socket is destroyed; a long-poll's in-flight requests
// are cut) and fails every new attempt until up(); the client's own
// reconnect back-off keeps retrying meanwhile.
async function network() {
  const net = { isDown: false, sockets: new Set(), polls: new Set() };
  const deadUrl = `ws://127.0.0.1:${await freePort()}/socket/websocket`;
  net.route = null; // a node to send new connections to (a balancer choosing another node)
  net.WebSocket = class extends WebSocket {
    constructor(url, ...rest) {
      const routed = net.route ? url.replace(/\/\/127\.0\.0\.1:\d+/, `//127.0.0.1:${net.route.port}`) : url;
      super(net.isDown ? deadUrl : routed, ...rest);
      net.sockets.add(this);
    }
  };
  net.LongPoll = class extends LongPoll {
    constructor(...args) {
      super(...args);
      net.polls.add(this);
    }
    ajax(method, headers, body, onTimeout, callback) {
      if (net.isDown) return void setTimeout(() => callback(null), 0); // a network error
      return super.ajax(method, headers, body, onTimeout, callback);
    }
  };
  net.down = () => {
    net.isDown = true;
    for (const ws of net.sockets) if (ws._socket) ws._socket.destroy();
    for (const lp of net.polls) for (const r of lp.reqs) if (r.req) r.req.abort();
  };
  net.up = () => { net.isDown = false; };
  return net;
}

// A client that remembers the last seq it saw and resumes from it on every
// rejoin, as docs/api/phoenix.md shows: params is a function.
async function resumingClient(server, token, topic, transport) {
  const socket = await connect(server, token, { transport });
  const state = { lastSeq: null, joins: [] };
  const channel = socket.channel(topic, () => (state.lastSeq === null ? {} : { last_seq: state.lastSeq }));
  const inbox = record(channel);
  const onMessage = channel.onMessage;
  channel.onMessage = (event, payload, ref, joinRef) => {
    if (LOGGED.has(event)) state.lastSeq = payload.seq;
    return onMessage(event, payload, ref, joinRef);
  };
  const joinPush = channel.join();
  joinPush.receive('ok', (r) => {
    state.joins.push(r);
    if (!r.recovered) state.lastSeq = r.seq; // a fresh or a reloaded state
  });
  joinPush.receive('error', (r) => state.joins.push({ error: r }));
  await new Promise((resolve) => joinPush.receive('ok', resolve));
  return { socket, channel, inbox, state };
}

// Waits until the inbox holds the logged event with this seq (an order, not a duration).
async function untilSeq(inbox, seq) {
  if (logged(inbox).some((e) => e.seq === seq)) return;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`seq ${seq} never arrived; got ${logged(inbox).map((e) => e.seq)}`)), 20000);
    const poll = setInterval(() => {
      if (logged(inbox).some((e) => e.seq === seq)) { clearInterval(poll); clearTimeout(timer); resolve(); }
    }, 20);
  });
}

function assertGapless(events, from, to, who) {
  assert.deepEqual(events.map((e) => e.seq), Array.from({ length: to - from }, (_, i) => from + 1 + i),
    `${who}: seq is +1 per event from ${from + 1} to ${to}`);
}

// Posts, edits, deletes, reacts, takes a reaction back, and a member leaves
// and comes back: every kind of logged event. Returns the last message id.
async function activity(server, ch, b, c, tag) {
  const post = async (content) => {
    const r = await api(server, 'POST', '/api/v1/messages', b.token, { channel_id: ch.id, content });
    assert.equal(r.status, 201, r.text);
    return r.body.id;
  };
  const m1 = await post(`${tag} one`);
  const m2 = await post(`${tag} two`);
  assert.equal((await api(server, 'PATCH', `/api/v1/messages/${m1}`, b.token, { content: `${tag} one, edited` })).status, 200);
  assert.equal((await api(server, 'POST', '/api/v1/messages/reactions', c.token, { message_id: m1, emoji: '👍' })).status, 201);
  assert.equal((await api(server, 'POST', '/api/v1/messages/reactions', b.token, { message_id: m1, emoji: '🎉' })).status, 201);
  assert.equal((await api(server, 'DELETE', '/api/v1/messages/reactions', c.token, { message_id: m1, emoji: '👍' })).status, 204);
  assert.equal((await api(server, 'DELETE', `/api/v1/messages/${m2}`, b.token)).status, 204);
  assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.id}/leave`, c.token)).status, 204);
  assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.id}/join`, c.token)).status, 200);
  return post(`${tag} three`);
}

// Everyone is a member before the clients join, so no one's own join is in the comparison.
async function setup(server) {
  const a = await register(server), b = await register(server), c = await register(server), w = await register(server);
  const ch = await general(server, a.token);
  for (const u of [a, b, c, w]) assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.id}/join`, u.token)).status, 200);
  return { a, b, c, w, ch };
}

const TYPES = ['new_message', 'message_updated', 'message_deleted', 'reaction_added', 'reaction_removed', 'user_left', 'user_joined'];

module.exports = { LOGGED, logged, network, resumingClient, untilSeq, assertGapless, activity, setup, TYPES };
