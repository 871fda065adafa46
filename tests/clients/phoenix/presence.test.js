'use strict';
// Phoenix.Presence with the official client: presence_state after each join,
// presence_diff for joins and leaves, one meta per device, any dialect.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, register, api, JsonSocket, nodeOf } = require('../lib/server.js');
const { Presence, connect, record, reply, general, defaultWorkspace, disconnect, settle } = require('./phx.js');

let server;
test.before(async () => { server = await startServer(); });
test.after(async () => { await server.stop(); });

// Joins `topic` with a Presence attached; `synced(pred)` waits until the
// client-side list satisfies pred.
async function joinWithPresence(socket, topic) {
  const channel = socket.channel(topic, {});
  const inbox = record(channel);
  const presence = new Presence(channel);
  const syncs = [];
  presence.onSync(() => { for (const s of [...syncs]) s.check(); });
  const synced = (pred, timeoutMs = 5000) => new Promise((resolve, reject) => {
    const entry = {
      check: () => {
        const list = presence.list((id, { metas }) => ({ id, metas }));
        if (pred(list)) { syncs.splice(syncs.indexOf(entry), 1); clearTimeout(entry.timer); resolve(list); }
      },
    };
    entry.timer = setTimeout(() => {
      syncs.splice(syncs.indexOf(entry), 1);
      reject(new Error(`presence never matched; last: ${JSON.stringify(presence.list((id, { metas }) => ({ id, n: metas.length })))}`));
    }, timeoutMs);
    syncs.push(entry);
    entry.check();
  });
  const joined = await reply(channel.join());
  assert.equal(joined.status, 'ok');
  return { channel, inbox, presence, synced };
}

const entry = (list, id) => list.find((e) => e.id === id);

test('presence_state lists who is there; joins and leaves arrive as presence_diff; metas follow the seed', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const sa = await connect(server, a.token);
  const pa = await joinWithPresence(sa, topic);
  let list = await pa.synced((l) => entry(l, a.user.id));
  const meta = entry(list, a.user.id).metas[0];
  assert.deepEqual(Object.keys(meta).sort(), ['avatar_url', 'joined_at', 'name', 'phx_ref']);
  assert.equal(meta.name, a.username);
  assert.equal(typeof meta.joined_at, 'number');
  assert.ok(Math.abs(meta.joined_at - Date.now() / 1000) < 60, 'joined_at is in seconds');

  const sb = await connect(server, b.token);
  const pb = await joinWithPresence(sb, topic);
  list = await pa.synced((l) => entry(l, b.user.id));
  assert.ok(entry(list, a.user.id));
  const diff = await pa.inbox.next('presence_diff', (d) => d.joins[b.user.id]);
  assert.deepEqual(diff.leaves, {});
  assert.equal(diff.joins[b.user.id].metas[0].name, b.username);
  await pb.synced((l) => entry(l, a.user.id) && entry(l, b.user.id));

  await reply(pb.channel.leave());
  await pa.synced((l) => !entry(l, b.user.id));
  const gone = await pa.inbox.next('presence_diff', (d) => d.leaves[b.user.id]);
  assert.deepEqual(gone.joins, {});
  await disconnect(sa); await disconnect(sb);
});

test('several devices of one user are several metas with distinct phx_refs; closing one removes only its meta', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const watcher = await connect(server, b.token);
  const pw = await joinWithPresence(watcher, topic);
  const phone = await connect(server, a.token), laptop = await connect(server, a.token);
  await joinWithPresence(phone, topic);
  await joinWithPresence(laptop, topic);
  const list = await pw.synced((l) => entry(l, a.user.id) && entry(l, a.user.id).metas.length === 2);
  const refs = entry(list, a.user.id).metas.map((m) => m.phx_ref);
  assert.equal(new Set(refs).size, 2);
  await disconnect(phone);
  const after = await pw.synced((l) => entry(l, a.user.id) && entry(l, a.user.id).metas.length === 1);
  assert.ok(refs.includes(entry(after, a.user.id).metas[0].phx_ref));
  await disconnect(laptop);
  await pw.synced((l) => !entry(l, a.user.id));
  await disconnect(watcher);
});

