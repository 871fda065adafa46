'use strict';
// Shared by the edge-cluster suites: a three-node cluster behind the shipped
// HAProxy config, and what the suites read from each node.
const assert = require('node:assert/strict');
const { startCluster } = require('../lib/cluster.js');
const { startHaproxy } = require('../lib/haproxy.js');

async function startEdge(args = []) {
  const cluster = await startCluster({ nodes: 3, args: ['--rate-messages-per-minute', '0', ...args] });
  let lb;
  try {
    lb = await startHaproxy(cluster.nodes);
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return {
    cluster, lb, nodes: cluster.nodes,
    async stop() {
      await lb.stop();
      return cluster.stop();
    },
  };
}

// The node tag in front of a polling session id ("node2.xxxx" -> "node2").
function tagOf(id) {
  assert.match(id, /^node[123]\.[A-Za-z0-9_-]+$/, `a tagged session id: ${id}`);
  return id.slice(0, id.indexOf('.'));
}

// A node's open connections of one dialect, from its own /metrics.
async function connections(node, dialect) {
  const text = await (await fetch(`${node.base}/metrics`)).text();
  const m = new RegExp(`^switchboard_connections\\{dialect="${dialect}"\\} (\\d+)$`, 'm').exec(text);
  assert.ok(m, `switchboard_connections{dialect="${dialect}"} in /metrics:\n${text.slice(0, 600)}`);
  return Number(m[1]);
}

module.exports = { startEdge, tagOf, connections };
