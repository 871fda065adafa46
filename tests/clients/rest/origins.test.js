'use strict';
// --allowed-origins for the REST API: CORS answers (preflight and plain)
// follow the list, an origin not on it gets 403 on preflight and no echo, a
// request without Origin is unaffected; the flag also comes from the config
// file, from SWITCHBOARD_ALLOWED_ORIGINS and under its old name --cors-origins.
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, api, register, JsonSocket, BINARY, oneNode } = require('../lib/server.js');

const APP = 'http://127.0.0.1:5173';

function preflight(server, origin) {
  return fetch(`${server.base}/api/v1/messages`, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
  });
}

async function allowsOnly(server, allowed, refused) {
  const ok = await preflight(server, allowed);
  assert.equal(ok.status, 204);
  assert.equal(ok.headers.get('access-control-allow-origin'), allowed);
  assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
  assert.equal(ok.headers.get('vary'), 'Origin');
  assert.match(ok.headers.get('access-control-allow-methods'), /POST/);
  assert.match(ok.headers.get('access-control-allow-headers'), /Authorization/);
  const no = await preflight(server, refused);
  assert.equal(no.status, 403);
  assert.equal(no.headers.get('access-control-allow-origin'), null);
  assert.equal((await no.json()).error.code, 'origin_not_allowed');
}

test('preflight and plain answers follow the list; no Origin, no CORS matter', async () => {
  const server = await startServer({ args: ['--allowed-origins', `${APP}, https://app.example`] });
  try {
    await allowsOnly(server, APP, 'http://127.0.0.1:5174');
    await allowsOnly(server, 'https://app.example', 'https://evil.example');
    const u = await register(server);
    const plain = await api(server, 'GET', '/api/v1/users/me', u.token, undefined, { Origin: APP });
    assert.equal(plain.status, 200);
    assert.equal(plain.headers.get('access-control-allow-origin'), APP);
    // Bearer auth from another origin still works (the page holds the token); the browser just gets no echo.
    const other = await api(server, 'GET', '/api/v1/users/me', u.token, undefined, { Origin: 'https://evil.example' });
    assert.equal(other.status, 200);
    assert.equal(other.headers.get('access-control-allow-origin'), null);
    assert.equal(other.headers.get('vary'), 'Origin');
    const node = await api(server, 'GET', '/api/v1/users/me', u.token);
    assert.equal(node.status, 200);
    assert.equal(node.headers.get('access-control-allow-origin'), null);
  } finally {
    await server.stop();
  }
});

test('any WebSocket upgrade carrying the token cookie from an origin not allowed is refused with 403', async () => {
  const server = await startServer({ args: ['--allowed-origins', APP] });
  try {
    const u = await register(server);
    const url = `${server.wsBase}/ws?token=${u.token}`;
    await assert.rejects(JsonSocket.open(url, { origin: 'http://127.0.0.1:5174', headers: { Cookie: `token=${u.token}` } }), (e) => e.statusCode === 403);
    for (const options of [{ origin: APP, headers: { Cookie: `token=${u.token}` } }, { origin: 'http://127.0.0.1:5174' }]) {
      const ws = await JsonSocket.open(url, options);
      await ws.next('connection_established');
      await ws.close();
    }
  } finally {
    await server.stop();
  }
});

test('default: only the server\'s own origin', async () => {
  const server = await startServer();
  try {
    const node = oneNode(server); // a node's own origin (each node has its own address)
    await allowsOnly(node, node.base, APP);
  } finally {
    await server.stop();
  }
});

test('from the config file, the environment, and the old name --cors-origins', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-origins-'));
  const conf = path.join(dir, 'switchboard.conf');
  fs.writeFileSync(conf, `allowed-origins = ${APP}, https://app.example\n`);
  const sources = [
    { args: ['--config', conf] },
    { env: { SWITCHBOARD_ALLOWED_ORIGINS: `${APP},https://app.example` } },
    { args: ['--cors-origins', `${APP},https://app.example`] },
  ];
  for (const source of sources) {
    const server = await startServer(source);
    try {
      await allowsOnly(server, APP, 'https://evil.example');
      await allowsOnly(server, 'https://app.example', 'https://evil.example');
    } finally {
      await server.stop();
    }
  }
});

test('a malformed entry is bad configuration: exit 2, one line', () => {
  for (const bad of ['127.0.0.1:5173', 'http://127.0.0.1:5173/app', 'ftp://x.example']) {
    const r = spawnSync(BINARY, ['--allowed-origins', bad], { timeout: 10000, encoding: 'utf8' });
    assert.equal(r.status, 2, `${bad}: ${r.stderr}`);
    assert.match(r.stderr.trim(), /^switchboard-server: bad --allowed-origins entry/);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
});