test('Presence.syncState / syncDiff over the recorded wire payloads give the same list as the server state', async () => {
  const a = await register(server), b = await register(server), c = await register(server);
  const ch = await general(server, a.token);
  const topic = `channel:${ch.id}`;
  const sa = await connect(server, a.token);
  const pa = await joinWithPresence(sa, topic);
  const sb = await connect(server, b.token);
  await joinWithPresence(sb, topic);
  const sc = await connect(server, c.token);
  await joinWithPresence(sc, topic);
  await disconnect(sb);
  await pa.synced((l) => entry(l, c.user.id) && !entry(l, b.user.id));

  let state = {};
  for (const m of pa.inbox.all) {
    if (m.event === 'presence_state') state = Presence.syncState(state, m.payload);
    if (m.event === 'presence_diff') state = Presence.syncDiff(state, m.payload);
  }
  const mine = Presence.list(state, (id) => id).sort();
  assert.ok(mine.includes(a.user.id) && mine.includes(c.user.id) && !mine.includes(b.user.id));
  // A fresh join's presence_state agrees with the folded diffs.
  const check = await connect(server, a.token);
  const pc = await joinWithPresence(check, topic);
  const fresh = await pc.inbox.next('presence_state');
  for (const id of [a.user.id, c.user.id]) assert.ok(fresh[id], id);
  assert.ok(!fresh[b.user.id]);
  await disconnect(sa); await disconnect(sc); await disconnect(check);
});

test('a flat-JSON client in the same channel shows up in Phoenix presence, and leaves it', async () => {
  const a = await register(server), b = await register(server);
  const ch = await general(server, a.token);
  const sa = await connect(server, a.token);
  const pa = await joinWithPresence(sa, `channel:${ch.id}`);
  const flat = await JsonSocket.open(`${server.wsBase}/ws?token=${b.token}`);
  await flat.next('connection_established');
  await pa.synced((l) => entry(l, b.user.id));
  await flat.close();
  await pa.synced((l) => !entry(l, b.user.id));
  await disconnect(sa);
});

test('workspace:{id} presence lists the workspace\'s connected users, whatever they joined', async () => {
  const a = await register(server), b = await register(server);
  const ws = await defaultWorkspace(server, a.token);
  const sa = await connect(server, a.token);
  const pa = await joinWithPresence(sa, `workspace:${ws.id}`);
  await pa.synced((l) => entry(l, a.user.id));
  const sb = await connect(server, b.token); // connected, no channel joined
  await pa.synced((l) => entry(l, b.user.id));
  await disconnect(sb);
  await pa.synced((l) => !entry(l, b.user.id));
  await disconnect(sa);
});

test('each device is one meta with its own phx_ref, also from another node; a device leaving removes exactly its meta', async () => {
  const owner = await register(server), b = await register(server);
  const created = await api(server, 'POST', '/api/v1/channels', owner.token, { name: `devices-${Date.now()}`, type: 'public' });
  assert.equal(created.status, 201);
  const topic = `channel:${created.body.id}`;
  // On a cluster reached directly: the listener on the first node, both of
  // b's devices together on the second (one node, two devices).
  const listenerNode = nodeOf(server);
  const devicesNode = server.cluster && server.endpoints.length > 1 ? server.endpoints[1] : server;
  const ls = await connect(listenerNode, owner.token);
  const listener = await joinWithPresence(ls, topic);
  await listener.synced((l) => entry(l, owner.user.id));
  const refsOfB = (l) => (entry(l, b.user.id) ? entry(l, b.user.id).metas.map((m) => m.phx_ref) : []);

  const d1 = await connect(devicesNode, b.token);
  assert.equal((await reply(d1.channel(topic, {}).join())).status, 'ok');
  const [ref1] = refsOfB(await listener.synced((l) => refsOfB(l).length === 1));
  const d2 = await connect(devicesNode, b.token);
  assert.equal((await reply(d2.channel(topic, {}).join())).status, 'ok');
  let list = await listener.synced((l) => refsOfB(l).length === 2);
  assert.ok(refsOfB(list).includes(ref1), 'the first device keeps its phx_ref');
  const ref2 = refsOfB(list).find((r) => r !== ref1);
  assert.ok(ref2, 'the second device has a phx_ref of its own');

  const leftBefore = listener.inbox.all.length;
  await disconnect(d1);
  list = await listener.synced((l) => refsOfB(l).length === 1);
  assert.deepEqual(refsOfB(list), [ref2]);
  const leaves = listener.inbox.all.slice(leftBefore)
    .filter((m) => m.event === 'presence_diff' && m.payload.leaves[b.user.id])
    .flatMap((m) => m.payload.leaves[b.user.id].metas.map((x) => x.phx_ref));
  assert.deepEqual(leaves, [ref1], 'exactly the first device left');

  await disconnect(d2);
  await listener.synced((l) => !entry(l, b.user.id));
  await disconnect(ls);
});

