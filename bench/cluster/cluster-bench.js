'use strict';
// The cluster benchmark (bench/README.md "cluster"): a throwaway PostgreSQL and
// redis-server on loopback and three switchboard-server nodes on them
// (tests/clients/lib/cluster.js), then
//   fanout    a room of --room-users distinct users spread over 1, 2 and 3 nodes
//             (member i on node i mod N), --publishers of them sending at each
//             of --rates messages/s in total for --seconds: deliveries/s, and
//             delivery latency p50/p99 split into same-node and cross-node;
//   idle      --idle-per-node distinct users held idle on node 1 and as many on
//             node 2 (child processes of --per-worker connections each), with
//             each node's RSS before and after;
//   recovery  SIGKILL of node 2: its idle clients reconnect to node 3 at once;
//             the time from the kill until the last of them is established.
// Writes the JSON results (--json) and the report page (--output, markdown).
// Run under `ulimit -n 20000`: every node inherits this process's limit.
// Usage: node bench/cluster/cluster-bench.js [--quick] [--output FILE] [--json FILE]
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { fork, execFileSync } = require('node:child_process');
const { createRequire } = require('node:module');

const ROOT = path.resolve(__dirname, '../..');
const clientsRequire = createRequire(path.join(ROOT, 'tests/clients/package.json'));
const WebSocket = clientsRequire('ws');
const { startCluster } = require(path.join(ROOT, 'tests/clients/lib/cluster.js'));
const { startServer } = require(path.join(ROOT, 'tests/clients/lib/server.js'));

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : def;
};
const quick = argv.includes('--quick');
const O = {
  roomUsers: Number(opt('room-users', 100)),
  publishers: Number(opt('publishers', 10)),
  rates: opt('rates', quick ? '50,200' : '50,200,800').split(',').map(Number),
  seconds: Number(opt('seconds', quick ? 2 : 5)),
  idlePerNode: Number(opt('idle-per-node', quick ? 500 : 19000)),
  // The ceiling (switchboard-bench, C++ generator): a big room over 1, 2, 3 nodes.
  ceilingMembers: Number(opt('ceiling-members', quick ? 1000 : 5000)),
  ceilingRates: opt('ceiling-rates', quick ? '20,80' : '10,20,40,80,160').split(',').map(Number),
  ceilingSeconds: Number(opt('ceiling-seconds', quick ? 3 : 5)),
  perWorker: Number(opt('per-worker', 9500)),
  inflight: Number(opt('inflight', 256)),
  output: opt('output', ''),
  json: opt('json', ''),
};
const log = (...a) => console.error(`[cluster-bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowNs = () => process.hrtime.bigint();
const quantile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
const rssKb = (pid) => {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]);
  } catch (_) {
    return NaN;
  }
};
const cpuTicks = (pid) => {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime
};

// ---- room clients -----------------------------------------------------------------------
function openRoomClient(url, onMessage) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    let ready = false;
    ws.on('message', (data) => {
      const text = data.toString();
      if (!ready) {
        if (text.includes('"connection_established"')) {
          ready = true;
          resolve(ws);
        }
        return;
      }
      onMessage(text);
    });
    ws.on('error', (e) => { if (!ready) reject(e); });
    ws.on('close', () => { if (!ready) reject(new Error('closed before connection_established')); });
  });
}

async function fanout(cluster, plan, nodeCount, spread) {
  const room = plan.groups.room;
  const channel = room.channels[0];
  const n = O.roomUsers;
  const nodeOf = (u) => u % nodeCount;
  // Per delivery: [latency ms, same node?]; 'warm' markers count the barrier.
  const same = [];
  const cross = [];
  let delivered = 0;
  let warm = 0;
  let lastDelivery = 0n;
  const clients = await Promise.all([...Array(n).keys()].map((u) =>
    openRoomClient(`${cluster.nodes[nodeOf(u)].wsBase}/ws?token=${room.tokens[u]}`, (text) => {
      const i = text.indexOf('sb-cl:');
      if (i < 0 || !text.includes('"type":"new_message"')) return; // not the publisher's message_sent
      const parts = text.slice(i, text.indexOf('"', i)).split(':');
      if (parts[1] === 'warm') { warm++; return; }
      const t = nowNs();
      lastDelivery = t;
      const ms = Number(t - BigInt(parts[1])) / 1e6;
      (Number(parts[2]) === nodeOf(u) ? same : cross).push(ms);
      delivered++;
    })));
  // Barrier: a message every member has received means every node watches the room.
  clients[0].send(JSON.stringify({ type: 'send_message', channel_id: channel, content: 'sb-cl:warm:0' }));
  const warmUntil = Date.now() + 60000;
  while (warm < n && Date.now() < warmUntil) await sleep(10);
  if (warm < n) log(`fanout: only ${warm} of ${n} members received the barrier message`);
  const rows = [];
  for (const rate of O.rates) {
    same.length = 0;
    cross.length = 0;
    delivered = 0;
    const cpu0 = cluster.nodes.map((x) => cpuTicks(x.proc.pid));
    const start = nowNs();
    const interval = 1e9 / rate; // ns between two messages of the room
    let sent = 0;
    while (Number(nowNs() - start) < O.seconds * 1e9) {
      const due = Math.floor(Number(nowNs() - start) / interval);
      for (; sent < due; sent++) {
        const p = spread ? sent % O.publishers : nodeCount * (sent % O.publishers); // on node 1 when not spread
        clients[p].send(JSON.stringify({
          type: 'send_message', channel_id: channel, content: `sb-cl:${nowNs()}:${nodeOf(p)}:${sent}`,
        }));
      }
      await sleep(1);
    }
    const sendEnd = nowNs();
    const expected = sent * n; // the publisher gets its own copy too
    // Drain: until everything arrived, or 10 s without progress.
    let seen = -1;
    let still = Date.now();
    while (delivered < expected) {
      if (delivered !== seen) { seen = delivered; still = Date.now(); }
      if (Date.now() - still > 10000) break;
      await sleep(20);
    }
    const cpu1 = cluster.nodes.map((x) => cpuTicks(x.proc.pid));
    const elapsed = Number((lastDelivery > sendEnd ? lastDelivery : sendEnd) - start) / 1e9;
    same.sort((a, b) => a - b);
    cross.sort((a, b) => a - b);
    const all = same.concat(cross).sort((a, b) => a - b);
    const row = {
      nodes: nodeCount, publishers_spread: spread, rate, sent, expected, delivered, seconds: elapsed,
      deliveries_per_s: delivered / elapsed,
      p50: quantile(all, 0.5), p99: quantile(all, 0.99), max: all[all.length - 1],
      same_n: same.length, same_p50: quantile(same, 0.5), same_p99: quantile(same, 0.99),
      cross_n: cross.length, cross_p50: quantile(cross, 0.5), cross_p99: quantile(cross, 0.99),
      node_cpu_pct: cpu1.map((c, i) => (c - cpu0[i]) / elapsed), // clock ticks are 1/100 s
    };
    rows.push(row);
    log(`fanout ${nodeCount} node(s)${spread ? '' : ', publishers on node 1'} ${rate} msg/s: ${delivered}/${expected} delivered, ${row.deliveries_per_s.toFixed(0)}/s,`
      + ` p50 ${row.p50?.toFixed(2)} p99 ${row.p99?.toFixed(2)} ms (same ${row.same_p99?.toFixed(2)}, cross ${row.cross_p99?.toFixed(2)})`);
  }
  for (const c of clients) c.terminate();
  return rows;
}

// ---- fan-out ceiling with the C++ generator ---------------------------------------------
// The Node clients above top out near 80,000 deliveries/s with the nodes mostly idle, so they
// cannot show what a node can carry. switchboard-bench can: its big-room fan-out, with the
// room's members (and publishers) spread over the first nodeCount nodes (member i on node
// i mod n), every node's CPU read from /proc. The generator shares the 2 cores with them.
function ceiling(cluster, planFile, nodeCount) {
  const bench = process.env.SWITCHBOARD_BENCH || path.join(ROOT, 'build/bin/switchboard-bench');
  const nodes = cluster.nodes.slice(0, nodeCount);
  const out = path.join(os.tmpdir(), `cluster-bench-ceiling-${process.pid}-${nodeCount}.json`);
  log(`ceiling: ${O.ceilingMembers}-member room over ${nodeCount} node(s), rates ${O.ceilingRates.join(',')} msg/s`);
  execFileSync(bench, ['--url', nodes.map((x) => x.wsBase).join(','), '--server-pid', nodes.map((x) => x.proc.pid).join(','),
    '--dialect', 'flatjson', '--plan', planFile, '--label', `${nodeCount} node(s)`, '--out', out,
    '--scenarios', 'bigfanout', '--big-room-size', String(O.ceilingMembers), '--big-fanout-rates', O.ceilingRates.join(','),
    '--step-seconds', String(O.ceilingSeconds), '--fanout-idle', '0'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const doc = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.unlinkSync(out);
  const row = (doc.results || doc.rows || []).find((x) => x.scenario === 'fanout');
  if (!row) throw new Error(`switchboard-bench wrote no fan-out row: ${JSON.stringify(doc).slice(0, 300)}`);
  return row.steps.map((x) => ({
    nodes: nodeCount, members: row.room_members, rate: x.offered_msgs_per_s, deliveries_per_s: x.deliveries_per_s,
    offered: x.offered_deliveries_per_s, p99: x.latency?.p99_ms, saturated: x.saturated,
    node_cpu_pct: x.server_cpu_pct_each || [x.server_cpu_pct], server_cpu_pct: x.server_cpu_pct,
    generator_cpu_pct: x.generator_cpu_pct,
  }));
}

// ---- idle crowd and recovery ---------------------------------------------------------------
function startWorker() {
  const w = fork(path.join(__dirname, 'idle-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  w.on('error', () => {}); // a worker gone while told to close
  w.events = [];
  w.waiters = [];
  w.on('message', (m) => {
    w.events.push(m);
    w.waiters = w.waiters.filter((f) => !f(m));
  });
  w.next = (ev) => new Promise((resolve) => {
    const seen = w.events.find((m) => m.ev === ev);
    if (seen) { w.events.splice(w.events.indexOf(seen), 1); resolve(seen); return; }
    w.waiters.push((m) => { if (m.ev !== ev) return false; w.events.splice(w.events.indexOf(m), 1); resolve(m); return true; });
  });
  return w;
}

async function idleAndRecovery(cluster, plan) {
  const tokens = plan.groups.idle.tokens;
  const [n1, n2, n3] = cluster.nodes;
  const before = cluster.nodes.map((x) => rssKb(x.proc.pid));
  const workers = [];
  const t0 = nowNs();
  const opens = [];
  for (const [k, node] of [[0, n1], [1, n2]]) {
    const mine = tokens.slice(k * O.idlePerNode, (k + 1) * O.idlePerNode);
    for (let i = 0; i < mine.length; i += O.perWorker) {
      const w = startWorker();
      w.node = k;
      workers.push(w);
      const conns = mine.slice(i, i + O.perWorker).map((t) => ({
        url: `${node.wsBase}/ws?token=${t}`, fallback: `${n3.wsBase}/ws?token=${t}`,
      }));
      opens.push(w.next('opened'));
      w.send({ cmd: 'open', conns, inflight: O.inflight });
    }
  }
  const opened = await Promise.all(opens);
  const openSeconds = Number(opened.reduce((m, o) => (BigInt(o.t) > m ? BigInt(o.t) : m), 0n) - t0) / 1e9;
  const ok = [0, 0];
  const failed = [0, 0];
  opened.forEach((o, i) => { ok[workers[i].node] += o.ok; failed[workers[i].node] += o.failed; });
  await sleep(3000); // presence and the like settle before RSS is read
  const after = cluster.nodes.map((x) => rssKb(x.proc.pid));
  const idle = {
    per_node: O.idlePerNode, connected: ok, failed, open_seconds: openSeconds,
    rss_before_kb: before, rss_after_kb: after,
    kb_per_connection: [0, 1].map((k) => (after[k] - before[k]) / Math.max(1, ok[k])),
  };
  log(`idle: ${ok.join(' + ')} connected (${failed.join(' + ')} failed) in ${openSeconds.toFixed(1)} s; RSS MB`,
    after.map((kb) => (kb / 1024).toFixed(0)).join(' / '));

  // Recovery: node 2 dies; its clients go to node 3.
  const n3Before = rssKb(n3.proc.pid);
  // A worker reports each time its reconnected count catches up with its lost
  // count; done when the latest reports of node 2's workers add up to all of them.
  const lostOnes = workers.filter((w) => w.node === 1);
  for (const w of lostOnes) w.on('message', (m) => { if (m.ev === 'recovered') w.lastRecovered = m; });
  const killedAt = nowNs();
  n2.proc.kill('SIGKILL');
  const sum = () => lostOnes.reduce((s, w) => s + (w.lastRecovered ? w.lastRecovered.n : 0), 0);
  const giveUp = Date.now() + 180000;
  while (sum() < ok[1] && Date.now() < giveUp) await sleep(20);
  const recovery = { lost: ok[1], recovered: sum(), seconds: null };
  if (recovery.recovered === ok[1]) {
    const last = lostOnes.reduce((m, w) => (BigInt(w.lastRecovered.t) > m ? BigInt(w.lastRecovered.t) : m), 0n);
    recovery.seconds = Number(last - killedAt) / 1e9;
  }
  recovery.node3_rss_before_kb = n3Before;
  recovery.node3_rss_after_kb = rssKb(n3.proc.pid);
  log(`recovery: ${recovery.recovered}/${recovery.lost} reconnected to node 3 in ${recovery.seconds?.toFixed(2)} s`);
  for (const w of workers) { w.send({ cmd: 'close' }); w.disconnect(); }
  return { idle, recovery };
}

// ---- report -------------------------------------------------------------------------------------
const f = (x, d = 2) => (x === null || x === undefined || Number.isNaN(x) ? 'n/a' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
const mb = (kb) => f(kb / 1024, 0);

function report(r) {
  const o = { ...O, ...(r.meta.options || {}) }; // the run's own sizes
  const L = [];
  L.push('# Cluster benchmarks', '');
  L.push('Written by `bench/cluster/cluster-bench.js` (see `bench/README.md`, "cluster"); do not edit above the notes',
    'marker by hand: re-run the command. The notes at the end are written by hand and kept by a new run.', '');
  L.push('**Noisy figures.** One 2-core machine holds the three nodes, PostgreSQL, redis-server and the load',
    'generator (Node), and other engineers\' builds were running during the run (load averages in the list',
    'below). Read them as orders of magnitude and relations (same node vs cross node), not as capacity.', '');
  L.push(`- command: \`${r.meta.command}\``);
  L.push(`- started ${r.meta.started}, finished ${r.meta.finished}; load average before ${r.meta.load_before}, after ${r.meta.load_after}`);
  L.push(`- server binary: ${r.meta.server}${r.meta.server_built ? ` (built ${r.meta.server_built})` : ''}`);
  L.push('- every connection is a distinct user (registered through REST by `bench/provision.mjs`); flat JSON dialect (`/ws`)', '');
  L.push('## Fan-out in one room spread over the nodes', '');
  L.push(`${o.roomUsers} members in one channel, member *i* connected to node *i* mod N; ${o.publishers} of them publish`,
    `("spread": publisher *p* on node *p* mod N; "node 1": all ${o.publishers} publishers on node 1, other members still spread)`,
    `at the total rate for ${o.seconds} s. A delivery is a \`new_message\` frame`,
    'at a member (the publisher\'s own copy included); latency is send → receive in the generator (one clock).',
    '"Same node": the receiver is on the publisher\'s node; "cross node": the message went through Redis.', '');
  L.push('| nodes | publishers | msg/s offered | delivered / expected | deliveries/s | p50 (ms) | p99 (ms) | same-node p50 / p99 (ms) | cross-node p50 / p99 (ms) | node CPU % (1 / 2 / 3) |');
  L.push('|---:|---|---:|---:|---:|---:|---:|---|---|---|');
  for (const x of r.fanout)
    L.push(`| ${x.nodes} | ${x.publishers_spread ? 'spread' : 'node 1'} | ${x.rate} | ${x.delivered.toLocaleString('en-US')} / ${x.expected.toLocaleString('en-US')} | ${f(x.deliveries_per_s, 0)} | ${f(x.p50)} | ${f(x.p99)} | ${f(x.same_p50)} / ${f(x.same_p99)} | ${x.cross_n ? `${f(x.cross_p50)} / ${f(x.cross_p99)}` : '—'} | ${x.node_cpu_pct.map((c) => f(c, 0)).join(' / ')} |`);
  L.push('');
  if (r.ceiling) {
    L.push('## Fan-out ceiling over 1, 2 and 3 nodes (C++ generator)', '');
    L.push(`\`switchboard-bench --scenarios bigfanout\` with a ${f(o.ceilingMembers, 0)}-member room (distinct users), member *i* and`,
      'publisher *i* on node *i* mod N; each step offers the rate for', `${o.ceilingSeconds} s; "saturated" as in benchmarks.md section 2`,
      '(less than 85 % of the offered deliveries, p99 over 1 s, or the publishers out of window). The generator runs on the same',
      '2 cores: with more than one node the machine has no core left per node, so the per-CPU column is the one that says how',
      'the work spreads: deliveries per second of node CPU (summed over the nodes). Equal values mean a node added with',
      'its own core adds its share; lower values are the cost of the cluster (Redis publish and subscribe, one decode per node).', '');
    L.push('| nodes | msg/s offered | deliveries/s (offered) | p99 (ms) | saturated | node CPU % (each) | generator CPU % | deliveries per node-CPU-second |');
    L.push('|---:|---:|---:|---:|---|---|---:|---:|');
    for (const x of r.ceiling) {
      const cpu = x.node_cpu_pct.reduce((a, b) => a + b, 0);
      L.push(`| ${x.nodes} | ${x.rate} | ${f(x.deliveries_per_s, 0)} (${f(x.offered, 0)}) | ${f(x.p99)} | ${x.saturated ? 'yes' : 'no'} | ${x.node_cpu_pct.map((c) => f(c, 0)).join(' / ')} | ${f(x.generator_cpu_pct, 0)} | ${cpu > 0 ? f(x.deliveries_per_s / (cpu / 100), 0) : 'n/a'} |`);
    }
    L.push('');
  }
  if (!r.idle) {
    L.push('Idle connections and recovery: not run (`--idle-per-node 0`).', '');
    return L.join('\n');
  }
  const i = r.idle;
  L.push('## Idle connections held by two nodes', '');
  L.push(`${i.per_node.toLocaleString('en-US')} distinct users on node 1 and as many on node 2 (each node is one process`,
    'under the 20,000 open-files cap; together beyond it), opened by generator child processes of at most',
    `${o.perWorker.toLocaleString('en-US')} connections each, ${o.inflight} handshakes in flight per process.`, '');
  L.push('| node | connected (failed) | RSS before (MB) | RSS with the crowd (MB) | RSS per connection (KB) |');
  L.push('|---|---:|---:|---:|---:|');
  for (const k of [0, 1])
    L.push(`| node ${k + 1} | ${i.connected[k].toLocaleString('en-US')} (${i.failed[k]}) | ${mb(i.rss_before_kb[k])} | ${mb(i.rss_after_kb[k])} | ${f(i.kb_per_connection[k], 1)} |`);
  L.push('', `All ${(i.connected[0] + i.connected[1]).toLocaleString('en-US')} were set up in ${f(i.open_seconds, 1)} s.`, '');
  const v = r.recovery;
  L.push('## Recovery after a node is killed', '');
  L.push('With the crowd connected, node 2 gets SIGKILL. Its clients see their sockets close and reconnect at once',
    `(no backoff; ${o.inflight} handshakes in flight per generator process) to node 3, which had no clients.`,
    'Recovery time: from the kill until the last of them has its `connection_established` on node 3.', '');
  L.push('| clients on node 2 | reconnected to node 3 | recovery time (s) | node 3 RSS before / after (MB) |');
  L.push('|---:|---:|---:|---|');
  L.push(`| ${v.lost.toLocaleString('en-US')} | ${v.recovered.toLocaleString('en-US')} | ${v.seconds === null ? 'not within 180 s' : f(v.seconds)} | ${mb(v.node3_rss_before_kb)} / ${mb(v.node3_rss_after_kb)} |`);
  L.push('');
  return L.join('\n');
}

