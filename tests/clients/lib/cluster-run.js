'use strict';
// ctest entry for a dialect suite in cluster mode (CMakeLists.txt): exits 77
// (ctest's SKIP_RETURN_CODE) with the reason when redis-server or PostgreSQL
// is missing, else runs the file with node's test runner on a cluster of
// SWITCHBOARD_TEST_CLUSTER nodes (3 unless set).
const { spawnSync } = require('node:child_process');
const { clusterMissing } = require('./cluster.js');
const { haproxyMissing } = require('./haproxy.js');

// SWITCHBOARD_TEST_CLUSTER_VIA=haproxy also needs /usr/sbin/haproxy.
const missing = clusterMissing() || (process.env.SWITCHBOARD_TEST_CLUSTER_VIA === 'haproxy' && haproxyMissing());
if (missing) {
  console.log(`skipped: ${missing}`);
  process.exit(77);
}
const env = { ...process.env, SWITCHBOARD_TEST_CLUSTER: process.env.SWITCHBOARD_TEST_CLUSTER || '3' };
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...process.argv.slice(2)], { stdio: 'inherit', env });
process.exit(r.status === null ? 1 : r.status);
