'use strict';
// Shared by the edge-cluster suites: a three-node cluster behind the shipped
// HAProxy config, and what the suites read from each node.
const assert = require('node:assert/strict');
const { startCluster } = require('../lib/cluster.js');
const { startHaproxy } = require('../lib/haproxy.js');

async function startEdge(args = []) {
  const cluster = await startCluster({ nodes: 3, args: ['--rate-messages-per-minute', '0', ...args] });
  let lb;
  try {
    lb = await startHaproxy(cluster.nodes);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return {
    cluster, lb, nodes: cluster.nodes,
    async stop() {
      await lb.stop();
      return cluster.stop();
    },
  };
}

// The node tag in front of a polling session id ("node2.xxxx" -> "node2").
function tagOf(id) {
  assert.match(id, /^node[123]\.[A-Za-z0-9_-]+$/, `a tagged session id: ${id}`);
  return id.slice(0, id.indexOf('.'));
}

// A node's open connections of one dialect, from its own /metrics.
async function connections(node, dialect) {
  const text = await (await fetch(`${node.base}/metrics`)).text();
  const m = new RegExp(`^switchboard_connections\\{dialect="${dialect}"\\} (\\d+)$`, 'm').exec(text);
  assert.ok(m, `switchboard_connections{dialect="${dialect}"} in /metrics:\n${text.slice(0, 600)}`);
  return Number(m[1]);
}

// Every Socket.IO client (namespaces / and /chat) sends one message to the
// channel; every other client must receive each of them.
async function socketIoExchange(clients, channelId, label) {
  const sio = require('../socketio/sio.js');
  for (const [i, s] of clients.entries()) {
    const content = `${label} from client ${i} on ${s.tag}`;
    if (s.nsp === '/') s.emit('send_message', { channelId, content });
    else s.emit('sendMessage', { roomId: channelId, content });
    await Promise.all(clients.filter((o) => o !== s).map((o) =>
      sio.next(o, o.nsp === '/' ? 'new_message' : 'newMessage', (m) => m.content === content, 8000)));
  }
}

// Six official Phoenix clients through a balancer, one after the other (each
// new session is one round-robin pick): three over LongPoll, three over
// WebSocket, each joined to `topic`. The long-poll sessions must carry the
// tags of all three nodes. `joined(promise, i)` may wrap each join (a timeout).
async function phoenixSix(balancer, tokens, topic, { onSocket = () => {}, joined = (p) => p } = {}) {
  const { LongPoll, connect, join } = require('../phoenix/phx.js');
  const clients = [];
  for (let i = 0; i < 6; i++) {
    const longPoll = i < 3;
    const socket = await connect(balancer, tokens[i], longPoll ? { transport: LongPoll } : {});
    onSocket(socket);
    const j = await joined(join(socket, topic), i);
    assert.equal(j.status, 'ok');
    await j.inbox.next('presence_state');
    clients.push({ socket, inbox: j.inbox, channel: j.channel, longPoll });
  }
  const lp = clients.filter((c) => c.longPoll);
  for (const c of lp) {
    assert.equal(c.socket.transport, LongPoll);
    c.token = c.socket.conn.token;
    c.tag = tagOf(c.token);
  }
  assert.deepEqual(new Set(lp.map((c) => c.tag)), new Set(['node1', 'node2', 'node3']),
    `long-poll sessions spread: ${lp.map((c) => c.tag)}`);
  return clients;
}

module.exports = { startEdge, tagOf, connections, socketIoExchange, phoenixSix };
