'use strict';
// Resume across nodes (docs/design.md#resume, docs/cluster.md): a client drops
// from one node while others act on a second one and comes back on a third,
// which replays what it missed from the shared PostgreSQL log; it ends with
// exactly the events of a client that never left.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const R = require('../lib/json-resume.js');
const flat = require('../flatjson/resume-adapter.js');
const wsjson = require('../workspacejson/resume-adapter.js');
const { connect, join, settle, disconnect } = require('../phoenix/phx.js');
const P = require('../phoenix/resume-lib.js');
const { register } = require('../lib/server.js');
const { settle: sioSettle, connected } = require('../socketio/sio.js');
const S = require('../socketio/resume-lib.js');

// Points the official client's manager at another node for its next
// (re)connection, as a balancer choosing another backend would.
function reroute(socket, node) {
  socket.io.uri = `http://127.0.0.1:${node.port}`;
}

const missing = clusterMissing();
if (missing) {
  test('resume on another node', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster;
  test.before(async () => { cluster = await startCluster({ nodes: 3, args: R.FLAGS }); });
  test.after(async () => { await cluster?.stop(); });

  test('flat JSON: a client killed on node 1 resumes on node 3 with what node 2 committed meanwhile', async () => {
    await R.dropAndResumeAcrossNodes(flat.adapter, cluster.nodes);
  });

  test('workspace JSON: channel.sync on node 3 after a drop from node 1', async () => {
    await R.dropAndResumeAcrossNodes(wsjson.adapter, cluster.nodes);
  });

  test('Phoenix: the official client, sent to node 3 by its balancer after the drop, rejoins with last_seq and resumes', async () => {
    const [n1, n2, n3] = cluster.nodes;
    const { a, b, c, w, ch } = await P.setup(n1);
    const topic = `channel:${ch.id}`;
    const watcherSocket = await connect(n1, w.token);
    const watcher = await join(watcherSocket, topic);
    const net = await P.network();
    const victim = await P.resumingClient(n1, a.token, topic, net.WebSocket);
    const start = victim.state.joins[0].seq;
    assert.equal(start, watcher.response.seq);
    await P.activity(n2, ch, b, c, 'before');
    const seen = (await P.untilSeq(watcher.inbox, start + 10), P.logged(watcher.inbox).at(-1).seq);
    await P.untilSeq(victim.inbox, seen);
    net.down();
    await P.activity(n2, ch, b, c, 'away');
    const last = await P.activity(n2, ch, b, c, 'again');
    await watcher.inbox.next('new_message', (p) => p.message.id === last, 20000);
    const end = P.logged(watcher.inbox).at(-1).seq;
    net.route = n3; // the balancer sends the reconnect elsewhere
    net.up();
    await P.untilSeq(victim.inbox, end);
    const rejoin = victim.state.joins.at(-1);
    assert.equal(victim.state.joins.length, 2, 'one rejoin');
    assert.equal(rejoin.recovered, true, JSON.stringify(rejoin));
    assert.equal(rejoin.seq, end);
    assert.ok([...net.sockets].at(-1).url.includes(`127.0.0.1:${n3.port}/`), 'the rejoin went to node 3');
    await settle(victim.socket); await settle(watcherSocket);
    const mine = P.logged(victim.inbox), theirs = P.logged(watcher.inbox);
    assert.deepEqual(mine, theirs);
    P.assertGapless(mine, start, end, 'victim');
    assert.equal(victim.inbox.count('messages_loaded'), 1, 'a recovered rejoin is not followed by a reload');
    await disconnect(victim.socket);
    await disconnect(watcherSocket);
  });

  for (const nsp of ['/', '/chat']) {
    const reactions = nsp === '/'; // seed 002 has no reaction events
    test(`Socket.IO ${nsp}: the official client recovers on node 3 (socket.recovered) with what node 2 committed`, async () => {
      const [n1, n2, n3] = cluster.nodes;
      const [alice, bob] = [await register(n1), await register(n1)];
      const channelId = await S.channel(n2, alice, bob);
      const stayer = S.recorder(n2, alice, nsp);
      const back = S.recorder(n1, bob, nsp);
      await Promise.all([connected(stayer), connected(back)]);
      await S.join(stayer, nsp, channelId);
      await S.join(back, nsp, channelId);
      await S.traffic(n2, alice, channelId, 'one', reactions);
      await sioSettle(stayer);
      await S.until(back, stayer.log.at(-1).seq);
      const pid = back._pid;
      await S.killTransport(back);
      await S.traffic(n2, alice, channelId, 'two', reactions);
      reroute(back, n3);
      await S.comeBack(back);
      assert.equal(back.recovered, true);
      assert.equal(back._pid, pid);
      assert.equal(back.io.engine.transport.ws.url.includes(`127.0.0.1:${n3.port}/`), true, 'recovered on node 3');
      await S.traffic(n2, alice, channelId, 'three', reactions); // the room was restored on node 3
      await sioSettle(stayer);
      await S.until(back, stayer.log.at(-1).seq);
      await sioSettle(back);
      S.assertSameLog(back, stayer);
      for (const tag of ['one', 'two', 'three']) assert.ok(back.log.some((e) => e.content === `${tag}-c`), tag);
      stayer.close(); back.close();
    });
  }

  // Last: it kills node 1 for good.
  test('Socket.IO / and /chat: the node that held the sockets is SIGKILLed; both recover on node 3', async () => {
    const [n1, n2, n3] = cluster.nodes;
    const [alice, bob] = [await register(n2), await register(n2)];
    const channelId = await S.channel(n2, alice, bob);
    const pairs = [];
    for (const nsp of ['/', '/chat']) {
      const stayer = S.recorder(n2, alice, nsp);
      const back = S.recorder(n1, bob, nsp);
      await Promise.all([connected(stayer), connected(back)]);
      await S.join(stayer, nsp, channelId);
      await S.join(back, nsp, channelId);
      pairs.push({ nsp, stayer, back });
    }
    await S.traffic(n2, alice, channelId, 'one', false);
    for (const { stayer, back } of pairs) { await sioSettle(stayer); await S.until(back, stayer.log.at(-1).seq); }
    for (const { back } of pairs) back.io.reconnection(false);
    const gone = pairs.map(({ back }) => new Promise((resolve) => back.once('disconnect', resolve)));
    await n1.kill('SIGKILL');
    await Promise.all(gone);
    await S.traffic(n2, alice, channelId, 'two', false);
    for (const { back } of pairs) {
      reroute(back, n3);
      await S.comeBack(back);
      assert.equal(back.recovered, true);
    }
    await S.traffic(n2, alice, channelId, 'three', false);
    for (const { nsp, stayer, back } of pairs) {
      await sioSettle(stayer);
      await S.until(back, stayer.log.at(-1).seq);
      await sioSettle(back);
      S.assertSameLog(back, stayer);
      assert.ok(back.log.some((e) => e.content === 'two-c'), nsp);
      stayer.close(); back.close();
    }
  });
}
