#!/usr/bin/env node
// Prepares the users, channels, memberships and tokens of a benchmark run and
// writes the plan file switchboard-bench reads:
//   {"groups": {"room": {tokens, channels, member_of?, channel_members?, pooled}, "idle": ..., "bigroom": ...,
//               "ingest": ..., "workspace": ...},
//    "presence": {observers, watched_ids, watched_idle_indices}}
// Every simulated person is a distinct account (connection i of a group is
// user i). --user-pool N is the explicit exception: the idle, bigroom and
// workspace groups then register only N users each and connection i uses
// user i % N; the plan marks those groups "pooled" and the report says so.
//
// Groups and their channels:
//   room      100 users in one channel; the first --observers of them also in "watch".
//   idle      the crowd (memory, latency, churn): teams of --team-size users, one
//             channel per team; every --watch-every-th user is also in "watch", so
//             the observers share a channel with a sample of the crowd (presence).
//   bigroom   one channel with every member.
//   ingest    one channel per publisher.
//   workspace --workspace-users in --workspace-channels channels of power-law sizes
//             (#general holds everyone, 5-20 channels per user); the layout comes
//             from `switchboard-bench --workspace-layout` (bench/WorkspaceLayout.cpp).
// --server URL: registers the users through REST (run the server with
//   --fast-password-hashing true: registration is argon2id-hashed otherwise),
//   creates the channels and adds the members (POST /channels/{id}/join by each member).
// --mint: no server; signs HS256 tokens with --jwt-secret for made-up users and
//   channel ids (enough for the peers, which only check the signature).
import { execFileSync } from 'node:child_process';
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
const pool = Number(opt('user-pool', '0'));
const wanted = opt('groups', 'room,idle,bigroom,ingest,workspace').split(',');
const sizes = {
  room: Number(opt('room-users', '100')),
  idle: Number(opt('idle-users', '19000')),
  bigroom: Number(opt('bigroom-users', '10000')),
  ingest: Number(opt('ingest-users', '16')),
  workspace: Number(opt('workspace-users', '10000')),
};
const pooledGroups = ['idle', 'bigroom', 'workspace'];
const users = (group) => (pool > 0 && pooledGroups.includes(group) ? Math.min(pool, sizes[group]) : sizes[group]);
const observers = Math.min(Number(opt('observers', '10')), sizes.room);
const teamSize = Number(opt('team-size', '50'));
const watchEvery = Number(opt('watch-every', '100'));
const wsChannels = Number(opt('workspace-channels', '500'));
const seed = Number(opt('seed', '1'));
const benchBin = opt('bench-bin', 'build/bin/switchboard-bench');
const concurrency = Number(opt('concurrency', '48'));
const run = randomBytes(3).toString('hex');
const prefix = { room: 'r', idle: 'i', bigroom: 'b', ingest: 'g', workspace: 'w' };

