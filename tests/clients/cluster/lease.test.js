'use strict';
// Node liveness (docs/cluster.md#node-liveness): every node holds a lease in
// Redis and is listed in the registry sorted set sb:nodes while it lives. A
// clean shutdown gives the lease back (peers need not wait for it to expire);
// a SIGKILLed node's lease expires after --node-lease-ms and the check on a
// surviving node drops it from the registry.
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const { startCluster, clusterMissing } = require('../lib/cluster.js');

const redisCli = (cluster, ...args) =>
  execFileSync('/usr/bin/redis-cli', ['-h', '127.0.0.1', '-p', String(cluster.redis.port), '--raw', ...args], { encoding: 'utf8' })
    .split('\n').filter(Boolean);

// Polls Redis until `ok` holds (bounded: the test fails with what it saw).
async function until(what, read, ok, tries = 200) {
  let last;
  for (let i = 0; i < tries; i++) {
    last = read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`${what}: still ${JSON.stringify(last)}`);
}

const missing = clusterMissing();
if (missing) {
  test('node leases', { skip: `skipped: ${missing}` }, () => {});
} else {
  let cluster;
  test.after(async () => { await cluster?.stop(); });

  test('each node holds a lease; SIGTERM gives it back, SIGKILL lets it expire', async () => {
    cluster = await startCluster({ nodes: 3, args: ['--node-lease-ms', '1000'] });
    const [n1, n2, n3] = cluster.nodes;
    const registry = () => redisCli(cluster, 'ZRANGE', 'sb:nodes', '0', '-1').sort();
    await until('three leases', registry, (r) => r.length === 3);
    assert.deepEqual(registry(), ['node1', 'node2', 'node3']);
    // The listen address is known once the node listens: the next refresh carries it.
    const lease = await until('node2 lease with its address', () => JSON.parse(redisCli(cluster, 'GET', 'sb:node:node2')[0]),
      (l) => l.listen !== '');
    assert.equal(lease.listen, `http://127.0.0.1:${n2.port}`, JSON.stringify(lease));
    assert.equal(lease.id, 'node2', JSON.stringify(lease));
    const ttl = Number(redisCli(cluster, 'PTTL', 'sb:node:node2')[0]);
    assert.ok(ttl > 0 && ttl <= 1000, `lease ttl ${ttl} ms`);

    // A clean stop: released before the process exits.
    await n2.stop();
    assert.deepEqual(await n2.exited, { code: 0, signal: null });
    assert.deepEqual(registry(), ['node1', 'node3']);
    assert.deepEqual(redisCli(cluster, 'EXISTS', 'sb:node:node2'), ['0']);

    // A crash: nothing is given back; the lease expires and a peer's check drops it.
    await n3.kill('SIGKILL');
    assert.deepEqual(registry(), ['node1', 'node3']);
    await until('node3 dropped after its lease expired', registry, (r) => !r.includes('node3'));
    assert.deepEqual(registry(), ['node1']);
    void n1;
  });
}
