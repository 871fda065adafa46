'use strict';
// Resume across nodes (docs/design.md#resume, docs/cluster.md): a flat JSON
// client drops from node 1 while others act on node 2 and comes back on node 3,
// which replays what it missed from the shared PostgreSQL log; it ends with
// exactly the events of a client that never left.
const test = require('node:test');
const { startCluster, clusterMissing } = require('../lib/cluster.js');
const R = require('../lib/json-resume.js');
const { adapter } = require('../flatjson/resume-adapter.js');

const missing = clusterMissing();
if (missing) {
  test('resume on another node', { skip: `skipped: ${missing}` }, () => {});
} else {
  test('flat JSON: a client killed on node 1 resumes on node 3 with what node 2 committed meanwhile', async () => {
    const cluster = await startCluster({ nodes: 3, args: R.FLAGS });
    try {
      await R.dropAndResumeAcrossNodes(adapter, cluster.nodes);
    } finally {
      await cluster.stop();
    }
  });
}
