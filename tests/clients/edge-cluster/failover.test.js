'use strict';
// A node that stops (SIGTERM) fails HAProxy's /readyz health check and leaves
// the pool: new sessions go to the other two, and the official clients whose
// sessions it held (Socket.IO polling, Phoenix LongPoll) start new sessions on
// them through the balancer and chat again. A poll that still names the dead
// node gets the protocol's "unknown session" answer from a live one.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register } = require('../lib/server.js');
const { clusterMissing } = require('../lib/cluster.js');
const { haproxyMissing } = require('../lib/haproxy.js');
const sio = require('../socketio/sio.js');
const phx = require('../phoenix/phx.js');
const { startEdge, tagOf } = require('./edge.js');

const missing = clusterMissing() || haproxyMissing();
if (missing) {
  test('failover behind HAProxy', { skip: `skipped: ${missing}` }, () => {});
} else {
  let edge, lb, general;
  const users = [];
  const open = [];

  test.before(async () => {
    edge = await startEdge();
    lb = edge.lb;
    for (let i = 0; i < 4; i++) users.push(await register(lb));
    general = (await api(lb, 'GET', '/api/v1/channels', users[0].token)).body.channels.find((x) => x.name === 'general').id;
  });
  test.after(async () => {
    for (const s of open) s.close?.();
    const exits = await edge?.stop();
    // node3 was stopped by the test (SIGTERM, clean exit) before.
    for (const e of exits || []) assert.deepEqual(e, { code: 0, signal: null });
  });

  async function until(cond, what, timeoutMs = 10000) {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`not reached: ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // A polling-only Socket.IO client on "/" joined to #general.
  async function pollingClient(user) {
    const s = sio.connect(lb, { token: user.token, transports: ['polling'] });
    open.push(s);
    await sio.connected(s);
    assert.equal((await s.emitWithAck('join_channel', { channelId: general })).ok, true);
    return s;
  }

  test('node3 stops: health check takes it out, its clients reconnect elsewhere, new sessions avoid it', async () => {
    // Sessions on node3 and elsewhere: the round-robin puts one of three on each node.
    const clients = [];
    for (let i = 0; i < 3; i++) clients.push(await pollingClient(users[i]));
    const onNode3 = clients.find((s) => tagOf(s.io.engine.id) === 'node3');
    const witness = clients.find((s) => tagOf(s.io.engine.id) !== 'node3');
    assert.ok(onNode3 && witness, `one client per node: ${clients.map((s) => s.io.engine.id)}`);
    const oldSid = onNode3.io.engine.id;

    // Phoenix LongPoll sessions until one is on node3.
    let lpOnNode3;
    for (let i = 0; i < 3 && !lpOnNode3; i++) {
      const socket = await phx.connect(lb, users[3].token, { transport: phx.LongPoll });
      open.push({ close: () => socket.disconnect() });
      if (tagOf(socket.conn.token) === 'node3') lpOnNode3 = socket;
    }
    assert.ok(lpOnNode3, 'a long-poll session on node3');
    const joined = await phx.join(lpOnNode3, `channel:${general}`);
    assert.equal(joined.status, 'ok');
    const lpReopened = new Promise((resolve) => lpOnNode3.onOpen(resolve));
    let lpErrored = false;
    joined.channel.onError(() => { lpErrored = true; });

    const reconnected = new Promise((resolve) => onNode3.io.on('reconnect', resolve));
    await edge.nodes[2].stop();
    await lb.waitStatus('node3', 'DOWN');

    // A poll naming node3 now gets another node's normal answer.
    const stale = await sio.poll(lb, { sid: oldSid });
    assert.equal(stale.status, 400);
    assert.deepEqual(JSON.parse(stale.text), { code: 1, message: 'Session ID unknown' });

    // The official clients find a new session through the balancer, not on node3.
    await reconnected;
    await sio.connected(onNode3);
    assert.notEqual(tagOf(onNode3.io.engine.id), 'node3');
    await lpReopened;
    assert.notEqual(tagOf(lpOnNode3.conn.token), 'node3');

    // Both chat again: the Socket.IO client rejoins and hears the witness,
    // the Phoenix client's channel rejoins by itself (its state says when) and hears it too.
    assert.equal((await onNode3.emitWithAck('join_channel', { channelId: general })).ok, true);
    await until(() => lpErrored && joined.channel.state === 'joined', 'the Phoenix channel rejoined');
    const content = 'after node3 left';
    witness.emit('send_message', { channelId: general, content });
    await sio.next(onNode3, 'new_message', (m) => m.content === content, 8000);
    await joined.inbox.next('new_message', (p) => p.message.content === content, 8000);

    // New sessions: six handshakes, all on node1 and node2.
    const tags = [];
    for (let i = 0; i < 6; i++) {
      const { sid } = await sio.pollingHandshake(lb);
      tags.push(tagOf(sid));
    }
    assert.ok(tags.every((t) => t !== 'node3'), `no new session on node3: ${tags}`);
    assert.deepEqual(new Set(tags), new Set(['node1', 'node2']), `still balanced over the two others: ${tags}`);
  });
}
