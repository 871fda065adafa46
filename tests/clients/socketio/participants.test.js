'use strict';
// Seed 002 room participants on "/chat": the others in a room see
// userJoinedRoom when a user's first socket joins it and userLeftRoom when
// their last socket leaves it (leaveRoom or disconnect), and membership changes
// of users who are not in the room. Room events leave through the server's
// ephemeral lane, which coalesces over a window; the barrier for "nothing
// about bob" is a later room event about carol, which the lane can only
// deliver after anything bob's earlier actions caused.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api } = require('../lib/server');
// Room participation (first socket in, last socket out) is counted per node.
const { connect, next, connected } = require('./sio');

let server, alice, bob, carol, dave;
before(async () => {
  server = await startServer({ args: ['--presence-window-ms', '50', '--rate-joins-per-minute', '0'] });
  [alice, bob, carol, dave] = await Promise.all([register(server), register(server), register(server), register(server)]);
});
after(async () => { await server.stop(); });

async function room(owner, type = 'public') {
  const r = await api(server, 'POST', '/api/v1/channels', owner.token, { name: `p${Date.now()}${Math.random()}`.slice(0, 40), type });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
}

async function chat(who) {
  const s = connect(server, { nsp: '/chat', token: who.token, transports: ['websocket'] });
  await connected(s);
  return s;
}

async function join(s, roomId) {
  s.emit('joinRoom', roomId);
  assert.equal(await next(s, 'joinedRoom'), roomId);
}

function count(s, name, userId, roomId) {
  return s.events.filter((e) => e.name === name && e.args[0].userId === userId && e.args[0].roomId === roomId).length;
}

// Carol joins and leaves: once alice has seen both, every room event about
// anyone that was caused before has reached her.
async function barrier(watcher, roomId) {
  const c = await chat(carol);
  await join(c, roomId);
  await next(watcher, 'userJoinedRoom', (d) => d.userId === carol.user.id && d.roomId === roomId);
  c.close();
  await next(watcher, 'userLeftRoom', (d) => d.userId === carol.user.id && d.roomId === roomId);
}

test('first socket in and last socket out are told; the others are not', async () => {
  const roomId = await room(alice);
  const a = await chat(alice);
  await join(a, roomId);

  const b1 = await chat(bob);
  await join(b1, roomId);
  const joined = await next(a, 'userJoinedRoom', (d) => d.userId === bob.user.id);
  assert.equal(joined.roomId, roomId);

  const b2 = await chat(bob);
  await join(b2, roomId);           // a second socket: nothing new
  b1.emit('leaveRoom', roomId);     // one of two leaves: still in
  await next(b1, 'leftRoom');
  await barrier(a, roomId);
  assert.equal(count(a, 'userJoinedRoom', bob.user.id, roomId), 0); // the first one was taken by next()
  assert.equal(count(a, 'userLeftRoom', bob.user.id, roomId), 0);

  b2.close(); // the last socket disconnects
  const left = await next(a, 'userLeftRoom', (d) => d.userId === bob.user.id);
  assert.equal(left.roomId, roomId);

  // leaveRoom of the last socket is told too.
  const b3 = await chat(bob);
  await join(b3, roomId);
  await next(a, 'userJoinedRoom', (d) => d.userId === bob.user.id);
  b3.emit('leaveRoom', roomId);
  await next(a, 'userLeftRoom', (d) => d.userId === bob.user.id);
  await barrier(a, roomId);
  assert.equal(count(a, 'userJoinedRoom', bob.user.id, roomId), 0);
  assert.equal(count(a, 'userLeftRoom', bob.user.id, roomId), 0);
  b1.close(); b3.close(); a.close();
});

test('nobody hears about their own sockets', async () => {
  const roomId = await room(alice);
  const a1 = await chat(alice);
  await join(a1, roomId);
  const a2 = await chat(alice);
  await join(a2, roomId);
  await barrier(a1, roomId);
  assert.equal(count(a1, 'userJoinedRoom', alice.user.id, roomId), 0);
  a1.close(); a2.close();
});

test('membership changes of users not in the room are told as well, once', async () => {
  const roomId = await room(alice, 'private');
  const a = await chat(alice);
  await join(a, roomId);
  // dave is not connected: adding and removing him are membership events.
  let r = await api(server, 'POST', `/api/v1/channels/${roomId}/members`, alice.token, { user_id: dave.user.id });
  assert.ok(r.status === 200 || r.status === 201 || r.status === 204, r.text);
  await next(a, 'userJoinedRoom', (d) => d.userId === dave.user.id && d.roomId === roomId);
  r = await api(server, 'DELETE', `/api/v1/channels/${roomId}/members/${dave.user.id}`, alice.token);
  assert.ok(r.status === 200 || r.status === 204, r.text);
  await next(a, 'userLeftRoom', (d) => d.userId === dave.user.id && d.roomId === roomId);

  // bob becomes a member by joining a public room: one userJoinedRoom, not two
  // (his membership and his socket entering are the same arrival).
  const pub = await room(alice);
  await join(a, pub);
  const b = await chat(bob);
  await join(b, pub);
  await next(a, 'userJoinedRoom', (d) => d.userId === bob.user.id && d.roomId === pub);
  await barrier(a, pub);
  assert.equal(count(a, 'userJoinedRoom', bob.user.id, pub), 0);
  a.close(); b.close();
});
