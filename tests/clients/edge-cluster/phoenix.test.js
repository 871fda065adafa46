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
const { LongPoll, connect, join, reply, general, disconnect } = require('../phoenix/phx.js');
const { startEdge, tagOf, connections } = require('./edge.js');

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
    const clients = [];
    const wsBefore = await Promise.all(edge.nodes.map((n) => connections(n, 'phoenix')));
    // One after the other: each new session is one round-robin pick.
    for (let i = 0; i < 6; i++) {
      const longPoll = i < 3;
      const socket = await connect(lb, users[i].token, longPoll ? { transport: LongPoll } : {});
      sockets.push(socket);
      const joined = await within(join(socket, topic), `join of client ${i}`);
      assert.equal(joined.status, 'ok');
      await joined.inbox.next('presence_state');
      clients.push({ socket, inbox: joined.inbox, channel: joined.channel, longPoll });
    }
    const lpClients = clients.filter((c) => c.longPoll);
    for (const c of lpClients) {
      assert.equal(c.socket.transport, LongPoll);
      c.token = c.socket.conn.token;
      c.tag = tagOf(c.token);
    }
    assert.deepEqual(new Set(lpClients.map((c) => c.tag)), new Set(['node1', 'node2', 'node3']),
      `long-poll sessions spread: ${lpClients.map((c) => c.tag)}`);
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
