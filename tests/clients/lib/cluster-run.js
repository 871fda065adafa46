'use strict';
// ctest entry for a dialect suite in cluster mode (CMakeLists.txt): exits 77
// (ctest's SKIP_RETURN_CODE) with the reason when redis-server or PostgreSQL
// is missing, else runs the file with node's test runner on a cluster of
// SWITCHBOARD_TEST_CLUSTER nodes (3 unless set).
//
// No file can hang: the runner fails the file after SWITCHBOARD_TEST_TIMEOUT_MS
// (default 400 s; node 20 applies --test-timeout to the file's process, which
// it then stops: lib/cluster-mode.js kills its nodes, redis-server and
// PostgreSQL on SIGTERM), exits once the tests are done even if a client still
// reconnects (--test-force-exit), and as a last resort the whole process group
// is stopped here after SWITCHBOARD_TEST_FILE_TIMEOUT_MS (default 480 s, well
// inside ctest's 600 s): SIGTERM, SIGKILL after a grace, and any PostgreSQL it
// started is stopped here.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, execFileSync } = require('node:child_process');
const { clusterMissing } = require('./cluster.js');
const { haproxyMissing } = require('./haproxy.js');

// SWITCHBOARD_TEST_CLUSTER_VIA=haproxy also needs /usr/sbin/haproxy.
const missing = clusterMissing() || (process.env.SWITCHBOARD_TEST_CLUSTER_VIA === 'haproxy' && haproxyMissing());
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(77);
}
const testTimeout = Number(process.env.SWITCHBOARD_TEST_TIMEOUT_MS || 400000);
const fileTimeout = Number(process.env.SWITCHBOARD_TEST_FILE_TIMEOUT_MS || 480000);
const GRACE_MS = 15000;
// lib/cluster-mode.js appends each PostgreSQL data dir it starts to this file.
const pgDirs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-cluster-run-')), 'pgdirs');
const env = { ...process.env, SWITCHBOARD_TEST_CLUSTER: process.env.SWITCHBOARD_TEST_CLUSTER || '3',
  SWITCHBOARD_TEST_PGDIRS: pgDirs };
const args = ['--test', '--test-reporter=spec', `--test-timeout=${testTimeout}`, '--test-force-exit', ...process.argv.slice(2)];
// Its own process group, so that the deadline reaches the file's process and its nodes.
const child = spawn(process.execPath, args, { stdio: 'inherit', env, detached: true });
const signalGroup = (signal) => { try { process.kill(-child.pid, signal); } catch (_) { /* gone */ } };

let timedOut = false;
const deadline = setTimeout(() => {
  timedOut = true;
  console.error(`cluster-run: ${process.argv.slice(2).join(' ')} still running after ${fileTimeout} ms: stopped (a hang)`);
  signalGroup('SIGTERM');
  setTimeout(() => signalGroup('SIGKILL'), GRACE_MS).unref();
}, fileTimeout);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => { signalGroup(signal); });

child.on('exit', (code, signal) => {
  clearTimeout(deadline);
  signalGroup('SIGKILL'); // whatever of the group outlived the runner (nodes, redis-server)
  // A PostgreSQL left running (the file's process was killed before its own clean-up).
  const script = path.resolve(__dirname, '../../../scripts/postgres-test.sh');
  const dirs = fs.existsSync(pgDirs) ? fs.readFileSync(pgDirs, 'utf8').split('\n').filter(Boolean) : [];
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    try { execFileSync(script, ['stop', dir]); } catch (_) { /* best effort */ }
  }
  fs.rmSync(path.dirname(pgDirs), { recursive: true, force: true });
  if (timedOut) process.exit(1);
  process.exit(code === null ? 1 : code);
});
