#!/usr/bin/env node
// Prepares the users, channels and tokens of a benchmark run and writes the
// plan file switchboard-bench reads:
//   {"groups": {"room": {tokens, channels}, "idle": ..., "bigroom": ..., "ingest": ...}}
// --server URL: registers users on Switchboard through REST, creates one public
//   channel per group (one per publisher for ingest) and joins the users to it.
// --mint: no server; signs HS256 tokens with --jwt-secret for made-up users and
//   channel ids (enough for the peers, which only check the signature).
// Users are a pool per group: connection i uses user i % pool. Presence is
// announced workspace-wide on a user's first connection, so pools keep that
// one-off cost bounded (see docs/benchmarks.md).
import { randomUUID, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { sign } = require('./peers/jwt.js');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const flag = (name) => args.includes(`--${name}`);

const server = opt('server', '');
const out = opt('out', 'plan.json');
const secret = opt('jwt-secret', '');
const pools = {
  room: Number(opt('room-users', '100')),
  idle: Number(opt('idle-users', '1000')),
  bigroom: Number(opt('bigroom-users', '1000')),
  ingest: Number(opt('ingest-users', '16')),
};
const concurrency = Number(opt('concurrency', '16'));
const run = randomBytes(3).toString('hex');
const prefix = { room: 'r', idle: 'i', bigroom: 'b', ingest: 'g' };

async function api(method, path, token, body) {
  const res = await fetch(server + '/api/v1' + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
}

async function parallel(items, fn) {
  let next = 0;
  const results = new Array(items.length);
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i], i);
      }
    }),
  );
  return results;
}

async function registerPool(group, count) {
  return parallel([...Array(count).keys()], async (i) => {
    const r = await api('POST', '/auth/register', null, { username: `b${run}-${prefix[group]}${i}`, password: 'bench-password' });
    return { token: r.access_token, id: r.user.id };
  });
}

async function provisionServer() {
  const plan = { groups: {} };
  const started = Date.now();
  for (const [group, count] of Object.entries(pools)) {
    const users = await registerPool(group, count);
    let channels;
    if (group === 'ingest') {
      // One channel per publisher: ingest measures commits, not fan-out.
      channels = await parallel(users, (u, i) =>
        api('POST', '/channels', u.token, { name: `bench-${run}-ingest-${i}`, type: 'public' }).then((c) => c.id),
      );
    } else {
      const channel = await api('POST', '/channels', users[0].token, { name: `bench-${run}-${group}`, type: 'public' });
      await parallel(users.slice(1), (u) => api('POST', `/channels/${channel.id}/join`, u.token));
      channels = [channel.id];
    }
    plan.groups[group] = { tokens: users.map((u) => u.token), channels };
    console.error(`provision: ${group}: ${count} users, ${channels.length} channel(s)`);
  }
  console.error(`provision: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return plan;
}

function mint() {
  const plan = { groups: {} };
  const exp = Math.floor(Date.now() / 1000) + 86400;
  for (const [group, count] of Object.entries(pools)) {
    const tokens = [...Array(count).keys()].map((i) =>
      sign({ sub: randomUUID(), name: `b${run}-${prefix[group]}${i}`, iat: Math.floor(Date.now() / 1000), exp }, secret),
    );
    const channels = group === 'ingest' ? tokens.map(() => randomUUID()) : [randomUUID()];
    plan.groups[group] = { tokens, channels };
  }
  return plan;
}

if (!flag('mint') && !server) {
  console.error('usage: provision.mjs (--server http://127.0.0.1:PORT | --mint --jwt-secret S) [--out plan.json] [--room-users N] [--idle-users N] [--bigroom-users N] [--ingest-users N]');
  process.exit(2);
}
if (flag('mint') && !secret) {
  console.error('--mint needs --jwt-secret');
  process.exit(2);
}
const plan = flag('mint') ? mint() : await provisionServer();
writeFileSync(out, JSON.stringify(plan));
