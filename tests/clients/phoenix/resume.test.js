'use strict';
// Resume (docs/api/phoenix.md#resume) with the official phoenix client on both
// transports: the client's own reconnect and rejoin send `last_seq` from a
// params() function, and the client must end with exactly the channel events
// of a client that never left.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register, freePort } = require('../lib/server.js');
const { LongPoll, WebSocket, connect, join, reply, record, general, settle, disconnect } = require('./phx.js');

const { LOGGED, logged, network, resumingClient, untilSeq, assertGapless, activity, setup, TYPES } = require('./resume-lib.js');

for (const [name, pick] of [['websocket', (n) => n.WebSocket], ['long-poll', (n) => n.LongPoll]]) {
  test(`${name}: a killed connection resumes with last_seq and ends with exactly the events of a client that never left`, async () => {
    const server = await startServer();
    try {
      const { a, b, c, w, ch } = await setup(server);
      const topic = `channel:${ch.id}`;
      const watcherSocket = await connect(server, w.token);
      const watcher = await join(watcherSocket, topic);
      assert.equal(watcher.status, 'ok');
      const net = await network();
      const victim = await resumingClient(server, a.token, topic, pick(net));
      const start = victim.state.joins[0].seq;
      assert.equal(start, watcher.response.seq, 'both joined at the same position');
      assert.equal(victim.state.joins[0].recovered, undefined, 'a join without last_seq is a plain join');

      await activity(server, ch, b, c, 'before');
      const seen = logged(watcher.inbox).at(-1).seq;
      await untilSeq(victim.inbox, seen);
      net.down();
      await activity(server, ch, b, c, 'away');
      const last = await activity(server, ch, b, c, 'again');
      await watcher.inbox.next('new_message', (p) => p.message.id === last);
      const end = logged(watcher.inbox).at(-1).seq;
      assert.ok(end > seen);
      net.up();

      await untilSeq(victim.inbox, end);
      const rejoin = victim.state.joins.at(-1);
      assert.equal(victim.state.joins.length, 2, 'one rejoin');
      assert.equal(rejoin.recovered, true);
      assert.equal(rejoin.seq, end, 'the join reply carries the channel\'s current seq');
      // Everything the server sent before this round trip has arrived: no duplicate trails behind.
      await settle(victim.socket, watcherSocket);
      const mine = logged(victim.inbox), theirs = logged(watcher.inbox);
      assert.deepEqual(mine, theirs);
      assertGapless(mine, start, end, 'victim');
      assert.deepEqual([...new Set(mine.map((e) => e.type))].sort(), [...TYPES].sort());
      // A recovered rejoin is not followed by a reload (that would duplicate what was replayed).
      assert.equal(victim.inbox.count('messages_loaded'), 1);
      // The replayed events came after the join reply, in the normal event frames.
      const order = victim.inbox.all.map((m) => m.event);
      const rejoinReply = order.lastIndexOf('phx_reply');
      assert.ok(rejoinReply >= 0 && order.indexOf('new_message', rejoinReply) > rejoinReply);
      await disconnect(victim.socket);
      await disconnect(watcherSocket);
    } finally {
      await server.stop();
    }
  });

  test(`${name}: resume across a server SIGKILL and restart on the same port and data dir`, async () => {
    let server = await startServer();
    try {
      const { a, b, c, w, ch } = await setup(server);
      const topic = `channel:${ch.id}`;
      const net = await network();
      const victim = await resumingClient(server, a.token, topic, pick(net));
      const start = victim.state.joins[0].seq;
      const before = await activity(server, ch, b, c, 'before');
      await victim.inbox.next('new_message', (p) => p.message.id === before);
      net.down();
      await server.kill('SIGKILL');
      server = await server.restart();
      // The watcher joins only now; the log and the sequence survived the kill.
      const watcherSocket = await connect(server, w.token);
      const watcher = await join(watcherSocket, topic, {});
      assert.equal(watcher.response.seq, logged(victim.inbox).at(-1).seq);
      await activity(server, ch, b, c, 'after');
      const last = await activity(server, ch, b, c, 'again');
      await watcher.inbox.next('new_message', (p) => p.message.id === last);
      const end = logged(watcher.inbox).at(-1).seq;
      net.up();

      await untilSeq(victim.inbox, end);
      const rejoin = victim.state.joins.at(-1);
      assert.equal(rejoin.recovered, true);
      assert.equal(rejoin.seq, end);
      await settle(victim.socket, watcherSocket);
      const mine = logged(victim.inbox);
      assertGapless(mine, start, end, 'victim');
      // What the victim missed is exactly what the watcher saw after the restart.
      const cut = watcher.response.seq;
      assert.deepEqual(mine.filter((e) => e.seq > cut), logged(watcher.inbox));
      await disconnect(victim.socket);
      await disconnect(watcherSocket);
    } finally {
      await server.stop();
    }
  });
}

