'use strict';
// Resume in both Socket.IO namespaces with the official socket.io-client,
// unchanged (only `auth: {token}`): connection state recovery (pid in the
// CONNECT answer, the log position as each logged event's last argument,
// {pid, offset} in the reconnect's auth), across a killed TCP connection and a
// SIGKILLed server; seed 002's syncMessages replayed exactly from the log.
const { test, describe, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register } = require('../lib/server');
const { connect, next, settle, connected } = require('./sio');

const {
  LOGGED, recorder, join, killTransport, comeBack, channel, post, traffic, waitLog, until, assertSameLog,
} = require('./resume-lib');

for (const nsp of ['/', '/chat']) {
  const reactions = nsp === '/'; // seed 002 has no reaction events
  describe(`Socket.IO ${nsp}: connection state recovery`, () => {
    let server, alice, bob;
    before(async () => {
      server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
      [alice, bob] = await Promise.all([register(server), register(server)]);
    });
    after(async () => { await server.stop(); });

    test('join acks carry the channel\'s current seq; logged events carry seq and a string offset', async () => {
      const channelId = await channel(server, alice, bob);
      await post(server, alice, channelId, 'before');
      const s = recorder(server, bob, nsp);
      await connected(s);
      assert.equal(typeof s._pid, 'string'); // the CONNECT answer carried a pid
      const joined = await join(s, nsp, channelId);
      const w = recorder(server, alice, nsp);
      await connected(w);
      await join(w, nsp, channelId);
      await post(server, alice, channelId, 'after');
      await until(s, joined.seq + 1);
      assert.equal(s.log.at(-1).content, 'after');
      // A later join reports exactly the seq of the last event seen.
      const t = recorder(server, alice, nsp);
      await connected(t);
      assert.equal((await join(t, nsp, channelId)).seq, s.log.at(-1).seq);
      // The client kept the last offset (a string), which is the event's log position.
      assert.equal(s._lastOffset, s.offsets.at(-1));
      s.close(); w.close(); t.close();
    });

    test('a killed connection comes back recovered with exactly the events it missed', async () => {
      const channelId = await channel(server, alice, bob);
      const stayer = recorder(server, alice, nsp);
      const back = recorder(server, bob, nsp);
      await Promise.all([connected(stayer), connected(back)]);
      await join(stayer, nsp, channelId);
      await join(back, nsp, channelId);
      await traffic(server, alice, channelId, 'one', reactions);
      await settle(back);
      const pid = back._pid;
      await killTransport(back);
      await traffic(server, alice, channelId, 'two', reactions);
      await comeBack(back);
      assert.equal(back.recovered, true);
      assert.equal(back._pid, pid);
      await traffic(server, alice, channelId, 'three', reactions); // the room was restored
      await settle(stayer);
      await until(back, stayer.log.at(-1).seq);
      await settle(back);
      assertSameLog(back, stayer);
      assert.ok(back.log.some((e) => e.content === 'two-c'));
      stayer.close(); back.close();
    });

    test('the same across a SIGKILL of the server', async () => {
      const channelId = await channel(server, alice, bob);
      const stayerBefore = recorder(server, alice, nsp);
      const back = recorder(server, bob, nsp);
      await Promise.all([connected(stayerBefore), connected(back)]);
      await join(stayerBefore, nsp, channelId);
      await join(back, nsp, channelId);
      await traffic(server, alice, channelId, 'one', reactions);
      await killTransport(back);
      await traffic(server, alice, channelId, 'two', reactions);
      await settle(stayerBefore);
      const beforeDeath = [...stayerBefore.log];
      await server.kill('SIGKILL');
      server = await server.restart();
      await traffic(server, alice, channelId, 'three', reactions);
      await comeBack(back);
      assert.equal(back.recovered, true);
      await traffic(server, alice, channelId, 'four', reactions);
      // A client that never left: what the first stayer saw, then the rest from the log's view.
      const stayer = recorder(server, alice, nsp);
      await connected(stayer);
      const seq = (await join(stayer, nsp, channelId)).seq;
      await until(back, seq);
      await settle(back);
      // Everything up to the server's death came live to the first stayer;
      // back must hold that, then everything after, each seq once, in order.
      assert.deepEqual(back.log.slice(0, beforeDeath.length), beforeDeath);
      assert.equal(back.log.at(-1).seq, seq);
      assert.ok(back.log.some((e) => e.content === 'three-c') && back.log.some((e) => e.content === 'four-c'));
      for (let i = 1; i < back.log.length; ++i) assert.equal(back.log[i].seq, back.log[i - 1].seq + 1);
      stayerBefore.close(); stayer.close(); back.close();
    });

    test('default transports and the client\'s own reconnection: recovered after a SIGKILL', async () => {
      const channelId = await channel(server, alice, bob);
      const back = recorder(server, bob, nsp, undefined); // polling, then the upgrade
      await connected(back);
      await join(back, nsp, channelId);
      await traffic(server, alice, channelId, 'one', reactions);
      await settle(back);
      // The socket's own connect: the manager's 'reconnect' comes before the CONNECT answer.
      const reconnected = new Promise((resolve) => back.once('connect', resolve));
      await server.kill('SIGKILL');
      server = await server.restart();
      await traffic(server, alice, channelId, 'two', reactions); // before or after the reconnect: either way exact
      await reconnected;
      assert.equal(back.recovered, true);
      await traffic(server, alice, channelId, 'three', reactions);
      const fresh = recorder(server, alice, nsp);
      await connected(fresh);
      const seq = (await join(fresh, nsp, channelId)).seq;
      await until(back, seq);
      await settle(back);
      for (const tag of ['one', 'two', 'three']) assert.ok(back.log.some((e) => e.content === `${tag}-c`), tag);
      for (let i = 1; i < back.log.length; ++i) assert.equal(back.log[i].seq, back.log[i - 1].seq + 1, `seq jumps at ${i}`);
      assert.equal(new Set(back.log.map((e) => e.seq)).size, back.log.length);
      fresh.close(); back.close();
    });

    test('live traffic during a long replay: no duplicate, no gap, no reordering', async () => {
      const channelId = await channel(server, alice, bob);
      const stayer = recorder(server, alice, nsp);
      const back = recorder(server, bob, nsp);
      await Promise.all([connected(stayer), connected(back)]);
      await join(stayer, nsp, channelId);
      await join(back, nsp, channelId);
      await post(server, alice, channelId, 'first');
      await waitLog(back, (log) => log.length === 1, 'the first message');
      await killTransport(back);
      for (let i = 0; i < 300; ++i) await post(server, alice, channelId, `missed ${i}`);
      let live = 0;
      const writer = (async () => { for (; live < 60; ++live) await post(server, alice, channelId, `live ${live}`); })();
      await comeBack(back);
      await writer;
      assert.equal(back.recovered, true);
      await settle(stayer);
      await until(back, stayer.log.at(-1).seq);
      await settle(back);
      assert.equal(back.log.length, 361);
      assertSameLog(back, stayer);
      stayer.close(); back.close();
    });

    test('bad or unknown pid and offset: a fresh session (recovered false), nothing replayed, no crash', async () => {
      const channelId = await channel(server, alice, bob);
      for (const bad of [{ pid: 'no-such-pid', offset: '1' }, { offset: 'abc' }, { offset: '-5' }, { offset: '1.5' },
        { offset: 7 }, { offset: '99999999999' }, { pid: 42 }, { pid: { a: 1 }, offset: [] }]) {
        // A real session, dropped (not closed) after it saw one message.
        const first = recorder(server, bob, nsp);
        await connected(first);
        await join(first, nsp, channelId);
        await post(server, alice, channelId, 'seen');
        await waitLog(first, (log) => log.length === 1, 'the message');
        const pid = first._pid;
        await killTransport(first);
        await post(server, alice, channelId, 'missed');
        const auth = { token: bob.token, pid, ...bad };
        const s = connect(server, { nsp, transports: ['websocket'], client: { auth } });
        s.log = [];
        s.onAny((name, ...args) => { if (LOGGED[nsp].includes(name)) s.log.push(name, args); });
        await connected(s);
        assert.equal(s.recovered, false, JSON.stringify(bad));
        assert.equal(typeof s._pid, 'string');
        assert.notEqual(s._pid, pid);
        await post(server, alice, channelId, 'not for you');
        await settle(s); // the barrier: a replayed or live event would be in by now
        assert.deepEqual(s.log, [], JSON.stringify(bad)); // rooms not restored, nothing replayed
        s.close();
        // A refused attempt ends the session: the right offset does not revive it.
        if (bad.pid === undefined) {
          const again = connect(server, { nsp, transports: ['websocket'], client: { auth: { token: bob.token, pid, offset: first._lastOffset } } });
          await connected(again);
          assert.equal(again.recovered, false);
          again.close();
        }
        first.close();
      }
    });

    test('a pid is good for its own user only', async () => {
      const channelId = await channel(server, alice, bob);
      const first = recorder(server, bob, nsp);
      await connected(first);
      await join(first, nsp, channelId);
      // The rooms are saved by a queued write; a committed post is written after it
      // by the same writer, so it goes to first's own node (on a cluster another
      // node's writer commits in no order with it).
      await post({ base: new URL(first.io.uri).origin }, alice, channelId, 'barrier');
      const pid = first._pid;
      await killTransport(first);
      const thief = connect(server, { nsp, transports: ['websocket'], client: { auth: { token: alice.token, pid } } });
      await connected(thief);
      assert.equal(thief.recovered, false);
      thief.close();
      await comeBack(first); // and the owner still recovers it
      assert.equal(first.recovered, true);
      first.close();
    });
  });

  describe(`Socket.IO ${nsp}: beyond retention`, () => {
    let server, alice, bob;
    before(async () => {
      server = await startServer({ args: ['--rate-messages-per-minute', '0', '--resume-retention-events', '3'] });
      [alice, bob] = await Promise.all([register(server), register(server)]);
    });
    after(async () => { await server.stop(); });

    test('recovered false, a new pid, no room and no replayed event', async () => {
      const channelId = await channel(server, alice, bob);
      const back = recorder(server, bob, nsp);
      await connected(back);
      await join(back, nsp, channelId);
      await post(server, alice, channelId, 'seen');
      await waitLog(back, (log) => log.length === 1, 'the message');
      const pid = back._pid;
      await killTransport(back);
      for (let i = 0; i < 10; ++i) await post(server, alice, channelId, `gone ${i}`);
      // Pruning runs at start: the restart applies the retention of 3 at once.
      await server.kill('SIGKILL');
      server = await server.restart();
      // The start's prune is a queued write; a committed post is written after it.
      await post(server, alice, channelId, 'after the restart');
      const seen = back.log.length;
      await comeBack(back);
      assert.equal(back.recovered, false);
      assert.notEqual(back._pid, pid);
      await post(server, alice, channelId, 'after');
      await settle(back); // the barrier: anything replayed or live would be in by now
      assert.equal(back.log.length, seen);
      back.close();
    });
  });
}

