'use strict';
// Cross-node fan-out (docs/cluster.md): three switchboard-server nodes on one
// real PostgreSQL and one real redis-server. One channel, one client per
// dialect, spread over the nodes: Phoenix (npm phoenix) on node 1, Socket.IO /
// (npm socket.io-client) and workspace JSON (ws) on node 2, Socket.IO /chat and
// flat JSON (ws) on node 3. Every user registers on node 1, so the clients on
// nodes 2 and 3 only work if the directory reached them.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');

const missing = clusterMissing();
if (missing) {
  test('cross-node fan-out', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, n1, n2, n3, users, general, workspaceId;
  const c = {};

  test.before(async () => {
    cluster = await startCluster({ nodes: 3, args: ['--rate-messages-per-minute', '0'] });
    [n1, n2, n3] = cluster.nodes;
    users = {};
    for (const name of ['phoenix', 'root', 'chat', 'wsjson', 'flat']) users[name] = await register(n1);
    general = (await api(n1, 'GET', '/api/v1/channels', users.flat.token)).body.channels.find((x) => x.name === 'general').id;
    workspaceId = (await api(n1, 'GET', '/api/v1/workspaces', users.flat.token)).body.workspaces.find((w) => w.is_default).id;

    c.phoenixSocket = await phx.connect(n1, users.phoenix.token);
    const channel = c.phoenixSocket.channel(`channel:${general}`, {});
    c.phoenix = phx.record(channel);
    assert.equal((await phx.reply(channel.join())).status, 'ok');
    c.phoenixChannel = channel;

    c.root = sio.connect(n2, { token: users.root.token });
    c.chat = sio.connect(n3, { nsp: '/chat', token: users.chat.token, how: 'query' });
    await Promise.all([sio.connected(c.root), sio.connected(c.chat)]);
    await c.root.emitWithAck('join_channel', { channelId: general });
    await c.chat.emitWithAck('joinRoom', general);

    c.wsjson = await JsonSocket.open(`${n2.wsBase}/ws/${workspaceId}?token=${users.wsjson.token}`);
    c.wsjson.send({ type: 'ping' });
    await c.wsjson.next('pong');
    c.flat = await JsonSocket.open(`${n3.wsBase}/ws?token=${users.flat.token}`);
    await c.flat.next('connection_established');
    c.flat.send({ type: 'join_channel', channel_id: general });
    await c.flat.next('channel_joined');
  });

  test.after(async () => {
    c.root?.close();
    c.chat?.close();
    c.phoenixSocket?.disconnect();
    await c.wsjson?.close();
    await c.flat?.close();
    const exits = await cluster?.stop();
    // SIGTERM is a clean shutdown on every node (the bus goes after the core).
    for (const e of exits || []) assert.deepEqual(e, { code: 0, signal: null });
  });

  // Every client but the sender has the message; one id everywhere, and the
  // same seq in the two dialects that show it (flat JSON on node 3, workspace
  // JSON on node 2).
  async function everyoneSees(content, sender) {
    const waits = [];
    if (sender !== 'phoenix') waits.push(c.phoenix.next('new_message', (p) => p.message.content === content).then((p) => ({ id: p.message.id })));
    if (sender !== 'root') waits.push(sio.next(c.root, 'new_message', (m) => m.content === content).then((m) => ({ id: m.id })));
    if (sender !== 'chat') waits.push(sio.next(c.chat, 'newMessage', (m) => m.content === content).then((m) => ({ id: m.id })));
    const ws = c.wsjson.next((m) => m.type === 'message.new' && m.data.content === content).then((m) => ({ id: m.data.id, seq: m.data.seq }));
    const flat = c.flat.next((m) => m.type === 'new_message' && m.data.content === content).then((m) => ({ id: m.data.id, seq: m.seq }));
    const got = await Promise.all([...waits, ...(sender === 'wsjson' ? [] : [ws]), ...(sender === 'flat' ? [] : [flat])]);
    assert.equal(new Set(got.map((g) => g.id)).size, 1, `one message id everywhere: ${JSON.stringify(got)}`);
    const seqs = got.filter((g) => g.seq !== undefined).map((g) => g.seq);
    assert.ok(seqs.length >= 1 && seqs.every((s) => Number.isInteger(s) && s > 0 && s === seqs[0]), `same seq: ${seqs}`);
    return { id: got[0].id, seq: seqs[0] };
  }

  test('a message sent in each dialect on its node reaches every other node and dialect', async () => {
    c.phoenixChannel.push('send_message', { content: 'hello from phoenix on node 1', temp_id: 't1' });
    await everyoneSees('hello from phoenix on node 1', 'phoenix');
    c.root.emit('send_message', { channelId: general, content: 'hello from socket.io / on node 2' });
    await everyoneSees('hello from socket.io / on node 2', 'root');
    c.chat.emit('sendMessage', { roomId: general, content: 'hello from socket.io /chat on node 3' });
    await everyoneSees('hello from socket.io /chat on node 3', 'chat');
    const r = await api(n2, 'POST', '/api/v1/messages', users.wsjson.token, { channel_id: general, content: 'hello from workspace json on node 2' });
    assert.equal(r.status, 201);
    await everyoneSees('hello from workspace json on node 2', 'wsjson');
    c.flat.send({ type: 'send_message', channel_id: general, content: 'hello from flat json on node 3' });
    await everyoneSees('hello from flat json on node 3', 'flat');
  });

  test('messages written alternately on three nodes arrive everywhere in seq order', async () => {
    const nodes = [n1, n2, n3];
    const sent = [];
    // Fired without waiting: the writes race on the three nodes.
    const posts = [];
    for (let i = 0; i < 15; i++) {
      const content = `burst ${i}`;
      sent.push(content);
      posts.push(api(nodes[i % 3], 'POST', '/api/v1/messages', users.flat.token, { channel_id: general, content }));
    }
    const acks = await Promise.all(posts);
    for (const a of acks) assert.equal(a.status, 201);
    const flatSeen = [], wsSeen = [], phxSeen = [];
    while (flatSeen.length < 15) {
      const m = await c.flat.next((x) => x.type === 'new_message' && x.data.content.startsWith('burst '));
      flatSeen.push({ seq: m.seq, id: m.data.id });
    }
    while (wsSeen.length < 15) {
      const m = await c.wsjson.next((x) => x.type === 'message.new' && x.data.content.startsWith('burst '));
      wsSeen.push({ seq: m.data.seq, id: m.data.id });
    }
    while (phxSeen.length < 15) {
      const p = await c.phoenix.next('new_message', (x) => x.message.content.startsWith('burst '));
      phxSeen.push({ id: p.message.id });
    }
    for (let i = 1; i < 15; i++) assert.equal(flatSeen[i].seq, flatSeen[i - 1].seq + 1, `gapless, in order on node 3: ${JSON.stringify(flatSeen)}`);
    assert.deepEqual(wsSeen, flatSeen, 'node 2 saw the same events with the same seq in the same order');
    assert.deepEqual(phxSeen.map((p) => p.id), flatSeen.map((f) => f.id), 'node 1 (Phoenix) in the same order');
    assert.deepEqual(new Set(flatSeen.map((f) => f.id)), new Set(acks.map((a) => a.body.id)));
  });

  test('edits, deletions and reactions made on one node reach the others', async () => {
    const r = await api(n1, 'POST', '/api/v1/messages', users.flat.token, { channel_id: general, content: 'to be edited' });
    const first = await everyoneSees('to be edited', 'nobody');
    assert.equal(first.id, r.body.id);
    assert.equal((await api(n2, 'PATCH', `/api/v1/messages/${r.body.id}`, users.flat.token, { content: 'edited' })).status, 200);
    await c.phoenix.next('message_updated', (p) => p.message.id === r.body.id && p.message.content === 'edited');
    await sio.next(c.root, 'message_edited', (x) => x.messageId === r.body.id && x.content === 'edited');
    const wsUp = await c.wsjson.next((m) => m.type === 'message.updated' && m.data.id === r.body.id && m.data.content === 'edited');
    const flatUp = await c.flat.next((m) => m.type === 'message_updated' && m.data.id === r.body.id);
    assert.equal(wsUp.data.seq, flatUp.seq);
    assert.equal(flatUp.seq, first.seq + 1);

    c.phoenixChannel.push('add_reaction', { message_id: r.body.id, emoji: '👍' });
    const reactor = users.phoenix.user.id;
    const flatRe = await c.flat.next((m) => m.type === 'message_reaction' && m.message_id === r.body.id && m.data.user_id === reactor && m.data.action === 'add');
    const wsRe = await c.wsjson.next((m) => m.type === 'reaction.added' && m.data.message_id === r.body.id && m.data.user_id === reactor);
    await sio.next(c.root, 'reaction_added', (x) => x.messageId === r.body.id && x.userId === reactor);
    assert.equal(flatRe.seq, first.seq + 2);
    assert.equal(wsRe.data.seq, first.seq + 2);

    assert.equal((await api(n3, 'DELETE', `/api/v1/messages/${r.body.id}`, users.flat.token)).status < 300, true);
    await c.phoenix.next('message_deleted', (p) => p.message_id === r.body.id);
    await sio.next(c.root, 'message_deleted', (x) => x.messageId === r.body.id);
    const wsDel = await c.wsjson.next((m) => m.type === 'message.deleted' && m.data.id === r.body.id);
    const flatDel = await c.flat.next((m) => m.type === 'message_deleted' && m.message_id === r.body.id);
    assert.equal(flatDel.seq, first.seq + 3);
    assert.equal(wsDel.data.seq, first.seq + 3);
  });

  test('a user registered on node 1 logs in and joins on node 2', async () => {
    const u = await register(n1);
    const login = await api(n2, 'POST', '/api/v1/auth/login', null, { username: u.username, password: 'password123' });
    assert.equal(login.status, 200, login.text);
    const s = await JsonSocket.open(`${n2.wsBase}/ws?token=${login.body.access_token}`);
    await s.next('connection_established');
    s.send({ type: 'join_channel', channel_id: general });
    await s.next('channel_joined');
    s.send({ type: 'send_message', channel_id: general, content: 'newcomer on node 2' });
    await everyoneSees('newcomer on node 2', 'nobody');
    await s.close();
  });

  test('a channel created on node 3 is usable from node 1', async () => {
    const created = await api(n3, 'POST', '/api/v1/channels', users.chat.token, { name: `cl${Date.now()}`.slice(0, 40), type: 'public' });
    assert.equal(created.status, 201, created.text);
    const id = created.body.id;
    // The creator watches on node 3; another user joins and writes on node 1.
    await c.chat.emitWithAck('joinRoom', id);
    assert.equal((await api(n1, 'POST', `/api/v1/channels/${id}/join`, users.phoenix.token)).status, 200);
    const post = await api(n1, 'POST', '/api/v1/messages', users.phoenix.token, { channel_id: id, content: 'in the new channel' });
    assert.equal(post.status, 201, post.text);
    await sio.next(c.chat, 'newMessage', (m) => m.content === 'in the new channel' && m.id === post.body.id);
  });
}
