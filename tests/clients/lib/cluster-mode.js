'use strict';
// Cluster mode for the dialect suites (docs/cluster.md, "Every suite on a
// cluster"). With SWITCHBOARD_TEST_CLUSTER=N, startServer() (lib/server.js)
// starts N nodes on one PostgreSQL database and one redis-server and returns a
// facade of the single-server object: each read of base, wsBase or port names
// the next endpoint round-robin, so consecutive clients of one test land on
// different nodes while REST calls go anywhere. SWITCHBOARD_TEST_CLUSTER_VIA
// picks how the endpoints reach the nodes (ROUTERS below).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
// Required when used: cluster.js requires server.js, which requires this file.
const clusterLib = () => require('./cluster.js');
const haproxyLib = () => require('./haproxy.js');

const NODE_COUNT = Number(process.env.SWITCHBOARD_TEST_CLUSTER || 0);
const VIA = process.env.SWITCHBOARD_TEST_CLUSTER_VIA || 'direct';

const enabled = () => NODE_COUNT > 0;

// For test options: { skip: clusterSkip('why this test has no cluster meaning') }.
function clusterSkip(reason) {
  return enabled() ? `cluster mode: ${reason}` : false;
}

// For test options: { skip: clusterNeeds('presence across nodes') }: a
// cluster feature not built yet. A skip rather than a todo: a failed test can
// leave official clients reconnecting forever, and the file would never end.
function clusterNeeds(feature) {
  return enabled() ? `cluster mode: needs ${feature} (not built yet)` : false;
}

// The server itself, or in cluster mode where raw polling sessions go
// (Engine.IO, Phoenix long-poll by hand): directly, one fixed node (a
// session lives on the node that opened it); through HAProxy, the balancer
// itself, which sends each request of a session to its node by the tag in the
// sid or token (packaging/haproxy/haproxy.cfg).
const oneNode = (server) => (server.pinned ? server.pinned() : server);

// One node process itself, never a balancer: for what each process keeps on
// its own (/metrics counters and histograms). With a polling session id, the
// node that owns it ("node2.<rand>" -> node2). The server itself when not a cluster.
function nodeOf(server, sessionId) {
  if (!server.cluster) return server;
  const tag = /^node(\d+)\./.exec(sessionId || '');
  const node = tag ? server.nodes[Number(tag[1]) - 1] : server.nodes[0];
  if (!node) throw new Error(`no node for session ${sessionId}`);
  return endpointOf(node.port);
}

const endpointOf = (port) => ({ port, base: `http://127.0.0.1:${port}`, wsBase: `ws://127.0.0.1:${port}` });

// How the tests reach a running cluster: start(nodes, cluster) resolves with
// the endpoints handed out round-robin and a stop(). cluster.routerPort is
// kept over restarts, so that a restarted cluster answers at its old address.
const ROUTERS = {
  direct: async (nodes) => ({ endpoints: nodes.map((n) => endpointOf(n.port)), stop: async () => {} }),
  // One HAProxy frontend from the shipped config, the one address a deployment
  // has: HAProxy balances every new request and WebSocket over the nodes
  // (roundrobin), and polling requests go to their session's node by its tag.
  haproxy: async (nodes, cluster) => {
    const lb = await haproxyLib().startHaproxy(nodes, { port: cluster.routerPort });
    cluster.routerPort = lb.port;
    // Like the redis-server: it must not keep the test process alive when a
    // test ends its nodes without stop() (rest/server signals them), and goes with it.
    for (const handle of [lb.proc, lb.proc.stdout, lb.proc.stderr]) handle.unref();
    haproxies.add(lb.proc);
    lb.proc.on('exit', () => haproxies.delete(lb.proc));
    const stop = () => {
      lb.proc.ref(); // waited for: it must keep the process alive until then
      return lb.stop();
    };
    return { endpoints: [endpointOf(lb.port)], balancer: true, stop };
  },
};

// One PostgreSQL per test process (initdb is the slow part); each cluster gets
// a fresh database in it. Stopped when the process ends (cleanUp).
const PG_SCRIPT = path.resolve(__dirname, '../../../scripts/postgres-test.sh');
let postgres = null;
const redisServers = new Set();
const haproxies = new Set();
const nodeProcs = new Set();