describe('Socket.IO /chat: syncMessages replays edits and deletions exactly', () => {
  let server, alice, bob;
  before(async () => {
    server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
    [alice, bob] = await Promise.all([register(server), register(server)]);
  });
  after(async () => { await server.stop(); });

  test('from the last message seen: newMessage, messageUpdated, messageDeleted in seq order, then syncComplete', async () => {
    const channelId = await channel(server, alice, bob);
    const stayer = recorder(server, alice, '/chat');
    await connected(stayer);
    await join(stayer, '/chat', channelId);
    const lastSeen = await post(server, alice, channelId, 'seen');
    await traffic(server, alice, channelId, 'missed', false);
    await settle(stayer);
    const s = recorder(server, bob, '/chat');
    await connected(s);
    await join(s, '/chat', channelId);
    const done = next(s, 'syncComplete');
    const ack = await s.timeout(5000).emitWithAck('syncMessages', { roomId: channelId, lastMessageId: lastSeen });
    const complete = await done;
    assert.deepEqual(ack, { ok: true, data: complete });
    assert.equal(complete.recovered, true);
    assert.equal(complete.roomId, channelId);
    assert.equal(complete.hasMore, false);
    assert.equal(complete.syncedMessageCount, 3); // missed-a, missed-b (deleted later), missed-c
    const fromSeen = stayer.log.slice(stayer.log.findIndex((e) => e.id === lastSeen) + 1);
    assert.deepEqual(s.log, fromSeen);
    assert.deepEqual(s.log.map((e) => e.type), ['newMessage', 'newMessage', 'messageUpdated', 'messageDeleted', 'newMessage']);
    for (let i = 1; i < s.log.length; ++i) assert.equal(s.log[i].seq, s.log[i - 1].seq + 1);
    stayer.close(); s.close();
  });

  test('bad input: the namespace\'s own error shape', async () => {
    const channelId = await channel(server, alice, bob);
    const s = connect(server, { token: bob.token, nsp: '/chat', transports: ['websocket'] });
    await connected(s);
    await join(s, '/chat', channelId);
    const notString = await s.timeout(5000).emitWithAck('syncMessages', { roomId: channelId, lastMessageId: 12 });
    assert.deepEqual(notString, { ok: false, error: { code: 'validation_error', field: 'lastMessageId', message: 'lastMessageId must be a string' } });
    assert.equal((await next(s, 'error')).event, 'syncMessages');
    const unknownRoom = await s.timeout(5000).emitWithAck('syncMessages', { roomId: 'no-such-room', lastMessageId: 'x' });
    assert.equal(unknownRoom.ok, false);
    assert.equal(typeof unknownRoom.error.code, 'string');
    const unknownMessage = await s.timeout(5000).emitWithAck('syncMessages', { roomId: channelId, lastMessageId: 'no-such-message' });
    assert.equal(unknownMessage.ok, false);
    assert.equal(typeof unknownMessage.error.message, 'string');
    s.close();
  });
});
