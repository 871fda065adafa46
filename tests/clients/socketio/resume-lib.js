'use strict';
// Shared by the Socket.IO resume suites (socketio/resume.test.js on one node,
// cluster/resume.test.js across nodes): a recording client, joins, killing the
// transport under the official client, traffic of every logged kind.
const assert = require('node:assert/strict');
const { api } = require('../lib/server');
const { connect, settle, connected } = require('./sio');

const LOGGED = {
  '/': ['new_message', 'message_edited', 'message_deleted', 'reaction_added', 'reaction_removed'],
  '/chat': ['newMessage', 'messageUpdated', 'messageDeleted'],
};

// What a client knows of one channel event, to compare event by event.
function view(e) {
  const d = e.args[0] || {};
  return { type: e.name, seq: d.seq, id: d.id || d.messageId, content: d.content, emoji: d.emoji };
}

// A socket that records every logged channel event of `channelId` with its offset.
function recorder(server, user, nsp, transports = ['websocket']) {
  const s = connect(server, { token: user.token, nsp, transports });
  s.log = [];
  s.offsets = [];
  s.onAny((name, ...args) => {
    if (!LOGGED[nsp].includes(name)) return;
    const d = args[0] || {};
    if (d.channelId !== s.room && d.roomId !== s.room) return;
    s.log.push(view({ name, args }));
    s.offsets.push(args[args.length - 1]);
  });
  return s;
}

async function join(s, nsp, channelId) {
  s.room = channelId;
  const ack = nsp === '/chat'
    ? await s.timeout(5000).emitWithAck('joinRoom', channelId)
    : await s.timeout(5000).emitWithAck('join_channel', { channelId });
  assert.equal(ack.ok, true, JSON.stringify(ack));
  return ack.data;
}

// Cuts the TCP connection under the client: no close frame, no DISCONNECT.
async function killTransport(s) {
  s.io.reconnection(false); // it comes back when the test says so
  const gone = new Promise((resolve) => s.once('disconnect', resolve));
  s.io.engine.transport.ws._socket.destroy();
  assert.equal(await gone, 'transport close');
}

async function comeBack(s) {
  s.io.reconnection(true);
  const back = connected(s, 10000);
  s.connect();
  await back;
}

async function channel(server, owner, member) {
  const r = await api(server, 'POST', '/api/v1/channels', owner.token, { name: `r${Date.now()}${Math.random()}`.slice(0, 30), type: 'public' });
  assert.equal(r.status, 201, r.text);
  if (member) assert.equal((await api(server, 'POST', `/api/v1/channels/${r.body.id}/join`, member.token)).status < 300, true);
  return r.body.id;
}

const post = async (server, user, channelId, content) => {
  const r = await api(server, 'POST', '/api/v1/messages', user.token, { channel_id: channelId, content });
  assert.equal(r.status, 201, r.text);
  return r.body.id;
};

// Posts, edits, deletes and reacts: every kind of event the namespace shows.
async function traffic(server, user, channelId, tag, withReactions) {
  const a = await post(server, user, channelId, `${tag}-a`);
  const b = await post(server, user, channelId, `${tag}-b`);
  assert.equal((await api(server, 'PATCH', `/api/v1/messages/${a}`, user.token, { content: `${tag}-a edited` })).status, 200);
  if (withReactions) {
    assert.equal((await api(server, 'POST', '/api/v1/messages/reactions', user.token, { message_id: a, emoji: '👍' })).status, 201);
    assert.equal((await api(server, 'POST', '/api/v1/messages/reactions', user.token, { message_id: b, emoji: '🎉' })).status, 201);
    assert.equal((await api(server, 'DELETE', '/api/v1/messages/reactions', user.token, { message_id: a, emoji: '👍' })).status, 204);
  }
  assert.equal((await api(server, 'DELETE', `/api/v1/messages/${b}`, user.token)).status, 204);
  await post(server, user, channelId, `${tag}-c`);
}

// Waits (round trip by round trip, no sleeping) until the socket's log satisfies pred.
async function waitLog(s, pred, what) {
  for (let i = 0; i < 2000 && !pred(s.log); ++i) await settle(s);
  assert.ok(pred(s.log), `never got ${what}: ${JSON.stringify(s.log.slice(-3))}`);
}
const until = (s, seq) => waitLog(s, (log) => log.some((e) => e.seq === seq), `seq ${seq}`);

function assertSameLog(back, stayer) {
  assert.deepEqual(back.log, stayer.log);
  for (let i = 1; i < back.log.length; ++i) assert.equal(back.log[i].seq, back.log[i - 1].seq + 1, `seq jumps at ${i}`);
  // Every logged event carried its offset, as a string, for the client to keep.
  for (const o of back.offsets) assert.match(o, /^\d+$/);
}

module.exports = { LOGGED, view, recorder, join, killTransport, comeBack, channel, post, traffic, waitLog, until, assertSameLog };