// What a test process leaves behind when it ends: PostgreSQL runs detached
// (pg_ctl), each cluster's redis-server and nodes are children (a test that
// timed out never stopped its nodes).
function cleanUp() {
  for (const proc of [...nodeProcs, ...redisServers, ...haproxies])
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  redisServers.clear();
  haproxies.clear();
  nodeProcs.clear();
  if (postgres) {
    try { execFileSync(PG_SCRIPT, ['stop', postgres.dir]); } catch (_) { /* best effort */ }
    postgres = null;
  }
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { cleanUp(); process.exit(128 + (signal === 'SIGINT' ? 2 : 15)); });

// A redis-server that does not keep the test process alive (a test may end
// its nodes without stop(), e.g. by signalling them) and goes with it.
async function startRedis(port) {
  const redis = await clusterLib().startRedis(port);
  for (const handle of [redis.proc, redis.proc.stdout, redis.proc.stderr]) handle.unref();
  redisServers.add(redis.proc);
  redis.proc.on('exit', () => redisServers.delete(redis.proc));
  return redis;
}

function freshDatabase() {
  if (!postgres) {
    const out = execFileSync(PG_SCRIPT, ['start'], { encoding: 'utf8' });
    const dir = out.match(/PGDIR=(.*)/)[1].trim();
    const url = new URL(out.match(/SWITCHBOARD_TEST_POSTGRES_URL=(.*)/)[1].trim());
    postgres = { dir, url, count: 0 };
    // lib/cluster-run.js stops it if this process is killed before cleanUp().
    if (process.env.SWITCHBOARD_TEST_PGDIRS) fs.appendFileSync(process.env.SWITCHBOARD_TEST_PGDIRS, `${dir}\n`);
    return url.toString(); // the script made switchboard_test already
  }
  const name = `switchboard_c${++postgres.count}`;
  const pgBin = fs.readdirSync('/usr/lib/postgresql').sort().map((v) => path.join('/usr/lib/postgresql', v, 'bin')).pop();
  const createdb = [path.join(pgBin, 'createdb'), '-h', '127.0.0.1', '-p', postgres.url.port, '-U', 'postgres', name];
  // initdb (and so the server) runs as postgres when we are root; see postgres-test.sh.
  if (process.getuid() === 0) execFileSync('runuser', ['-u', 'postgres', '--', ...createdb]);
  else execFileSync(createdb[0], createdb.slice(1));
  const url = new URL(postgres.url);
  url.pathname = `/${name}`;
  return url.toString();
}

// A data dir handed out by a facade -> the cluster behind it, so that
// startServer({ port, dataDir }) after kill() restarts that cluster's nodes
// (the single-server meaning: same data, same address).
const clusters = new Map();

async function stopRedis(redis) {
  if (redis.proc.exitCode !== null || redis.proc.signalCode !== null) return;
  const gone = new Promise((resolve) => redis.proc.once('exit', resolve));
  redis.proc.ref(); // waited for: it must keep the process alive until then
  redis.proc.kill('SIGKILL');
  await gone;
}

// Why this machine cannot run the chosen router (null when it can).
function routerMissing() {
  if (!ROUTERS[VIA]) return `SWITCHBOARD_TEST_CLUSTER_VIA=${VIA}: known are ${Object.keys(ROUTERS).join(', ')}`;
  if (VIA === 'haproxy') {
    if (NODE_COUNT !== 3) return `SWITCHBOARD_TEST_CLUSTER_VIA=haproxy needs SWITCHBOARD_TEST_CLUSTER=3 (the shipped config names node1..node3), not ${NODE_COUNT}`;
    return haproxyLib().haproxyMissing();
  }
  return null;
}

