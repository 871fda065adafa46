'use strict';
// Phoenix through the shipped HAProxy config in front of three nodes, with the
// official `phoenix` client: over LongPoll, whose session token names its node
// and every later GET/POST is routed on it (the app's JWT is also a `token`
// parameter: the balancer must pick the session's), and over WebSocket, which
// is balanced round-robin and stays where it was opened. Messages go between
// all of them, across nodes.
const test = require('node:test');
const assert = require('node:assert/strict');
const { register } = require('../lib/server.js');
const { clusterMissing } = require('../lib/cluster.js');
const { haproxyMissing } = require('../lib/haproxy.js');
const { reply, general, disconnect } = require('../phoenix/phx.js');
const { startEdge, connections, phoenixSix } = require('./edge.js');

const missing = clusterMissing() || haproxyMissing();
if (missing) {
  test('Phoenix behind HAProxy', { skip: `skipped: ${missing}` }, () => {});
} else {
  let edge, lb;
  const sockets = [];

  // A join that never completes fails here, like the helpers' event waits,
  // instead of hanging (a misrouted long-poll session is reopened for ever).
  function within(promise, what, ms = 10000) {
    let timer;
    const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer: ${what}`)), ms); });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }

  test.before(async () => { edge = await startEdge(); lb = edge.lb; });
  test.after(async () => {
    for (const s of sockets) await disconnect(s);
    const exits = await edge?.stop();
    for (const e of exits || []) assert.deepEqual(e, { code: 0, signal: null });
  });

  test('three LongPoll and three WebSocket clients spread over three nodes exchange messages', async () => {
    const users = [];
    for (let i = 0; i < 6; i++) users.push(await register(lb));
    const topic = `channel:${(await general(lb, users[0].token)).id}`;
    const wsBefore = await Promise.all(edge.nodes.map((n) => connections(n, 'phoenix')));
    const clients = await phoenixSix(lb, users.map((u) => u.token), topic,
      { onSocket: (socket) => sockets.push(socket), joined: (p, i) => within(p, `join of client ${i}`) });
    const lpClients = clients.filter((c) => c.longPoll);
    // Every node holds its long-poll session and one more Phoenix connection: a WebSocket.
    const after = await Promise.all(edge.nodes.map((n) => connections(n, 'phoenix')));
    assert.deepEqual(after.map((n, i) => n - wsBefore[i]), [2, 2, 2], `phoenix connections per node: ${after}`);

    for (const [i, c] of clients.entries()) {
      const content = `${c.longPoll ? 'long-poll' : 'websocket'} client ${i}`;
      const sent = await reply(c.channel.push('send_message', { content, temp_id: `t${i}` }));
      assert.equal(sent.status, 'ok');
      await Promise.all(clients.filter((o) => o !== c).map((o) =>
        o.inbox.next('new_message', (p) => p.message.id === sent.response.message.id && p.message.content === content, 8000)));
    }
    for (const c of lpClients) assert.equal(c.socket.conn.token, c.token, 'the same long-poll session all along');
  });
}
