'use strict';
// The admin console and the cluster (docs/cluster.md "The console and the
// cluster"): three nodes on one real PostgreSQL and one real redis-server,
// each with --admin-token. The feed on node 1 lists every node with the
// connection count of its lease and every node's connections, each tagged
// with the node that holds it (asked over Redis in pages of
// --cluster-list-page-rows rows); node 1's console closes connections held by
// node 2 and node 3 (by id, with or without naming the node) and every session
// of a user on all nodes; a system message sent from node 1 reaches a client
// on node 3; a SIGKILLed node is listed as down, its rows leave the list, and
// an action aimed at it says node_down; a node that never answers is marked
// unreachable without holding up the others' rows.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const { register, api, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');

const TOKEN = 'cluster-admin-token-0123456789abcdef';

// An admin console that keeps the node list and connections as the feed tells them.
class Console {
  static async open(node) {
    const c = new Console();
    c.socket = await JsonSocket.open(`${node.wsBase}/admin/ws?token=${TOKEN}`);
    c.nodes = null;
    c.connections = new Map();
    c.nextId = 1;
    await c.until('first snapshot', () => c.nodes !== null);
    return c;
  }
  apply(m) {
    if (m.type === 'snapshot') {
      this.connections = new Map(m.connections.map((x) => [x.id, x]));
      this.nodes = m.nodes;
    } else if (m.type === 'delta') {
      for (const x of m.connections || []) this.connections.set(x.id, x);
      for (const id of m.connections_removed || []) this.connections.delete(id);
      if (m.nodes) this.nodes = m.nodes;
    }
  }
  // Reads snapshot and deltas (one a second) until `ok` holds; the bound is a
  // number of feed messages, not a time.
  async until(what, ok, messages = 40) {
    for (let i = 0; i < messages; i++) {
      if (ok()) return;
      this.apply(await this.socket.next((m) => m.type === 'snapshot' || m.type === 'delta'));
    }
    assert.fail(`${what}: nodes ${JSON.stringify(this.nodes)}, rows ${JSON.stringify(this.byNode())}`);
  }
  node(id) { return (this.nodes || []).find((n) => n.id === id); }
  // The rows of one user, as [node, dialect, transport] each, sorted.
  rowsOf(user) {
    return [...this.connections.values()].filter((c) => c.user_id === user.user.id)
      .map((c) => [c.node, c.dialect, c.transport]).sort();
  }
  // {node: [user ids]} of every row, nodes and ids sorted (so that JSON.stringify compares).
  byNode() {
    const rows = {};
    for (const c of this.connections.values()) (rows[c.node] ||= []).push(c.user_id);
    const out = {};
    for (const k of Object.keys(rows).sort()) out[k] = rows[k].sort();
    return out;
  }
  async command(body) {
    const id = `c${this.nextId++}`;
    this.socket.send({ type: 'command', id, ...body });
    return this.socket.next((m) => m.type === 'result' && m.id === id);
  }
}

