'use strict';
// nginx 1.22 (Debian's /usr/sbin/nginx) in front of three nodes, run from the
// shipped packaging/nginx/switchboard.conf (docs/cluster.md, "nginx"): the
// file's documented placeholders (node addresses, listen address, prefix of
// the pid and temporary files) are replaced and nothing else, so the test
// runs what the docs ship. Every dialect's official client goes through it:
// Socket.IO (both namespaces) over polling only and over WebSocket, Phoenix
// over LongPoll and WebSocket, flat JSON and workspace JSON over `ws`. No
// sticky sessions: requests carrying a session id (Engine.IO `sid`, Phoenix
// long-poll `token`) go to the node its tag names, everything else round-robin.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { api, register, freePort, JsonSocket, ROOT } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const sio = require('../socketio/sio.js');
const { reply, disconnect } = require('../phoenix/phx.js');
const { tagOf, connections, socketIoExchange, phoenixSix } = require('./edge.js');

const NGINX = '/usr/sbin/nginx';
const CONFIG = path.join(ROOT, 'packaging', 'nginx', 'switchboard.conf');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The shipped file with its placeholders replaced; each must occur as often as
// the file's header promises, so a config that stops being a usable template fails here.
function configFor(dir, listenPort, nodes) {
  let text = fs.readFileSync(CONFIG, 'utf8');
  const swap = (from, to, atLeast) => {
    const n = text.split(from).length - 1;
    assert.ok(n >= atLeast, `${CONFIG}: "${from}" ${n} times, expected at least ${atLeast}`);
    text = text.split(from).join(to);
  };
  // The listen address first: "127.0.0.1:8000" is no prefix of the node addresses.
  swap('listen 127.0.0.1:8000;', `listen 127.0.0.1:${listenPort};`, 1);
  nodes.forEach((node, i) => swap(`127.0.0.1:800${i + 1};`, `127.0.0.1:${node.port};`, 1));
  nodes.forEach((node, i) => swap(`127.0.0.1:800${i + 1} `, `127.0.0.1:${node.port} `, 1));
  swap('/tmp/switchboard-nginx', path.join(dir, 'switchboard-nginx'), 2);
  const directives = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n');
  assert.doesNotMatch(directives, /127\.0\.0\.1:800\d\b/, 'every placeholder address replaced');
  return text;
}

