'use strict';
// Socket.IO through the shipped HAProxy config in front of three nodes
// (docs/cluster.md, "Behind a load balancer"), with the official
// socket.io-client. No sticky cookie: HAProxy balances every request that has
// no sid round-robin and sends every one that has a sid to the node named by
// its tag. With transports ['polling'] each poll is a request of its own, so a
// single misrouted one would end the session ("Session ID unknown"): the
// sessions below keep their sid and never disconnect while they exchange
// messages with clients on the other nodes. Then the same with the default
// polling -> websocket upgrade, whose upgrade request must reach the owner too.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register } = require('../lib/server.js');
const { clusterMissing } = require('../lib/cluster.js');
const { haproxyMissing } = require('../lib/haproxy.js');
const sio = require('../socketio/sio.js');
const { startEdge, tagOf, connections, socketIoExchange } = require('./edge.js');

const missing = clusterMissing() || haproxyMissing();
if (missing) {
  test('Socket.IO behind HAProxy', { skip: `skipped: ${missing}` }, () => {});
} else {
  let edge, lb, general;
  const users = [];
  const open = [];

  test.before(async () => {
    edge = await startEdge();
    lb = edge.lb;
    for (let i = 0; i < 6; i++) users.push(await register(lb));
    general = (await api(lb, 'GET', '/api/v1/channels', users[0].token)).body.channels.find((x) => x.name === 'general').id;
  });

  test.after(async () => {
    for (const s of open) s.close();
    const exits = await edge?.stop();
    for (const e of exits || []) assert.deepEqual(e, { code: 0, signal: null });
  });

  // Three "/" and three "/chat" clients through the balancer, one after the
  // other (so the round-robin handshakes land on each node in turn), joined
  // to #general. Each remembers its sid and counts its disconnects.
  async function connectAll(transports) {
    const clients = [];
    for (let i = 0; i < 6; i++) {
      const nsp = i < 3 ? '/' : '/chat';
      const s = sio.connect(lb, { nsp, token: users[i].token, how: nsp === '/' ? 'auth' : 'query', transports });
      open.push(s);
      s.disconnects = [];
      s.on('disconnect', (reason) => s.disconnects.push(reason));
      await sio.connected(s);
      s.sid = s.io.engine.id;
      s.tag = tagOf(s.sid);
      if (nsp === '/') assert.equal((await s.emitWithAck('join_channel', { channelId: general })).ok, true);
      else await s.emitWithAck('joinRoom', general);
      clients.push(s);
    }
    return clients;
  }

  test('polling only: six clients on three nodes, every poll routed by sid, messages between all of them', async () => {
    const clients = await connectAll(['polling']);
    const tags = clients.map((s) => s.tag);
    assert.deepEqual(new Set(tags), new Set(['node1', 'node2', 'node3']), `handshakes spread round-robin: ${tags}`);
    for (const node of edge.nodes) {
      const total = await connections(node, 'socketio') + await connections(node, 'socketio-chat');
      assert.ok(total >= 1, `node on port ${node.port} holds sessions`);
    }
    await socketIoExchange(clients, general, 'polling');
    for (const s of clients) {
      assert.equal(s.io.engine.transport.name, 'polling');
      assert.equal(s.io.engine.id, s.sid, 'the same session all along');
      assert.deepEqual(s.disconnects, [], 'no poll ever reached a node that did not know its sid');
    }
    for (const s of clients) s.close();
  });

  test('default transports: polling handshake, then the upgrade to WebSocket reaches the owning node', async () => {
    const clients = await connectAll(undefined);
    assert.deepEqual(new Set(clients.map((s) => s.tag)), new Set(['node1', 'node2', 'node3']));
    for (const s of clients) {
      await sio.upgraded(s, 8000);
      assert.equal(s.io.engine.id, s.sid, 'upgraded the same session (its node knew the sid)');
    }
    await socketIoExchange(clients, general, 'websocket');
    for (const s of clients) {
      assert.equal(s.io.engine.transport.name, 'websocket');
      assert.deepEqual(s.disconnects, []);
    }
  });
}
