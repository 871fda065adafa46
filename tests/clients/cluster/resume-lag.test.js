'use strict';
// A resume on a node that is behind the shared log (docs/cluster.md "Resume on a
// node that lags"): another node's events are committed in PostgreSQL but not
// delivered here yet (on a busy cluster: still on their way through Redis;
// here, deterministically: Redis is down), while this node's log position
// (the gid a replay is bounded by) already moved past them, because another
// channel got its first subscriber here. The replay must stop at what this
// node delivered of the channel: the rest comes live once, in order, through
// the channel's sequencer. Before, the replay carried them and they came live
// again after it (socketio/resume in cluster mode: 362 events for 361), and a
// Phoenix-style resume without a bound answered recovered: false.
const test = require('node:test');
const assert = require('node:assert/strict');
const { api, register, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');
const { join: sioJoin, killTransport } = require('../socketio/resume-lib.js');

const missing = clusterMissing();
if (missing) {
  test('resume on a lagging node', { skip: `skipped: ${missing}` }, () => {});
} else {
  const clusters = [];
  test.after(async () => { for (const c of clusters) await c.stop(); });

  const flat = async (node, user) => {
    const s = await JsonSocket.open(`${node.wsBase}/ws?token=${user.token}`);
    await s.next('connection_established');
    return s;
  };
  const post = async (node, user, channelId, content) => {
    const r = await api(node, 'POST', '/api/v1/messages', user.token, { channel_id: channelId, content });
    assert.equal(r.status, 201, r.text);
    return r.body;
  };

  // Two nodes; on node 2 a flat JSON watcher of channel `ch` (so node 2 watches it); the
  // last message node 2 delivered live; then Redis down and three messages committed on node 1.
  async function lagging() {
    const cluster = await startCluster({ nodes: 2, args: ['--rate-messages-per-minute', '0', '--rate-joins-per-minute', '0'] });
    clusters.push(cluster);
    const [n1, n2] = cluster.nodes;
    const [actor, watcher, resumer] = [await register(n1), await register(n1), await register(n1)];
    const ch = (await api(n1, 'POST', '/api/v1/channels', actor.token, { name: `lag-${Date.now()}`, type: 'public' })).body;
    for (const u of [watcher, resumer]) assert.equal((await api(n1, 'POST', `/api/v1/channels/${ch.id}/join`, u.token)).status, 200);
    // A channel only the resumer is in: its first subscriber on node 2 is the resumer's connection.
    const own = await api(n1, 'POST', '/api/v1/channels', resumer.token, { name: `own-${Date.now()}`, type: 'private' });
    assert.equal(own.status, 201, own.text);
    const w = await flat(n2, watcher);
    const seen = await post(n1, actor, ch.id, 'seen by everyone');
    const last = (await w.next((m) => m.type === 'new_message' && m.data.id === seen.id)).seq;
    await cluster.killRedis();
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push((await post(n1, actor, ch.id, `while node 2 lags ${i}`)).id);
    // Redis back: node 2 fills the channel from PostgreSQL; the watcher's copies (and one
    // later message) are the barrier after which the resumer has everything it will get.
    const recover = async (...resumers) => {
      await cluster.restartRedis();
      for (const id of missed) await w.next((m) => m.type === 'new_message' && m.data.id === id);
      const after = await post(n2, actor, ch.id, 'after');
      await w.next((m) => m.type === 'new_message' && m.data.id === after.id);
      for (const until of resumers) await until(after.id);
      await w.close();
    };
    return { n1, n2, actor, resumer, ch, own: own.body, last, missed, recover };
  }

  test('flat JSON join_channel last_seq on a node that has not delivered the newest events yet: each once, in order', async () => {
    const { n2, resumer, ch, last, recover } = await lagging();

    // The resumer connects to node 2 (its own channel's first subscriber there moves node 2's
    // log position past the missed events) and resumes from the last seq it saw.
    const r = await flat(n2, resumer);
    const got = [];
    r.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type === 'new_message' && m.data.channelId === ch.id) got.push(m.seq);
    });
    r.send({ type: 'join_channel', channel_id: ch.id, last_seq: last });
    const joined = await r.next((m) => m.type === 'channel_joined' && m.channel_id === ch.id);
    const synced = await r.next((m) => m.type === 'channel_synced' && m.channel_id === ch.id);
    assert.equal(synced.recovered, true, JSON.stringify(synced));
    assert.equal(joined.seq, last, 'node 2 has delivered up to the last seen seq');

    await recover((id) => r.next((m) => m.type === 'new_message' && m.data.id === id));
    assert.deepEqual(got, [last + 1, last + 2, last + 3, last + 4], 'every missed message once, in order, then the next');
    await r.close();
  });

  test('Phoenix join with last_seq (no bound) on a node that has not delivered the newest events yet: recovered, each once', async () => {
    const { n2, resumer, ch, own, last, recover } = await lagging();
    const socket = await phx.connect(n2, resumer.token);
    // The resumer's own channel gets its first subscriber on node 2 now: node 2's log position moves on.
    assert.equal((await phx.join(socket, `channel:${own.id}`)).status, 'ok');
    const back = await phx.join(socket, `channel:${ch.id}`, { last_seq: last });
    assert.equal(back.status, 'ok');
    assert.equal(back.response.recovered, true, JSON.stringify(back.response));
    assert.equal(back.response.seq, last);
    await recover((id) => back.inbox.next('new_message', (p) => p.message.id === id));
    const seqs = back.inbox.all.filter((m) => m.event === 'new_message').map((m) => m.payload.seq);
    assert.deepEqual(seqs, [last + 1, last + 2, last + 3, last + 4], 'every missed message once, in order, then the next');
    socket.disconnect();
  });

  test('flat JSON join_channel last_seq of a channel the node does not watch yet, its log position behind: every event once', async () => {
    const cluster = await startCluster({ nodes: 2, args: ['--rate-messages-per-minute', '0', '--rate-joins-per-minute', '0'] });
    clusters.push(cluster);
    const [n1, n2] = cluster.nodes;
    const [actor, watcher, joiner] = [await register(n1), await register(n1), await register(n1)];
    // Node 2 already watches general (the joiner's connection is not its first subscriber
    // there, so it moves nothing); the new channel's events never reach node 2 live.
    const w = await flat(n2, watcher);
    const ch = (await api(n1, 'POST', '/api/v1/channels', actor.token, { name: `cold-${Date.now()}`, type: 'public' })).body;
    const posted = [];
    for (let i = 0; i < 3; i++) posted.push((await post(n1, actor, ch.id, `before the join ${i}`)).id);
    const s = await flat(n2, joiner);
    const got = [];
    s.ws.on('message', (d) => {
      const m = JSON.parse(d.toString());
      if (m.type === 'new_message' && m.data.channelId === ch.id) got.push(m.data.id);
    });
    s.send({ type: 'join_channel', channel_id: ch.id, last_seq: 0 });
    const synced = await s.next((m) => m.type === 'channel_synced' && m.channel_id === ch.id);
    assert.equal(synced.recovered, true, JSON.stringify(synced));
    const after = await post(n1, actor, ch.id, 'after the join');
    await s.next((m) => m.type === 'new_message' && m.data.id === after.id);
    assert.deepEqual(got, [...posted, after.id], 'the replay has what was committed before the join, then live');
    await Promise.all([w.close(), s.close()]);
  });

  test('Phoenix join with last_seq seen on a node ahead of this one: recovered, and what the client has is not sent again', async () => {
    const cluster = await startCluster({ nodes: 2, args: ['--rate-messages-per-minute', '0', '--rate-joins-per-minute', '0'] });
    clusters.push(cluster);
    const [n1, n2] = cluster.nodes;
    const [actor, watcher, client] = [await register(n1), await register(n1), await register(n1)];
    const ch = (await api(n1, 'POST', '/api/v1/channels', actor.token, { name: `ahead-${Date.now()}`, type: 'public' })).body;
    for (const u of [watcher, client]) assert.equal((await api(n1, 'POST', `/api/v1/channels/${ch.id}/join`, u.token)).status, 200);
    const w = await flat(n2, watcher); // node 2 watches the channel
    const before = await post(n1, actor, ch.id, 'everyone has this');
    await w.next((m) => m.type === 'new_message' && m.data.id === before.id);
    // The client follows the channel on node 1, which gets two more messages that node 2 misses.
    const s1 = await phx.connect(n1, client.token);
    const first = await phx.join(s1, `channel:${ch.id}`);
    await cluster.killRedis();
    const missed = [await post(n1, actor, ch.id, 'node 1 only, 1'), await post(n1, actor, ch.id, 'node 1 only, 2')];
    let last = 0;
    for (const m of missed) last = (await first.inbox.next('new_message', (p) => p.message.id === m.id)).seq;
    s1.disconnect();
    // It comes back on node 2, which has not delivered them yet: its position is ahead of node 2's.
    const s2 = await phx.connect(n2, client.token);
    const back = await phx.join(s2, `channel:${ch.id}`, { last_seq: last });
    assert.equal(back.status, 'ok');
    assert.equal(back.response.recovered, true, JSON.stringify(back.response));
    assert.equal(back.response.seq, last);
    // Redis back: node 2 fills the two from PostgreSQL (the watcher's copies are the barrier).
    await cluster.restartRedis();
    for (const m of missed) await w.next((x) => x.type === 'new_message' && x.data.id === m.id);
    const after = await post(n2, actor, ch.id, 'after');
    await back.inbox.next('new_message', (p) => p.message.id === after.id);
    const seqs = back.inbox.all.filter((m) => m.event === 'new_message').map((m) => m.payload.seq);
    assert.deepEqual(seqs, [last + 1], 'only what came after the position the client had');
    s2.disconnect();
    await w.close();
  });

  test('Socket.IO /chat recovery with an offset seen on a node ahead of this one: recovered, and what the client has is not sent again', async () => {
    const cluster = await startCluster({ nodes: 2, args: ['--rate-messages-per-minute', '0', '--rate-joins-per-minute', '0'] });
    clusters.push(cluster);
    const [n1, n2] = cluster.nodes;
    const [actor, watcher, client] = [await register(n1), await register(n1), await register(n1)];
    const ch = (await api(n1, 'POST', '/api/v1/channels', actor.token, { name: `sio-ahead-${Date.now()}`, type: 'public' })).body;
    for (const u of [watcher, client]) assert.equal((await api(n1, 'POST', `/api/v1/channels/${ch.id}/join`, u.token)).status, 200);
    const w = await flat(n2, watcher); // node 2 watches the channel
    const before = await post(n1, actor, ch.id, 'everyone has this');
    await w.next((m) => m.type === 'new_message' && m.data.id === before.id);
    // The client is in the room on node 1 (its rooms are saved by node 1's writer, the
    // posts below commit after that), which gets two messages that node 2 misses.
    const s1 = sio.connect(n1, { nsp: '/chat', token: client.token, transports: ['websocket'] });
    await sio.connected(s1);
    await sioJoin(s1, '/chat', ch.id);
    await cluster.killRedis();
    const missed = [await post(n1, actor, ch.id, 'node 1 only, 1'), await post(n1, actor, ch.id, 'node 1 only, 2')];
    for (const m of missed) await sio.next(s1, 'newMessage', (d) => (d.id || d.messageId) === m.id);
    const { _pid: pid, _lastOffset: offset } = s1;
    assert.ok(pid && offset, 'the client holds a recovery position');
    await killTransport(s1);
    // It comes back on node 2 (a balancer may send a WebSocket anywhere), which has not
    // delivered those two yet: its offset is ahead of node 2's log position.
    const s2 = sio.connect(n2, { nsp: '/chat', transports: ['websocket'], client: { auth: { token: client.token, pid, offset } } });
    const ids = [];
    s2.on('newMessage', (d) => { if ((d.roomId || d.channelId) === ch.id) ids.push(d.id || d.messageId); });
    await sio.connected(s2);
    // A new client object reports `recovered` only for its own earlier pid: the server's
    // answer is whether the CONNECT hands back the pid it was given (a fresh one otherwise).
    assert.equal(s2._pid, pid, 'recovered from an offset node 2 has not reached yet');
    // Redis back: node 2 fills the two from PostgreSQL (the watcher's copies are the barrier).
    await cluster.restartRedis();
    for (const m of missed) await w.next((x) => x.type === 'new_message' && x.data.id === m.id);
    const after = await post(n2, actor, ch.id, 'after');
    await sio.next(s2, 'newMessage', (d) => (d.id || d.messageId) === after.id);
    assert.deepEqual(ids, [after.id], 'only what came after the offset the client had');
    s2.close();
    await w.close();
  });
}
