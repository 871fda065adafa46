'use strict';
// A connect/disconnect storm of distinct users beside a chatting room (flat
// JSON, the `ws` client): messages arrive exact and in order during the
// storm, and afterwards every watcher's view of who is online is right.
// Presence is eventually consistent (the server coalesces it over a window);
// the proof that it has converged is a barrier, not a wait: marker user M1
// comes online and is seen, then M2. M2's change happened after M1's window
// was published, so everything the storm caused was published before M2's.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, JsonSocket } = require('../lib/server.js');

const STORM = 200;
let server;
test.before(async () => {
  server = await startServer({ args: ['--presence-window-ms', '100', '--rate-messages-per-minute', '0'] });
});
test.after(async () => { await server.stop(); });

const open = async (u) => {
  const s = await JsonSocket.open(`${server.wsBase}/ws?token=${u.token}`);
  await s.next('connection_established');
  return s;
};

// Latest status per user as a watcher saw it.
function view(socket) {
  const seen = new Map();
  for (const m of socket.queue) if (m.type === 'user_status') seen.set(m.user_id, m.status);
  return seen;
}

test('messages stay exact and ordered through a storm, and presence converges to the truth', async () => {
  const [watcher, poster, m1, m2] = await Promise.all([register(server), register(server), register(server), register(server)]);
  const storm = await Promise.all(Array.from({ length: STORM }, () => register(server)));
  const general = (await api(server, 'GET', '/api/v1/channels', watcher.token)).body.channels.find((c) => c.name === 'general');

  const w = await open(watcher);
  const p = await open(poster);
  let sent = 0;
  const say = () => p.send({ type: 'send_message', channel_id: general.id, content: `m${sent++}`, client_id: `c${sent}` });

  // Wave 1: everyone connects while the room chats.
  const conns = [];
  for (let i = 0; i < STORM; ++i) {
    conns.push(open(storm[i]));
    if (i % 4 === 0) say();
  }
  const sockets = await Promise.all(conns);
  // Wave 2: half of them drop at once (a TCP reset, no goodbye), the room goes on.
  for (let i = 0; i < STORM; i += 2) { sockets[i].ws.terminate(); if (i % 8 === 0) say(); }
  // Wave 3: a quarter come back and leave again within moments.
  const again = await Promise.all(storm.filter((_, i) => i % 4 === 0).map(open));
  for (const s of again) { s.ws.terminate(); say(); }

  // Every message, exactly once and in order.
  const got = [];
  while (got.length < sent) {
    const m = await w.next((x) => x.type === 'new_message' && x.data.userId === poster.user.id, 10000);
    got.push(m.data.content);
  }
  assert.deepEqual(got, Array.from({ length: sent }, (_, i) => `m${i}`));

  // Presence barrier: M1, then M2.
  const s1 = await open(m1);
  await w.next((x) => x.type === 'user_status' && x.user_id === m1.user.id && x.status === 'online', 10000);
  const s2 = await open(m2);
  await w.next((x) => x.type === 'user_status' && x.user_id === m2.user.id && x.status === 'online', 10000);

  const seen = view(w);
  for (let i = 0; i < STORM; ++i) {
    const expected = i % 2 === 0 ? 'offline' : 'online';
    // A user who came and went inside one window may never have been told: unseen is offline.
    assert.equal(seen.get(storm[i].user.id) || 'offline', expected, `user ${i}`);
  }
  // The server's own answer agrees.
  w.send({ type: 'get_online_users', channel_id: general.id });
  const online = await w.next('online_users');
  const expectedOnline = [watcher, poster, m1, m2, ...storm.filter((_, i) => i % 2 === 1)].map((u) => u.user.id).sort();
  assert.deepEqual(online.users, expectedOnline);

  for (let i = 1; i < STORM; i += 2) sockets[i].ws.terminate();
  for (const s of [w, p, s1, s2]) s.ws.terminate();
});
