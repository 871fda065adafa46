'use strict';
// Two cluster nodes on one throwaway PostgreSQL and redis-server, node 2 logged
// in as a PostgreSQL role of its own ("node2", with every table's rights), so a
// test can take rights from node 2 alone (REVOKE) or have PostgreSQL log its
// statements, while node 1 carries on as the superuser.
const { execFileSync } = require('node:child_process');
const { startNode } = require('../lib/server.js');
const { startPostgres, startRedis } = require('../lib/cluster.js');

function psql(pgUrl, sql) {
  const u = new URL(pgUrl);
  return execFileSync('psql', ['-h', u.hostname, '-p', u.port, '-U', 'postgres', '-d', u.pathname.slice(1),
    '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', sql], { encoding: 'utf8' });
}

// options: { args: [...] for both nodes, roleSql: more SQL about the role before node 2 starts }
async function startRoleCluster(options = {}) {
  const postgres = startPostgres();
  const cluster = {
    postgres, nodes: [], redis: await startRedis(),
    psql: (sql) => psql(postgres.url, sql),
    async stop() {
      await Promise.all(cluster.nodes.map((n) => n.stop()));
      cluster.redis.proc.kill('SIGKILL');
      postgres.stop();
    },
  };
  const node = (id, url) => startNode({ args: ['--database', url, '--redis', cluster.redis.url, '--node-id', id, ...(options.args || [])] });
  try {
    // Node 1 first: it migrates the database, whose tables the role then gets.
    cluster.nodes.push(await node('node1', postgres.url));
    cluster.psql('CREATE ROLE node2 LOGIN; GRANT ALL ON ALL TABLES IN SCHEMA public TO node2;'
      + ' GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO node2; GRANT CREATE ON SCHEMA public TO node2;'
      + (options.roleSql || ''));
    cluster.nodes.push(await node('node2', postgres.url.replace('postgres://postgres@', 'postgres://node2@')));
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}

module.exports = { startRoleCluster };