test('beyond retention: recovered false with the reason, a reload (messages_loaded) and no replayed event', async () => {
  let server = await startServer({ args: ['--resume-retention-events', '3'] });
  try {
    const { a, b, c, ch } = await setup(server);
    const topic = `channel:${ch.id}`;
    const socket = await connect(server, a.token);
    const first = await join(socket, topic);
    const from = first.response.seq;
    await disconnect(socket);
    for (let i = 0; i < 3; ++i) await activity(server, ch, b, c, `gone${i}`);
    // Pruning runs at start: restart so the log keeps only the last 3 events.
    server = await server.restart();
    const socket2 = await connect(server, a.token);
    const back = await join(socket2, topic, { last_seq: from });
    assert.equal(back.status, 'ok');
    assert.equal(back.response.recovered, false);
    assert.equal(back.response.reason, 'beyond_retention');
    const current = back.response.seq;
    assert.ok(current > from + 3);
    const loaded = await back.inbox.next('messages_loaded');
    assert.ok(loaded.messages.some((m) => m.content === 'gone2 three'), 'the reload has the latest messages');
    // Barrier: a live event after the join must be the first logged event the client gets.
    const live = await api(server, 'POST', '/api/v1/messages', b.token, { channel_id: ch.id, content: 'live after' });
    const got = await back.inbox.next('new_message', (p) => p.message.id === live.body.id);
    assert.equal(got.seq, current + 1);
    await settle(socket2);
    assert.deepEqual(logged(back.inbox).map((e) => e.seq), [current + 1], 'nothing was replayed');

    // A position still in the log is recovered.
    const socket3 = await connect(server, a.token);
    const recent = await join(socket3, topic, { last_seq: current - 1 });
    assert.equal(recent.response.recovered, true);
    const replayed = await recent.inbox.next('new_message', (p) => p.message.id === live.body.id);
    assert.equal(replayed.seq, current + 1);
    for (const s of [socket2, socket3]) await disconnect(s);
  } finally {
    await server.stop();
  }
});

test('live traffic during a long replay: no duplicate, no gap, no reordering', async (t) => {
  const server = await startServer({ args: ['--rate-messages-per-minute', '100000'] });
  try {
    const { a, b, ch } = await setup(server);
    const topic = `channel:${ch.id}`;
    const watcherSocket = await connect(server, b.token);
    const watcher = await join(watcherSocket, topic);
    const from = watcher.response.seq;
    // Hundreds of events to replay.
    const writer = await connect(server, b.token);
    const wj = await join(writer, topic);
    const sends = [];
    for (let i = 0; i < 400; ++i) sends.push(reply(wj.channel.push('send_message', { content: `old ${i}`, temp_id: `o${i}` })));
    for (const r of await Promise.all(sends)) assert.equal(r.status, 'ok');
    // The writer keeps posting, one round trip after the other, from before the
    // resuming join until well after its reply.
    let stopAt = Infinity, posted = 0, lastId = null;
    const writing = (async () => {
      while (posted < stopAt) {
        const r = await reply(wj.channel.push('send_message', { content: `live ${posted}`, temp_id: `l${posted}` }));
        assert.equal(r.status, 'ok');
        lastId = r.response.message.id;
        ++posted;
      }
    })();
    while (posted < 5) await settle(writer);
    const socket = await connect(server, a.token);
    // And a burst in flight as the resuming join goes out.
    const burst = [];
    for (let i = 0; i < 50; ++i) burst.push(reply(wj.channel.push('send_message', { content: `burst ${i}`, temp_id: `b${i}` })));
    const asked = Date.now();
    const back = await join(socket, topic, { last_seq: from });
    assert.equal(back.response.recovered, true);
    const atReply = posted;
    untilSeq(back.inbox, back.response.seq).then(() => t.diagnostic(
      `replayed ${back.response.seq - from} events: join to last replayed event ${Date.now() - asked} ms`), () => {});
    stopAt = posted + 50;
    for (const r of await Promise.all(burst)) assert.equal(r.status, 'ok');
    await writing;
    await watcher.inbox.next('new_message', (p) => p.message.id === lastId, 20000);
    const end = logged(watcher.inbox).at(-1).seq;
    await untilSeq(back.inbox, end);
    await settle(socket);
    const mine = logged(back.inbox);
    assertGapless(mine, from, end, 'resumed');
    assert.deepEqual(mine, logged(watcher.inbox));
    assert.equal(back.inbox.count('messages_loaded'), 0);
    assert.ok(mine.length >= 400 + atReply + 50, 'the replay and the live posts');
    assert.ok(end >= back.response.seq + 50, 'live posts were committed after the resume began');
    for (const s of [socket, writer, watcherSocket]) await disconnect(s);
  } finally {
    await server.stop();
  }
});