async function api(method, path, token, body) {
  for (let attempt = 0; ; ++attempt) {
    const res = await fetch(server + '/api/v1' + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status === 429 && attempt < 20) {
      await new Promise((r) => setTimeout(r, 250));
      continue;
    }
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : null;
  }
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

// ---- layout (independent of the server) -----------------------------------------------
function layout() {
  const L = {};
  if (wanted.includes('room'))
    L.room = { names: ['room', 'watch'], memberOf: [...Array(users('room')).keys()].map((u) => (u < observers ? [0, 1] : [0])) };
  if (wanted.includes('idle')) {
    const n = users('idle');
    const teams = Math.max(1, Math.ceil(n / teamSize));
    const watch = teams; // index of the shared "watch" channel
    L.idle = {
      names: [...[...Array(teams).keys()].map((t) => `team${t}`), 'watch'],
      memberOf: [...Array(n).keys()].map((u) => (u % watchEvery === 0 ? [Math.floor(u / teamSize), watch] : [Math.floor(u / teamSize)])),
      watched: [...Array(n).keys()].filter((u) => u % watchEvery === 0),
    };
  }
  if (wanted.includes('bigroom')) L.bigroom = { names: ['bigroom'], memberOf: null };
  if (wanted.includes('ingest'))
    L.ingest = { names: [...Array(users('ingest')).keys()].map((i) => `ingest${i}`), memberOf: [...Array(users('ingest')).keys()].map((i) => [i]) };
  if (wanted.includes('workspace')) {
    const json = execFileSync(benchBin, ['--workspace-layout', `${users('workspace')},${wsChannels},${seed}`], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    const w = JSON.parse(json);
    L.workspace = { names: w.sizes.map((_, i) => (i === 0 ? 'general' : `ws${i}`)), memberOf: w.member_of, sizes: w.sizes };
  }
  return L;
}

function finishPlan(L, groupUsers, channelIds) {
  const plan = { groups: {}, presence: { observers: 0, watched_ids: [], watched_idle_indices: [] } };
  for (const [group, spec] of Object.entries(L)) {
    const g = {
      tokens: groupUsers[group].map((u) => u.token),
      channels: channelIds[group],
      connections: sizes[group], // connections meant; more than tokens when pooled
      pooled: pool > 0 && pooledGroups.includes(group),
    };
    if (spec.memberOf) g.member_of = spec.memberOf;
    if (spec.sizes) g.channel_members = spec.sizes;
    plan.groups[group] = g;
  }
  // The room's "watch" channel and the idle crowd's are one channel: use the room's id.
  if (L.room && L.idle) {
    const watchId = channelIds.room[1];
    plan.groups.idle.channels[plan.groups.idle.channels.length - 1] = watchId;
    plan.presence.observers = observers;
    plan.presence.watched_idle_indices = L.idle.watched;
    plan.presence.watched_ids = L.idle.watched.map((u) => groupUsers.idle[u].id);
  }
  return plan;
}

async function provisionServer(L) {
  const started = Date.now();
  const groupUsers = {};
  const channelIds = {};
  for (const [group, spec] of Object.entries(L)) {
    const n = users(group);
    const t0 = Date.now();
    groupUsers[group] = await parallel([...Array(n).keys()], async (i) => {
      const r = await api('POST', '/auth/register', null, { username: `b${run}-${prefix[group]}${i}`, password: 'bench-password' });
      return { token: r.access_token, id: r.user.id };
    });
    const t1 = Date.now();
    // Members per channel; the first member creates it, the others join.
    const members = spec.names.map(() => []);
    if (spec.memberOf) spec.memberOf.forEach((list, u) => list.forEach((c) => members[c].push(u)));
    else members[0] = [...Array(n).keys()];
    // The idle crowd's "watch" is the room's: nothing to create for it here.
    const skip = group === 'idle' && L.room ? spec.names.length - 1 : -1;
    const ids = await parallel(spec.names, async (name, c) => {
      if (c === skip || members[c].length === 0) return randomUUID();
      const creator = groupUsers[group][members[c][0]];
      return (await api('POST', '/channels', creator.token, { name: `bench-${run}-${group}-${name}`, type: 'public' })).id;
    });
    if (skip >= 0) ids[skip] = channelIds.room[1];
    const joins = [];
    members.forEach((list, c) => list.forEach((u, k) => (k > 0 || c === skip) && joins.push([u, c])));
    await parallel(joins, ([u, c]) => api('POST', `/channels/${ids[c]}/join`, groupUsers[group][u].token));
    channelIds[group] = ids;
    console.error(
      `provision: ${group}: ${n} users${pool > 0 && pooledGroups.includes(group) ? ' (pool)' : ''} in ${((t1 - t0) / 1000).toFixed(1)} s` +
        ` (${Math.round(n / Math.max(0.001, (t1 - t0) / 1000))}/s), ${ids.length} channel(s), ${joins.length} joins in ${((Date.now() - t1) / 1000).toFixed(1)} s`,
    );
  }
  console.error(`provision: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return finishPlan(L, groupUsers, channelIds);
}

function mint(L) {
  const exp = Math.floor(Date.now() / 1000) + 86400;
  const groupUsers = {};
  const channelIds = {};
  for (const [group, spec] of Object.entries(L)) {
    groupUsers[group] = [...Array(users(group)).keys()].map((i) => {
      const id = randomUUID();
      return { id, token: sign({ sub: id, name: `b${run}-${prefix[group]}${i}`, iat: Math.floor(Date.now() / 1000), exp }, secret) };
    });
    channelIds[group] = spec.names.map(() => randomUUID());
  }
  return finishPlan(L, groupUsers, channelIds);
}

if (!flag('mint') && !server) {
  console.error(
    'usage: provision.mjs (--server http://127.0.0.1:PORT | --mint --jwt-secret S) [--out plan.json] [--groups room,idle,...]\n' +
      '  [--room-users N] [--observers N] [--idle-users N] [--team-size N] [--watch-every N] [--bigroom-users N]\n' +
      '  [--ingest-users N] [--workspace-users N] [--workspace-channels N] [--seed N] [--bench-bin PATH] [--user-pool N]',
  );
  process.exit(2);
}
if (flag('mint') && !secret) {
  console.error('--mint needs --jwt-secret');
  process.exit(2);
}
const L = layout();
const plan = flag('mint') ? mint(L) : await provisionServer(L);
writeFileSync(out, JSON.stringify(plan));