// A node's count of presence windows flushed (one diff per changed topic each).
async function windowsFlushed(node) {
  const m = await api(node, 'GET', '/metrics');
  const line = m.text.split('\n').find((l) => l.startsWith('switchboard_phoenix_presence_diff_windows_total '));
  assert.ok(line, 'metric present');
  return Number(line.split(' ')[1]);
}

test('a burst of joins and leaves reaches a listener as a few batched diffs, and its list is exactly right', async () => {
  const owner = await register(server);
  const users = [];
  for (let i = 0; i < 6; ++i) users.push(await register(server));
  // A channel of its own: nobody from the other tests is present there.
  const created = await api(server, 'POST', '/api/v1/channels', owner.token, { name: `burst-${Date.now()}`, type: 'public' });
  assert.equal(created.status, 201);
  const topic = `channel:${created.body.id}`;
  // The listener on one known node (the server itself when not a cluster),
  // whose /metrics count the windows its diffs come from; the burst's sockets
  // go round-robin, on a cluster mostly to the other nodes.
  const listenerNode = nodeOf(server);
  const ls = await connect(listenerNode, owner.token);
  const listener = await joinWithPresence(ls, topic);
  await listener.synced((l) => l.length === 1 && entry(l, owner.user.id));

  // Windows counted from before a barrier; diffs counted from after it: every
  // diff counted was flushed in a counted window.
  const w0 = await windowsFlushed(listenerNode);
  await settle(ls);
  const diffsBefore = listener.inbox.count('presence_diff');

  const N = 60;
  const sockets = await Promise.all(Array.from({ length: N }, (_, i) => connect(server, users[i % users.length].token)));
  await Promise.all(sockets.map(async (s) => {
    const ch = s.channel(topic, {});
    assert.equal((await reply(ch.join())).status, 'ok');
  }));
  // Every third one leaves again (some within the window they joined in).
  const leaving = sockets.filter((_, i) => i % 3 === 0);
  await Promise.all(leaving.map((s) => disconnect(s)));

  const expected = new Map([[owner.user.id, 1]]);
  sockets.forEach((s, i) => {
    if (i % 3 === 0) return;
    const id = users[i % users.length].user.id;
    expected.set(id, (expected.get(id) || 0) + 1);
  });
  const exact = (l) => l.length === expected.size && l.every((e) => expected.get(e.id) === e.metas.length);
  const list = await listener.synced(exact, 15000);
  assert.ok(exact(list));
  await settle(ls);
  const w1 = await windowsFlushed(listenerNode);
  const diffs = listener.inbox.count('presence_diff') - diffsBefore;
  assert.ok(diffs >= 1, 'the burst was announced');
  assert.ok(diffs <= w1 - w0, `${diffs} diffs in ${w1 - w0} windows`);
  assert.ok(diffs < N / 2, `${diffs} diffs for ${N} joins and ${leaving.length} leaves`);

  // Folding every frame the listener got gives the same list as a fresh join.
  let state = {};
  for (const m of listener.inbox.all) {
    if (m.event === 'presence_state') state = Presence.syncState(state, m.payload);
    if (m.event === 'presence_diff') state = Presence.syncDiff(state, m.payload);
  }
  const folded = Presence.list(state, (id, { metas }) => ({ id, metas }));
  assert.ok(exact(folded), JSON.stringify(folded.map((e) => [e.id, e.metas.length])));
  await Promise.all(sockets.filter((_, i) => i % 3 !== 0).map((s) => disconnect(s)));
  await disconnect(ls);
});
