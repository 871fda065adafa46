'use strict';
// A throwaway cluster for tests: a PostgreSQL (scripts/postgres-test.sh) and a
// redis-server on free 127.0.0.1 ports, and N switchboard-server nodes on them.
const fs = require('node:fs');
const path = require('node:path');
const { spawn, execFile, execFileSync } = require('node:child_process');
const { promisify } = require('node:util');
const { startServer, freePort, ROOT } = require('./server.js');

const REDIS_SERVER = '/usr/bin/redis-server';

// Why the cluster cannot run here, or null.
function clusterMissing() {
  if (!fs.existsSync(REDIS_SERVER)) return `${REDIS_SERVER} is missing (Debian redis-server; scripts/setup.sh installs it)`;
  const pg = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql') : [];
  if (!pg.some((v) => fs.existsSync(path.join('/usr/lib/postgresql', v, 'bin', 'initdb'))))
    return 'PostgreSQL server binaries are missing (Debian postgresql; scripts/setup.sh installs them)';
  return null;
}

async function startRedis(port) {
  port = port || await freePort();
  const proc = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => { out += d; if (out.includes('Ready to accept connections')) resolve(); });
    proc.on('exit', (code) => reject(new Error(`redis-server exited (${code}): ${out}`)));
  });
  return { port, proc, url: `redis://127.0.0.1:${port}` };
}

// A throwaway PostgreSQL: { dir, url, halt(mode), resume(), stop() }. halt stops
// the server and keeps its data ('fast' or 'immediate', pg_ctl's modes);
// resume starts it again on the same port (both async: clients keep running).
function startPostgres() {
  const script = path.join(ROOT, 'scripts', 'postgres-test.sh');
  const out = execFileSync(script, ['start'], { encoding: 'utf8' });
  const dir = out.match(/PGDIR=(.*)/)[1].trim();
  const url = out.match(/SWITCHBOARD_TEST_POSTGRES_URL=(.*)/)[1].trim();
  return {
    dir, url,
    halt: (mode = 'fast') => promisify(execFile)(script, ['halt', dir, mode]),
    resume: () => promisify(execFile)(script, ['resume', dir]),
    stop: () => execFileSync(script, ['stop', dir]),
  };
}

// options: { nodes: 3, args: [...] } -> { nodes: [server...], redis, pgUrl, postgres, stop() }
async function startCluster(options = {}) {
  const postgres = startPostgres();
  const pgUrl = postgres.url;
  let redis = await startRedis();
  const nodes = [];
  // Resolves with each node's exit ({ code, signal }) after SIGTERM.
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    redis.proc.kill('SIGKILL');
    postgres.stop();
    return Promise.all(nodes.map((n) => n.exited));
  };
  const killRedis = async () => {
    const gone = new Promise((resolve) => redis.proc.on('exit', resolve));
    redis.proc.kill('SIGKILL');
    await gone;
  };
  // A fresh redis-server on the same port (pub/sub kept nothing).
  const restartRedis = async () => { redis = await startRedis(redis.port); };
  try {
    // One after the other: the first one migrates the shared database.
    for (let i = 0; i < (options.nodes || 3); i++) {
      nodes.push(await startServer({
        args: ['--database', pgUrl, '--redis', redis.url, '--node-id', `node${i + 1}`, ...(options.args || [])],
      }));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { nodes, get redis() { return redis; }, pgUrl, postgres, stop, killRedis, restartRedis };
}

module.exports = { startCluster, clusterMissing, startRedis, startPostgres };
