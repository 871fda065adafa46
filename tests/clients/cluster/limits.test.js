'use strict';
// Rate limits and --max-connections-per-user across nodes
// (docs/cluster.md#limits): two nodes on one PostgreSQL and one redis-server.
// A user who spreads messages over both nodes is refused once the cluster's
// count reached the limit (each node alone would have allowed the limit
// again); a user's connections count on every node, and a SIGKILLed node's
// connections stop counting once its lease expired (and the presence grace
// passed), never leaking a slot.
const test = require('node:test');
const assert = require('node:assert/strict');
const { register, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');

const LIMIT = 6;

const missing = clusterMissing();
if (missing) {
  test('limits across nodes', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster, n1, n2;
  const open = [];

  test.before(async () => {
    cluster = await startCluster({
      nodes: 2,
      args: ['--node-lease-ms', '1000', '--presence-grace-ms', '300', '--presence-window-ms', '50',
        '--rate-messages-per-minute', String(LIMIT), '--max-connections-per-user', '2'],
    });
    [n1, n2] = cluster.nodes;
  });

  test.after(async () => {
    for (const s of open) { try { s.ws.terminate(); } catch (_) { /* gone */ } }
    await cluster?.stop();
  });

  async function flat(node, who) {
    const s = await JsonSocket.open(`${node.wsBase}/ws?token=${who.token}`);
    open.push(s);
    const first = await s.next();
    return { s, first };
  }
  async function connected(node, who) {
    const { s, first } = await flat(node, who);
    assert.equal(first.type, 'connection_established', JSON.stringify(first));
    return s;
  }
  const status = (userId, st) => (m) => m.type === 'user_status' && m.user_id === userId && (!st || m.status === st);
  // A user connects on `node`; the watcher (on the other node) sees them
  // online: what `node` announced before (connection counts) has arrived.
  async function barrier(watcher, node) {
    const b = await register(n1);
    await connected(node, b);
    await watcher.next(status(b.user.id, 'online'));
  }

  test('messages spread over two nodes hit the per-user limit of the cluster, in flat JSON\'s error', async (t) => {
    const u = await register(n1);
    const { general } = await (async () => {
      const r = await fetch(`${n1.base}/api/v1/channels`, { headers: { Authorization: `Bearer ${u.token}` } });
      return { general: (await r.json()).channels.find((c) => c.name === 'general').id };
    })();
    const sockets = [await connected(n1, u), await connected(n2, u)];
    for (const s of sockets) {
      s.send({ type: 'join_channel', channel_id: general });
      await s.next('channel_joined');
    }
    const accepted = [0, 0];
    let refusal = null;
    for (let i = 0; i < 2 * LIMIT && !refusal; i++) {
      const s = sockets[i % 2];
      s.send({ type: 'send_message', channel_id: general, content: `m${i}`, client_id: `c${i}` });
      const answer = await s.next((m) => m.type === 'message_sent' || m.type === 'error');
      if (answer.type === 'message_sent') accepted[i % 2]++;
      else refusal = answer;
    }
    assert.ok(refusal, `never refused; accepted ${accepted}`);
    assert.equal(refusal.error_code, 'rate_limited', JSON.stringify(refusal));
    assert.match(refusal.details, /^retry_after_ms: \d+$/);
    const total = accepted[0] + accepted[1];
    t.diagnostic(`accepted on node 1, node 2: ${accepted} (limit ${LIMIT})`);
    // Each node alone allows LIMIT; the cluster stops exactly at LIMIT (each
    // post reserves its place in Redis's count before it commits).
    assert.equal(total, LIMIT, `accepted ${accepted}`);
    assert.ok(accepted[0] < LIMIT && accepted[1] < LIMIT, `neither node reached its own limit: ${accepted}`);
    // Both nodes refuse from now on.
    for (const s of sockets) {
      s.send({ type: 'send_message', channel_id: general, content: 'more', client_id: 'more' });
      const answer = await s.next((m) => m.type === 'message_sent' || m.type === 'error');
      assert.equal(answer.error_code, 'rate_limited', JSON.stringify(answer));
    }
    for (const s of sockets) await s.close();
  });

  const generalOf = async (who) => {
    const r = await fetch(`${n1.base}/api/v1/channels`, { headers: { Authorization: `Bearer ${who.token}` } });
    return (await r.json()).channels.find((c) => c.name === 'general').id;
  };

  test('a burst spread over two nodes at once: exactly the limit is accepted', async () => {
    const u = await register(n1);
    const general = await generalOf(u);
    const sockets = [await connected(n1, u), await connected(n2, u)];
    for (const s of sockets) {
      s.send({ type: 'join_channel', channel_id: general });
      await s.next('channel_joined');
    }
    // All sent before any answer: neither node knows the other's count yet.
    for (let i = 0; i < 3 * LIMIT; i++)
      sockets[i % 2].send({ type: 'send_message', channel_id: general, content: `burst ${i}`, client_id: `b${i}` });
    const answers = [];
    for (let i = 0; i < 3 * LIMIT; i++)
      answers.push(await sockets[i % 2].next((m) => m.type === 'message_sent' || m.type === 'error'));
    const sent = answers.filter((a) => a.type === 'message_sent');
    assert.equal(sent.length, LIMIT, JSON.stringify(answers.map((a) => a.type)));
    for (const a of answers.filter((x) => x.type === 'error')) assert.equal(a.error_code, 'rate_limited', JSON.stringify(a));
    // And exactly those are stored.
    const r = await fetch(`${n2.base}/api/v1/channels/${general}/messages?limit=100`, { headers: { Authorization: `Bearer ${u.token}` } });
    const mine = (await r.json()).messages.filter((m) => m.user_id === u.user.id || m.userId === u.user.id);
    assert.deepEqual(mine.map((m) => m.id).sort(), sent.map((a) => a.data.id).sort());
    for (const s of sockets) await s.close();
  });

  test('a post waiting for the cluster\'s count keeps its session\'s order: an edit sent after it commits after it', async () => {
    const [u, w] = [await register(n1), await register(n1)];
    const general = await generalOf(u);
    const s = await connected(n1, u);
    const watch = await connected(n2, w);
    for (const x of [s, watch]) {
      x.send({ type: 'join_channel', channel_id: general });
      await x.next('channel_joined');
    }
    s.send({ type: 'send_message', channel_id: general, content: 'first', client_id: 'e' });
    const first = (await s.next('message_sent')).data;
    await watch.next((m) => m.type === 'new_message' && m.data.id === first.id);
    // Each post waits for Redis; the edit needs no count: it must still commit after the post.
    for (let round = 0; round < 5; round++) {
      s.send({ type: 'send_message', channel_id: general, content: `second ${round}`, client_id: `m${round}` });
      s.send({ type: 'edit_message', message_id: first.id, content: `first (edit ${round})` });
      const seen = [];
      while (seen.length < 2) {
        seen.push(await watch.next((x) => (x.type === 'new_message' && x.data.content === `second ${round}`) ||
          (x.type === 'message_updated' && x.data.content === `first (edit ${round})`)));
      }
      assert.deepEqual(seen.map((m) => m.type), ['new_message', 'message_updated'], `round ${round}: ${JSON.stringify(seen)}`);
      assert.ok(seen[0].seq < seen[1].seq, `seq ${seen[0].seq} then ${seen[1].seq}`);
    }
    await s.close();
    await watch.close();
  });

  test('while Redis is down each node applies its own limits: messages are never blocked on Redis', async () => {
    const [u, a, b, p1, p2] = [await register(n1), await register(n1), await register(n1), await register(n1), await register(n1)];
    const watch1 = await connected(n1, a);
    const watch2 = await connected(n2, b);
    const r = await fetch(`${n1.base}/api/v1/channels`, { headers: { Authorization: `Bearer ${u.token}` } });
    const general = (await r.json()).channels.find((c) => c.name === 'general').id;
    const sockets = [await connected(n1, u), await connected(n2, u)];
    for (const s of sockets) {
      s.send({ type: 'join_channel', channel_id: general });
      await s.next('channel_joined');
    }
    await cluster.killRedis();
    // LIMIT + 2 messages over both nodes: more than the cluster allows, fewer
    // than LIMIT on each node, all accepted.
    for (let i = 0; i < LIMIT + 2; i++) {
      const s = sockets[i % 2];
      s.send({ type: 'send_message', channel_id: general, content: `down ${i}`, client_id: `d${i}` });
      const answer = await s.next((m) => m.type === 'message_sent' || m.type === 'error');
      assert.equal(answer.type, 'message_sent', JSON.stringify(answer));
    }
    await cluster.restartRedis();
    // Both nodes hear each other again (so the users registered next on node 1
    // are known on node 2): a user connecting on each node is seen on the other.
    await connected(n1, p1);
    await watch2.next(status(p1.user.id, 'online'), 20000);
    await connected(n2, p2);
    await watch1.next(status(p2.user.id, 'online'), 20000);
    for (const s of sockets) await s.close();
  });

  test('--max-connections-per-user 2: four connects of one user at once on two nodes, exactly two stay', async () => {
    // Each node alone would let two in (neither knows the other's yet): the
    // count in Redis (one atomic script per connect) refuses the two over the cap.
    const u = await register(n1);
    const socks = await Promise.all([n1, n2, n1, n2].map(async (node) => {
      const s = await JsonSocket.open(`${node.wsBase}/ws?token=${u.token}`);
      open.push(s);
      s.first = await s.next((m) => m.type === 'connection_established' || m.type === 'error');
      return s;
    }));
    // Barrier: one more connect on each node is refused, and its refusal came
    // after every earlier answer of that node's count (one Redis connection, in order).
    for (const node of [n1, n2]) {
      const { s, first } = await flat(node, u);
      const err = first.type === 'error' ? first : await s.next('error');
      assert.equal(err.error_code, 'rate_limited');
      assert.equal((await s.closed).code, 1008);
    }
    const outcomes = await Promise.all(socks.map(async (s) => {
      if (s.ws.readyState === 1) s.send({ type: 'ping' });
      return Promise.race([s.next('pong').then(() => 'open', () => 'closed'), s.closed.then(() => 'closed')]);
    }));
    assert.deepEqual([...outcomes].sort(), ['closed', 'closed', 'open', 'open'], JSON.stringify(outcomes));
    for (const [i, s] of socks.entries()) {
      if (outcomes[i] !== 'closed') continue;
      const err = [s.first, ...s.queue].find((m) => m.type === 'error');
      assert.equal(err && err.error_code, 'rate_limited', JSON.stringify(s.queue));
      assert.equal((await s.closed).code, 1008);
    }
    for (const [i, s] of socks.entries()) if (outcomes[i] === 'open') s.ws.terminate();
  });

  test('--max-connections-per-user 2 holds across nodes and frees the slot of a SIGKILLed node after its lease', async () => {
    const [v, w1, w2, gone] = [await register(n1), await register(n1), await register(n1), await register(n1)];
    const watch1 = await connected(n1, w1);
    const watch2 = await connected(n2, w2);
    await connected(n1, v);
    await connected(n2, v);
    await barrier(watch1, n2); // node 1 knows v's connection on node 2
    await barrier(watch2, n1); // and node 2 knows the one on node 1
    for (const node of [n1, n2]) {
      const { s, first } = await flat(node, v);
      assert.equal(first.type, 'error', `third connection on node ${node === n1 ? 1 : 2}: ${JSON.stringify(first)}`);
      assert.equal(first.error_code, 'rate_limited');
      const closed = await s.closed;
      assert.equal(closed.code, 1008);
    }

    await connected(n2, gone); // only on node 2: its offline tells node 1 forgot node 2
    await watch1.next(status(gone.user.id, 'online'));
    await n2.kill('SIGKILL');
    await watch1.next(status(gone.user.id, 'offline'), 20000); // bounded generously, not a timing assert
    // v's connection on node 2 no longer counts: a second one on node 1 is let in.
    const again = await connected(n1, v);
    again.send({ type: 'ping' });
    await again.next('pong');
  });
}