test('bad last_seq, unknown position and unknown channel are answered in the Phoenix error format', async () => {
  const server = await startServer();
  try {
    const { a, ch } = await setup(server);
    const socket = await connect(server, a.token);
    const topic = `channel:${ch.id}`;
    for (const bad of ['5', -1, 1.5, true, { n: 1 }]) {
      const r = await join(socket, topic, { last_seq: bad });
      assert.equal(r.status, 'error', JSON.stringify(bad));
      assert.equal(r.response.reason, 'invalid');
      assert.match(r.response.message, /last_seq/);
      assert.ok(Array.isArray(r.response.errors.last_seq));
      r.channel.leave();
    }
    const unknown = await join(socket, 'channel:no-such-channel', { last_seq: 0 });
    assert.equal(unknown.status, 'error');
    assert.ok(unknown.response.reason);
    // A position the channel has not reached: not recovered, reload.
    const ahead = await join(socket, topic, { last_seq: 1000000 });
    assert.equal(ahead.status, 'ok');
    assert.equal(ahead.response.recovered, false);
    assert.equal(ahead.response.reason, 'unknown_position');
    await ahead.inbox.next('messages_loaded');
    // The socket is still fine.
    assert.equal((await reply(ahead.channel.push('send_message', { content: 'still here', temp_id: 't' }))).status, 'ok');
    await disconnect(socket);
  } finally {
    await server.stop();
  }
});

test('join replies carry the channel\'s current seq; presence_diff and typing carry none', async () => {
  const server = await startServer();
  try {
    const { a, b, ch } = await setup(server);
    const topic = `channel:${ch.id}`;
    const sa = await connect(server, a.token);
    const ja = await join(sa, topic);
    const posted = await api(server, 'POST', '/api/v1/messages', b.token, { channel_id: ch.id, content: 'x' });
    const got = await ja.inbox.next('new_message', (p) => p.message.id === posted.body.id);
    assert.equal(got.seq, ja.response.seq + 1);
    const sb = await connect(server, b.token);
    const jb = await join(sb, topic);
    assert.equal(jb.response.seq, got.seq);
    const diff = await ja.inbox.next('presence_diff', (d) => d.joins[b.user.id]);
    assert.equal(diff.seq, undefined);
    await reply(jb.channel.push('typing_start', {}));
    const typing = await ja.inbox.next('typing_start');
    assert.equal(typing.seq, undefined);
    await disconnect(sa);
    await disconnect(sb);
  } finally {
    await server.stop();
  }
});

test('access lost while away: the resuming rejoin is refused (Access denied) and nothing is replayed', async () => {
  const server = await startServer();
  try {
    const a = await register(server), b = await register(server);
    const created = await api(server, 'POST', '/api/v1/channels', b.token, { name: `secret${process.pid}`, type: 'private' });
    assert.equal(created.status, 201, created.text);
    const ch = created.body;
    assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.id}/members`, b.token, { user_id: a.user.id })).status, 201);
    const net = await network();
    const victim = await resumingClient(server, a.token, `channel:${ch.id}`, net.WebSocket);
    const first = await api(server, 'POST', '/api/v1/messages', b.token, { channel_id: ch.id, content: 'seen' });
    await victim.inbox.next('new_message', (p) => p.message.id === first.body.id);
    net.down();
    await api(server, 'POST', '/api/v1/messages', b.token, { channel_id: ch.id, content: 'not for a' });
    assert.equal((await api(server, 'DELETE', `/api/v1/channels/${ch.id}/members/${a.user.id}`, b.token)).status, 204);
    const refused = new Promise((resolve) => victim.channel.joinPush.receive('error', resolve));
    net.up();
    const r = await refused;
    assert.equal(r.reason, 'Access denied');
    victim.channel.leave();
    await settle(victim.socket);
    assert.deepEqual(logged(victim.inbox).map((e) => e.message), [first.body.id], 'nothing after the drop');
    await disconnect(victim.socket);
  } finally {
    await server.stop();
  }
});