function writeReport(result) {
  const md = report(result);
  // Notes written by hand below the marker survive a new run.
  const marker = '<!-- notes: kept when the page is rewritten -->';
  const kept = O.output && fs.existsSync(O.output) ? fs.readFileSync(O.output, 'utf8').split(marker)[1] : undefined;
  if (O.output) fs.writeFileSync(O.output, `${md}\n${marker}${kept === undefined ? '\n' : kept}`);
  else process.stdout.write(md + '\n');
}

(async () => {
  // --report-from FILE: only rewrite the page from a run's JSON results.
  if (opt('report-from', '')) {
    writeReport(JSON.parse(fs.readFileSync(opt('report-from', ''), 'utf8')));
    process.exit(0);
  }
  const started = new Date().toISOString();
  const loadBefore = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const need = 2 * O.idlePerNode;
  const cluster = await startCluster({
    nodes: 3,
    args: ['--rate-messages-per-minute', '0', '--rate-joins-per-minute', '0', '--rate-typing-per-minute', '0',
      '--max-connections-per-user', '0'],
  });
  const result = {};
  // Interrupted: the nodes, redis-server and PostgreSQL go too.
  for (const sig of ['SIGINT', 'SIGTERM'])
    process.on(sig, () => cluster.stop().finally(() => process.exit(130)));
  try {
    // Nodes 2 and 3 sit out the provisioning and start again after it: every
    // registration elsewhere makes a node reload its whole directory (see the
    // report), which at 38,000 users keeps them busy for many minutes.
    for (const k of [1, 2]) await cluster.nodes[k].stop();
    log(`node 1 on port ${cluster.nodes[0].port}; provisioning ${O.roomUsers} + ${need} users`);
    const planFile = path.join(os.tmpdir(), `cluster-bench-plan-${process.pid}.json`);
    // switchboard-bench wants an idle group in the plan even when it opens none of it.
    execFileSync('node', [path.join(ROOT, 'bench/provision.mjs'), '--server', cluster.nodes[0].base, '--out', planFile,
      '--groups', O.ceilingMembers > 0 ? 'room,idle,bigroom' : need > 0 ? 'room,idle' : 'room',
      '--room-users', String(O.roomUsers), '--idle-users', String(Math.max(need, 10)),
      '--bigroom-users', String(O.ceilingMembers)],
    { stdio: ['ignore', 'ignore', 'inherit'] });
    for (const k of [1, 2]) {
      const was = cluster.nodes[k];
      cluster.nodes[k] = await startServer({ args: was.args, dataDir: was.dataDir, port: was.port });
    }
    log(`nodes 2 and 3 started again on ports ${cluster.nodes[1].port}, ${cluster.nodes[2].port}`);
    const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
    result.fanout = [];
    for (const n of [1, 2, 3]) result.fanout.push(...await fanout(cluster, plan, n, true));
    for (const n of [2, 3]) result.fanout.push(...await fanout(cluster, plan, n, false));
    if (O.ceilingMembers > 0) {
      result.ceiling = [];
      for (const n of [1, 2, 3]) result.ceiling.push(...ceiling(cluster, planFile, n));
    }
    fs.unlinkSync(planFile);
    if (O.idlePerNode > 0) Object.assign(result, await idleAndRecovery(cluster, plan));
  } finally {
    await cluster.stop().catch((e) => log(`stop: ${e.message}`));
  }
  result.meta = {
    command: opt('invoked-as', '') || `node bench/cluster/cluster-bench.js ${argv.join(' ')}`.trim(),
    started, finished: new Date().toISOString(),
    load_before: loadBefore, load_after: fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
    // --server-label: what the binary is when SWITCHBOARD_SERVER is a copy (scripts/bench.sh).
    server: opt('server-label', '') || process.env.SWITCHBOARD_SERVER || 'build/bin/switchboard-server',
    server_built: opt('server-label', '') ? undefined
      : fs.statSync(process.env.SWITCHBOARD_SERVER || path.join(ROOT, 'build/bin/switchboard-server')).mtime.toISOString(),
    options: O,
  };
  if (O.json) fs.writeFileSync(O.json, JSON.stringify(result, null, 1));
  writeReport(result);
  process.exit(0);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