// A non-daemon nginx child with its own prefix, pid, temporary and log paths
// under a temporary directory, on a free loopback port.
async function startNginx(nodes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-nginx-'));
  fs.chmodSync(dir, 0o755); // run as root, the workers are `nobody`: their temporary files live here
  const port = await freePort();
  const conf = path.join(dir, 'switchboard.conf');
  fs.writeFileSync(conf, configFor(dir, port, nodes));
  const args = ['-p', dir, '-e', 'stderr', '-c', conf];
  execFileSync(NGINX, [...args, '-t'], { stdio: 'pipe' });
  const proc = spawn(NGINX, [...args, '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.output = '';
  proc.stdout.on('data', (d) => { proc.output += d; });
  proc.stderr.on('data', (d) => { proc.output += d; });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const lb = {
    port, proc, dir,
    base: `http://127.0.0.1:${port}`,
    wsBase: `ws://127.0.0.1:${port}`,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      const e = await exited;
      fs.rmSync(dir, { recursive: true, force: true });
      return e;
    },
  };
  // Listening once a request through it reaches a node (bounded; asserts no time).
  for (let i = 0; ; i++) {
    if (proc.exitCode !== null) throw new Error(`nginx exited: ${proc.output}`);
    try {
      if ((await fetch(`${lb.base}/readyz`)).status === 200) break;
    } catch (_) { /* not listening yet */ }
    if (i > 200) { await lb.stop(); throw new Error(`nginx never answered: ${proc.output}`); }
    await sleep(50);
  }
  return lb;
}

const missing = clusterMissing() || (fs.existsSync(NGINX) ? null : `${NGINX} is missing (Debian nginx; scripts/setup.sh installs it)`);
if (missing) {
  test('every dialect behind nginx', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, lb, nodes, general, workspaceId;
  const open = [];

  test.before(async () => {
    cluster = await startCluster({ nodes: 3, args: ['--rate-messages-per-minute', '0', '--rate-typing-per-minute', '0'] });
    nodes = cluster.nodes;
    try {
      lb = await startNginx(nodes);
    } catch (e) {
      await cluster.stop();
      cluster = null;
      throw e;
    }
    const u = await register(lb);
    general = (await api(lb, 'GET', '/api/v1/channels', u.token)).body.channels.find((x) => x.name === 'general').id;
    workspaceId = (await api(lb, 'GET', '/api/v1/workspaces', u.token)).body.workspaces.find((w) => w.is_default).id;
  });

  test.after(async () => {
    for (const s of open) { try { s.close?.(); } catch (_) { /* already closed */ } }
    const nginxExit = await lb?.stop();
    const exits = await cluster?.stop();
    if (nginxExit) {
      assert.deepEqual(nginxExit, { code: 0, signal: null }, lb.proc.output);
      // No request failed on its way to a node (a 502, a refused or reset upstream connection).
      assert.doesNotMatch(lb.proc.output, /\[(error|crit|alert|emerg)\]/, lb.proc.output);
    }
    for (const e of exits || []) assert.deepEqual(e, { code: 0, signal: null });
  });

  const users = async (n) => { const out = []; for (let i = 0; i < n; i++) out.push(await register(lb)); return out; };
  const perNode = (dialect) => Promise.all(nodes.map((n) => connections(n, dialect)));
  const delta = (after, before) => after.map((n, i) => n - before[i]);

  // Three "/" and three "/chat" clients through nginx, one after the other (each
  // handshake is one round-robin turn), joined to #general.
  async function socketIoClients(transports) {
    const us = await users(6);
    const clients = [];
    for (let i = 0; i < 6; i++) {
      const nsp = i < 3 ? '/' : '/chat';
      const s = sio.connect(lb, { nsp, token: us[i].token, how: nsp === '/' ? 'auth' : 'query', transports });
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
    for (const nsp of ['/', '/chat']) {
      const tags = clients.filter((s) => s.nsp === nsp).map((s) => s.tag);
      assert.deepEqual(new Set(tags), new Set(['node1', 'node2', 'node3']), `${nsp} handshakes on every node: ${tags}`);
    }
    return clients;
  }

  test('Socket.IO / and /chat over polling only: sessions on every node, every poll routed by its sid', async () => {
    const clients = await socketIoClients(['polling']);
    await socketIoExchange(clients, general, 'polling');
    for (const s of clients) {
      assert.equal(s.io.engine.transport.name, 'polling');
      assert.equal(s.io.engine.id, s.sid, 'the same session all along');
      assert.deepEqual(s.disconnects, [], 'no poll reached a node that did not know its sid');
      s.close();
    }
  });

  test('Socket.IO / and /chat over WebSocket: the upgrade with the sid reaches the owning node', async () => {
    const clients = await socketIoClients(undefined);
    for (const s of clients) {
      await sio.upgraded(s, 8000);
      assert.equal(s.io.engine.id, s.sid, 'upgraded the same session (its node knew the sid)');
    }
    await socketIoExchange(clients, general, 'upgraded');
    for (const s of clients) {
      assert.equal(s.io.engine.transport.name, 'websocket');
      assert.deepEqual(s.disconnects, []);
      s.close();
    }
  });

  test('Socket.IO / and /chat over WebSocket only: balanced round-robin, messages between all of them', async () => {
    const clients = await socketIoClients(['websocket']);
    await socketIoExchange(clients, general, 'websocket only');
    for (const s of clients) {
      assert.equal(s.io.engine.transport.name, 'websocket');
      assert.deepEqual(s.disconnects, []);
      s.close();
    }
  });

  test('Phoenix over LongPoll and WebSocket: one of each per node, messages between all six', async () => {
    const us = await users(6);
    const topic = `channel:${general}`;
    const before = await perNode('phoenix');
    const clients = await phoenixSix(lb, us.map((u) => u.token), topic,
      { onSocket: (socket) => open.push({ close: () => disconnect(socket) }) });
    const lp = clients.filter((c) => c.longPoll);
    assert.deepEqual(delta(await perNode('phoenix'), before), [2, 2, 2], 'one long-poll session and one WebSocket on each node');
    for (const [i, c] of clients.entries()) {
      const content = `${c.longPoll ? 'long-poll' : 'websocket'} client ${i}`;
      const sent = await reply(c.channel.push('send_message', { content, temp_id: `t${i}` }));
      assert.equal(sent.status, 'ok');
      await Promise.all(clients.filter((o) => o !== c).map((o) =>
        o.inbox.next('new_message', (p) => p.message.id === sent.response.message.id && p.message.content === content, 8000)));
    }
    for (const c of lp) assert.equal(c.socket.conn.token, c.token, 'the same long-poll session all along');
    for (const c of clients) await disconnect(c.socket);
  });

  test('flat JSON and workspace JSON over ws: one of each per node, messages and typing seen on the other nodes', async () => {
    const us = await users(6);
    const beforeFlat = await perNode('flatjson');
    const flat = [];
    for (const u of us.slice(0, 3)) {
      const s = await JsonSocket.open(`${lb.wsBase}/ws?token=${u.token}`);
      open.push(s);
      assert.equal((await s.next('connection_established')).type, 'connection_established');
      flat.push(s);
    }
    assert.deepEqual(delta(await perNode('flatjson'), beforeFlat), [1, 1, 1], 'the three flat JSON sockets on three nodes');
    const beforeWs = await perNode('workspacejson');
    const wsj = [];
    for (const u of us.slice(3)) {
      const s = await JsonSocket.open(`${lb.wsBase}/ws/${workspaceId}?token=${u.token}`);
      open.push(s);
      s.send({ type: 'ping' });
      await s.next('pong'); // authenticated: a refused one gets `error` and a close instead
      wsj.push(s);
    }
    assert.deepEqual(delta(await perNode('workspacejson'), beforeWs), [1, 1, 1], 'the three workspace JSON sockets on three nodes');
    for (const s of flat) {
      s.send({ type: 'join_channel', channel_id: general });
      await s.next('channel_joined');
    }

    // Each flat JSON client sends: the two other flat ones and all three workspace ones see it.
    for (const [i, s] of flat.entries()) {
      const content = `flat JSON client ${i} through nginx`;
      s.send({ type: 'send_message', channel_id: general, content, client_id: `f${i}` });
      const id = (await s.next('message_sent')).data.id;
      await Promise.all([
        ...flat.filter((o) => o !== s).map((o) => o.next((m) => m.type === 'new_message' && m.data.id === id && m.data.content === content, 8000)),
        ...wsj.map((o) => o.next((m) => m.type === 'message.new' && m.data.id === id && m.data.content === content, 8000)),
      ]);
    }
    // Each workspace JSON client sends the one thing its API takes over the
    // socket, typing, and its message over REST through nginx: every flat JSON
    // client (two of them on other nodes) and the other workspace ones see both.
    for (const [i, s] of wsj.entries()) {
      const who = us[3 + i].user.id;
      s.send({ type: 'typing', channel_id: general, is_typing: true });
      await Promise.all([
        ...flat.map((o) => o.next((m) => m.type === 'typing_indicator' && m.user_id === who && m.is_typing === true, 8000)),
        ...wsj.filter((o) => o !== s).map((o) => o.next((m) => m.type === 'typing.start' && m.data.user_id === who, 8000)),
      ]);
      const content = `workspace JSON client ${i} through nginx`;
      const posted = await api(lb, 'POST', '/api/v1/messages', us[3 + i].token, { channel_id: general, content });
      assert.equal(posted.status, 201, posted.text);
      await Promise.all([
        ...flat.map((o) => o.next((m) => m.type === 'new_message' && m.data.id === posted.body.id, 8000)),
        ...wsj.map((o) => o.next((m) => m.type === 'message.new' && m.data.id === posted.body.id && m.data.content === content, 8000)),
      ]);
    }
    for (const s of [...flat, ...wsj]) await s.close();
  });
}