const missing = clusterMissing();
if (missing) {
  test('the admin console sees the cluster', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, n1, n2, n3, general;
  const users = {};
  const sockets = [];
  const flat = async (node, user) => {
    const s = await JsonSocket.open(`${node.wsBase}/ws?token=${user.token}`);
    await s.next('connection_established');
    sockets.push(s);
    return s;
  };

  test.before(async () => {
    // Pages of two rows: node 2's three connections come in two pages.
    cluster = await startCluster({ nodes: 3, args: ['--admin-token', TOKEN, '--node-lease-ms', '1500',
      '--cluster-list-page-rows', '2'] });
    [n1, n2, n3] = cluster.nodes;
    for (const name of ['ann', 'bob', 'bea', 'cat', 'dan', 'eve', 'fay', 'gus']) users[name] = await register(n1);
    general = (await api(n1, 'GET', '/api/v1/channels', users.cat.token)).body.channels.find((x) => x.name === 'general').id;
  });

  test.after(async () => {
    for (const s of sockets) await s.close();
    await cluster?.stop();
  });

  test('node 1 lists the connections every node holds, tagged with its node, in pages; a row of node 3 closes from node 1', async () => {
    // Watch node 1's control channel: the lists other nodes send it, page by page.
    const redisArgs = ['-h', '127.0.0.1', '-p', String(cluster.redis.port)];
    const spy = spawn('/usr/bin/redis-cli', [...redisArgs, 'SUBSCRIBE', 'sb:ctl:node1']);
    let spied = '';
    await new Promise((resolve) => {
      spy.stdout.on('data', (d) => { spied += d; if (/sb:ctl:node1/.test(spied)) resolve(); });
    });
    // node 2: eve (Socket.IO /chat and flat JSON) and gus (flat JSON); node 3: fay (Phoenix) and gus (flat JSON).
    const eve = sio.connect(n2, { nsp: '/chat', token: users.eve.token, transports: ['websocket'] });
    await sio.connected(eve);
    const eve2 = await flat(n2, users.eve);
    const gus2 = await flat(n2, users.gus);
    const fay = await phx.connect(n3, users.fay.token);
    const gus3 = await flat(n3, users.gus);
    const admin = await Console.open(n1);
    try {
      await admin.until('the rows of nodes 2 and 3 on node 1', () => admin.rowsOf(users.gus).length === 2
        && admin.rowsOf(users.eve).length === 2 && admin.rowsOf(users.fay).length === 1);
      assert.deepEqual(admin.rowsOf(users.eve), [['node2', 'flatjson', 'websocket'], ['node2', 'socketio-chat', 'websocket']]);
      assert.deepEqual(admin.rowsOf(users.fay), [['node3', 'phoenix', 'websocket']]);
      assert.deepEqual(admin.rowsOf(users.gus), [['node2', 'flatjson', 'websocket'], ['node3', 'flatjson', 'websocket']]);
      const fayRow = [...admin.connections.values()].find((c) => c.user_id === users.fay.user.id);
      assert.equal(fayRow.user, users.fay.username, JSON.stringify(fayRow));
      assert.ok(Date.parse(fayRow.connected_at) > 0, JSON.stringify(fayRow));
      assert.ok(admin.nodes.every((n) => n.reachable === true), JSON.stringify(admin.nodes));

      // Node 2's three rows came in pages of at most two rows, numbered from 0, the last one marked.
      const pages = spied.split('\n').slice(0, -1).filter((l) => l.startsWith('{') && l.includes('"k":"page"')).map((l) => JSON.parse(l))
        .filter((p) => p.from === 'node2');
      const firstList = pages.filter((p) => p.id === pages[0].id);
      assert.deepEqual(firstList.map((p) => [p.part, p.last, p.rows.length]), [[0, false, 2], [1, true, 1]],
        JSON.stringify(pages));
      assert.ok(pages.every((p) => p.rows.length <= 2 && p.rows.every((c) => c.node === 'node2')));

      // The rows of gus on node 3 close from node 1 with the row's node: that client sees the close.
      const row = [...admin.connections.values()].find((c) => c.user_id === users.gus.user.id && c.node === 'node3');
      const r = await admin.command({ command: 'disconnect', connection_id: row.id, node: row.node, reason: 'from node 1' });
      assert.equal(r.ok, true, JSON.stringify(r));
      assert.match(r.message, /node3/);
      assert.equal((await gus3.closed).reason, 'from node 1');
      // ...and its row leaves node 1's list while gus's row on node 2 stays.
      await admin.until('the closed row leaves', () => !admin.connections.has(row.id));
      assert.deepEqual(admin.rowsOf(users.gus), [['node2', 'flatjson', 'websocket']]);
    } finally {
      eve.close();
      await eve2.close();
      await phx.disconnect(fay);
      await gus2.close();
      spy.kill('SIGKILL');
    }
    await admin.until('the other rows leave', () => admin.rowsOf(users.eve).length === 0
      && admin.rowsOf(users.fay).length === 0 && admin.rowsOf(users.gus).length === 0);
    admin.socket.ws.close();
  });

  test('every node lists all nodes, their addresses and connection counts; actions reach other nodes', async () => {
    // node 1: ann; node 2: bob, bea, dan; node 3: cat, dan.
    await flat(n1, users.ann);
    const bob = await flat(n2, users.bob);
    const bea = await flat(n2, users.bea);
    const dan2 = await flat(n2, users.dan);
    const cat = await flat(n3, users.cat);
    const dan3 = await flat(n3, users.dan);
    cat.send({ type: 'join_channel', channel_id: general });
    await cat.next('channel_joined');

    const admin = await Console.open(n1);
    const counts = () => Object.fromEntries((admin.nodes || []).map((n) => [n.id, n.connections]));
    await admin.until('three live nodes with their counts',
      () => admin.nodes.length === 3 && admin.nodes.every((n) => n.live)
        && JSON.stringify(counts()) === JSON.stringify({ node1: 1, node2: 3, node3: 2 }));
    for (const [i, node] of cluster.nodes.entries()) {
      const n = admin.node(`node${i + 1}`);
      assert.equal(n.listen, `http://127.0.0.1:${node.port}`, JSON.stringify(n));
      assert.equal(n.self, i === 0, JSON.stringify(n));
      assert.ok(Date.parse(n.started) > 0, JSON.stringify(n));
      assert.equal(n.down_since, null, JSON.stringify(n));
    }
    // The console's connection list is the whole cluster's, each row tagged with its node.
    const ids = (...names) => names.map((n) => users[n].user.id).sort();
    const everyRow = { node1: ids('ann'), node2: ids('bob', 'bea', 'dan'), node3: ids('cat', 'dan') };
    await admin.until('every node\'s rows', () => JSON.stringify(admin.byNode()) === JSON.stringify(everyRow));

    // Node 2's own console tells the connection ids it holds (as an operator would read them there).
    const admin2 = await Console.open(n2);
    assert.equal(admin2.node('node2').self, true);
    await admin2.until('node 2 lists its three connections',
      () => [...admin2.connections.values()].filter((c) => c.node === 'node2').length === 3);
    const idOf = (user) => [...admin2.connections.values()].find((c) => c.user_id === user.user.id && c.node === 'node2').id;
    const bobId = idOf(users.bob);
    const beaId = idOf(users.bea);
    admin2.socket.ws.close();

    // Named node: node 1's console closes bob's connection on node 2.
    const r1 = await admin.command({ command: 'disconnect', connection_id: bobId, node: 'node2', reason: 'bye bob' });
    assert.equal(r1.ok, true, JSON.stringify(r1));
    assert.match(r1.message, /node2/);
    const closed = await bob.closed;
    assert.equal(closed.reason, 'bye bob');

    // No node named: whichever node holds it closes it.
    const r2 = await admin.command({ command: 'disconnect', connection_id: beaId });
    assert.equal(r2.ok, true, JSON.stringify(r2));
    await bea.closed;

    // An id no node holds: one clear error after every node answered.
    const r3 = await admin.command({ command: 'disconnect', connection_id: 'no-such-connection' });
    assert.equal(r3.ok, false);
    assert.equal(r3.error.code, 'not_found', JSON.stringify(r3));
    const r4 = await admin.command({ command: 'disconnect', connection_id: bobId, node: 'node2' });
    assert.equal(r4.error.code, 'not_found', JSON.stringify(r4));
    const r5 = await admin.command({ command: 'disconnect', connection_id: bobId, node: 'node9' });
    assert.equal(r5.error.code, 'node_down', JSON.stringify(r5));

    // Every session of dan, on node 2 and node 3.
    const r6 = await admin.command({ command: 'disconnect_user', user_id: users.dan.user.id, reason: 'dan out' });
    assert.equal(r6.ok, true, JSON.stringify(r6));
    assert.match(r6.message, /closed 2 session\(s\)/);
    assert.equal((await dan2.closed).reason, 'dan out');
    assert.equal((await dan3.closed).reason, 'dan out');

    // The counts follow: node 2 has nobody left, node 3 has cat.
    await admin.until('counts after the disconnects',
      () => JSON.stringify(counts()) === JSON.stringify({ node1: 1, node2: 0, node3: 1 }));
    await admin.until('rows after the disconnects',
      () => JSON.stringify(admin.byNode()) === JSON.stringify({ node1: ids('ann'), node3: ids('cat') }));

    // A system message from node 1's console reaches cat on node 3.
    const r7 = await admin.command({ command: 'system_message', channel_id: general, text: 'maintenance at noon' });
    assert.equal(r7.ok, true, JSON.stringify(r7));
    await cat.next((x) => x.type === 'new_message' && x.data.content === 'maintenance at noon');

    // node 3 dies: node 1's feed lists it as down (not gone), and an action aimed at it says so.
    await n3.kill('SIGKILL');
    await admin.until('node3 down', () => admin.node('node3') && !admin.node('node3').live);
    assert.ok(Date.parse(admin.node('node3').down_since) > 0, JSON.stringify(admin.node('node3')));
    // Its rows leave node 1's list with its lease.
    await admin.until('node3 rows gone', () => JSON.stringify(admin.byNode()) === JSON.stringify({ node1: ids('ann') }));
    assert.equal(admin.node('node2').live, true);
    const r8 = await admin.command({ command: 'disconnect', connection_id: 'x', node: 'node3' });
    assert.equal(r8.error.code, 'node_down', JSON.stringify(r8));

    // A node that holds a live lease and listens on its control channel but never
    // answers (a redis-cli SUBSCRIBE posing as node "ghost"): a clear timeout, not silence.
    const redisArgs = ['-h', '127.0.0.1', '-p', String(cluster.redis.port)];
    const ghost = spawn('/usr/bin/redis-cli', [...redisArgs, 'SUBSCRIBE', 'sb:ctl:ghost']);
    try {
      await new Promise((resolve) => {
        let out = '';
        ghost.stdout.on('data', (d) => { out += d; if (/sb:ctl:ghost\r?\n1/.test(out)) resolve(); });
      });
      const lease = JSON.stringify({ id: 'ghost', started: new Date().toISOString(), listen: 'http://127.0.0.1:1', connections: 0 });
      execFileSync('/usr/bin/redis-cli', [...redisArgs, 'SET', 'sb:node:ghost', lease]);
      execFileSync('/usr/bin/redis-cli', [...redisArgs, 'ZADD', 'sb:nodes', String(Date.now() + 3600e3), 'ghost']);
      await admin.until('ghost listed live', () => admin.node('ghost')?.live === true);
      // It never answers the request for its list: marked unreachable, and node 1's and node 2's rows still flow.
      await admin.until('ghost unreachable', () => admin.node('ghost')?.reachable === false);
      assert.equal(admin.node('node2').reachable, true);
      const late = await flat(n2, users.bob);
      await admin.until('a new row of node 2 while ghost is silent',
        () => admin.rowsOf(users.bob).length === 1 && admin.node('ghost')?.reachable === false);
      assert.deepEqual(admin.rowsOf(users.bob), [['node2', 'flatjson', 'websocket']]);
      await late.close();
      const r9 = await admin.command({ command: 'disconnect', connection_id: 'x', node: 'ghost' });
      assert.equal(r9.error.code, 'timeout', JSON.stringify(r9));
      assert.match(r9.message, /ghost did not answer/);
      // Asking every node: node 2 says it has no such connection, ghost is named as not answering.
      const r10 = await admin.command({ command: 'disconnect', connection_id: 'x' });
      assert.equal(r10.error.code, 'timeout', JSON.stringify(r10));
      assert.match(r10.message, /ghost/);
    } finally {
      ghost.kill('SIGKILL');
    }
    admin.socket.ws.close();
  });
}
