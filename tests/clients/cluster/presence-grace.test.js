'use strict';
// A dead node's grace runs from its latest down (docs/cluster.md, "A node dies";
// server/cluster/NodeGrace): node 2 is paused past its lease, so nodes 1 and 3
// see it down, resumed, so they see it up again, then SIGKILLed. Its user must
// go offline on each node only a whole grace after that node saw the second
// down. (A wait left from the first down used to forget node 2 right after
// the second: the cluster/presence SIGKILL-grace failure after a Redis restart.)
//
// Each step waits for the nodes' own log lines ("node node2 is down" / "is up",
// --log-level info), not for a time; the check compares two times stamped by
// the same node: when it logged the down and when it stamped the offline.
const test = require('node:test');
const assert = require('node:assert/strict');
const { register, JsonSocket } = require('../lib/server.js');
const { startCluster, clusterMissing } = require('../lib/cluster.js');

// The nodes' log stamps are local time: UTC here, as the offline's stamp.
process.env.TZ = 'UTC';
const LEASE_MS = 1000;
// Longer than cluster/presence's 3 s: node 2 must be seen up again well within it, even on a
// slow machine (a wait that expires before is a right forget, and this test would fail).
const GRACE_MS = 5000;

const missing = clusterMissing();
if (missing) {
  test('presence grace across nodes', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster;
  const open = [];

  test.before(async () => {
    cluster = await startCluster({
      nodes: 3,
      args: ['--node-lease-ms', String(LEASE_MS), '--presence-grace-ms', String(GRACE_MS), '--presence-window-ms', '50',
        '--log-level', 'info'],
    });
  });

  test.after(async () => {
    try { cluster?.nodes[1].proc.kill('SIGCONT'); } catch (_) { /* killed */ } // a failure left it paused
    for (const s of open) { try { s.close(); } catch (_) { /* gone with its node */ } }
    await cluster?.stop();
  });

  // Server time (ms) of a log line: "2026-12-03T22:43:47.504 info ...".
  const logTime = (line) => Date.parse(`${line.split(' ')[0]}Z`);
  // The lines where `node` (a server) logged node 2 "down" or "up", from its start.
  const said = (node, what) => node.proc.stderrText.split('\n').filter((l) => l.includes(`node node2 is ${what}`));
  async function until(what, ok, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      assert.ok(Date.now() < deadline, `${what}: ${cluster.nodes.map((n) => said(n, '')).join(' | ')}`);
      await new Promise((res) => setTimeout(res, 10));
    }
  }
  async function flat(node, who) {
    const s = await JsonSocket.open(`${node.wsBase}/ws?token=${who.token}`);
    open.push(s);
    await s.next('connection_established');
    return s;
  }
  const status = (userId) => (m) => m.type === 'user_status' && m.user_id === userId;

  test('node 2 seen down, up again, then killed: its user goes offline a whole grace after the second down', async () => {
    const [n1, n2, n3] = cluster.nodes;
    const [w1, w3, k] = [await register(n1), await register(n1), await register(n1)];
    const watch1 = await flat(n1, w1);
    const watch3 = await flat(n3, w3);
    await flat(n2, k);
    await watch1.next((m) => status(k.user.id)(m) && m.status === 'online');
    await watch3.next((m) => status(k.user.id)(m) && m.status === 'online');

    const survivors = [[n1, watch1], [n3, watch3]];
    // Each logged node 2 up once at its start; the counts below start from there.
    await until('nodes 1 and 3 know node 2', () => survivors.every(([n]) => said(n, 'up').length >= 1));
    const [downs, ups] = [survivors.map(([n]) => said(n, 'down').length), survivors.map(([n]) => said(n, 'up').length)];
    const all = (what, counts, more) => () => survivors.every(([n], i) => said(n, what).length >= counts[i] + more);
    n2.proc.kill('SIGSTOP');
    await until('nodes 1 and 3 see node 2 down', all('down', downs, 1));
    n2.proc.kill('SIGCONT');
    await until('nodes 1 and 3 see node 2 up again', all('up', ups, 1));
    await n2.kill('SIGKILL');
    await until('nodes 1 and 3 see node 2 down again', all('down', downs, 2));

    for (const [i, [node, watch]] of survivors.entries()) {
      const off = await watch.next(status(k.user.id), 20000);
      assert.equal(off.status, 'offline');
      const waited = Date.parse(off.timestamp) - logTime(said(node, 'down')[downs[i] + 1]);
      assert.ok(waited >= GRACE_MS, `node ${i ? 3 : 1} forgot node 2 ${waited} ms after its second down (grace ${GRACE_MS})`);
    }
  });
}