async function startClusterServer(options, startNode) {
  if (!enabled()) throw new Error('cluster mode is off');
  const missing = routerMissing() || clusterLib().clusterMissing();
  if (missing) throw new Error(`cluster mode: ${missing}`);
  let cluster = options.dataDir && clusters.get(options.dataDir);
  if (options.dataDir && !cluster)
    throw new Error('cluster mode: this data dir was not made by a cluster (skip the test in cluster mode)');
  if (options.jwtSecret === null)
    throw new Error('cluster mode: every node needs the same JWT secret (skip the test in cluster mode)');
  // One upload dir for all nodes, as shared storage would be in a deployment.
  if (!cluster) {
    cluster = { database: freshDatabase(), redis: await startRedis(), ports: [], dataDirs: [],
      uploadDir: fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-uploads-')) };
  }
  return launch(cluster, options, startNode);
}

async function launch(cluster, options, startNode) {
  const { redis } = cluster;
  if (redis.proc.exitCode !== null || redis.proc.signalCode !== null) cluster.redis = await startRedis(redis.port);
  const nodeOptions = (i) => ({
    ...options,
    port: cluster.ports[i] || (i === 0 ? options.port : undefined),
    dataDir: cluster.dataDirs[i],
    args: ['--database', cluster.database, '--redis', cluster.redis.url, '--node-id', `node${i + 1}`,
      '--upload-dir', cluster.uploadDir, ...(options.args || [])],
  });
  const nodes = [];
  try {
    // The first node migrates the database; the others start together after it.
    nodes.push(await startNode(nodeOptions(0)));
    const rest = await Promise.allSettled(Array.from({ length: NODE_COUNT - 1 }, (_, i) => startNode(nodeOptions(i + 1))));
    for (const r of rest) if (r.status === 'fulfilled') nodes.push(r.value);
    const failed = rest.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (e) {
    await Promise.all(nodes.map((n) => n.kill()));
    await stopRedis(cluster.redis);
    throw e;
  }
  for (const n of nodes) {
    nodeProcs.add(n.proc);
    n.proc.on('exit', () => nodeProcs.delete(n.proc));
  }
  cluster.ports = nodes.map((n) => n.port);
  cluster.dataDirs = nodes.map((n) => n.dataDir);
  clusters.set(nodes[0].dataDir, cluster);
  let router;
  try {
    router = await ROUTERS[VIA](nodes, cluster);
  } catch (e) {
    await Promise.all(nodes.map((n) => n.kill()));
    await stopRedis(cluster.redis);
    throw e;
  }
  return facade(cluster, nodes, router, options, startNode);
}

// The exit that says most: the first unclean one, else the first node's.
const worstExit = (exits) => exits.find((e) => e.code !== 0 || e.signal !== null) || exits[0];
const running = (n) => n.proc.exitCode === null && n.proc.signalCode === null;

// What tests read from "the" server process, over all nodes.
function clusterProcess(nodes) {
  // A node that exited is the server exiting (a crash shows at once); the worst such exit.
  const settled = () => {
    const exits = nodes.filter((n) => !running(n)).map((n) => ({ code: n.proc.exitCode, signal: n.proc.signalCode }));
    return exits.length ? worstExit(exits) : null;
  };
  return {
    get pid() { return nodes[0].proc.pid; },
    get exitCode() { const e = settled(); return e ? e.code : null; },
    get signalCode() { const e = settled(); return e ? e.signal : null; },
    get stderrText() { return nodes.map((n, i) => `[node${i + 1}]\n${n.proc.stderrText}`).join('\n'); },
    kill(signal = 'SIGTERM') { for (const n of nodes) if (running(n)) n.proc.kill(signal); return true; },
  };
}

function facade(cluster, nodes, router, options, startNode) {
  const { endpoints } = router;
  let next = 0;
  const pick = () => endpoints[next++ % endpoints.length];
  const server = {
    cluster: true,
    nodes,
    endpoints,
    get base() { return pick().base; },
    get wsBase() { return pick().wsBase; },
    get port() { return pick().port; },
    // Where raw polling sessions go (oneNode): one fixed node, or the balancer.
    pinned() { return endpoints[0]; },
    balancer: Boolean(router.balancer),
    dataDir: nodes[0].dataDir,
    args: options.args || [],
    proc: clusterProcess(nodes),
    exited: Promise.all(nodes.map((n) => n.exited)).then(worstExit),
    sanitizerReport() {
      for (const [i, n] of nodes.entries()) {
        const report = n.sanitizerReport();
        if (report) return `[node${i + 1}] ${report}`;
      }
      return null;
    },
    // Stops every node (SIGTERM), then the redis-server; the database stays
    // for restart() until the process exits.
    async stop() {
      const results = await Promise.allSettled(nodes.map((n) => n.stop()));
      await router.stop();
      await stopRedis(cluster.redis);
      const failed = results.find((r) => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
    // Every node at once, as a power cut would; PostgreSQL and Redis stay up.
    async kill(signal = 'SIGKILL') {
      await Promise.all(nodes.map((n) => n.kill(signal)));
      await router.stop();
    },
    // New node processes on the same ports and database.
    async restart(extra = {}) {
      await server.stop();
      return launch(cluster, { ...options, ...extra }, startNode);
    },
  };
  return server;
}

module.exports = { enabled, clusterSkip, clusterNeeds, oneNode, nodeOf, routerMissing, startClusterServer, NODE_COUNT, VIA };
