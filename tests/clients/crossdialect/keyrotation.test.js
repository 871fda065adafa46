'use strict';
// JWT key rotation across restarts (docs/server.md#key-rotation): a token from
// a server with secret A still works once the server runs with current B and
// previous A, in every dialect; new tokens carry B's kid; once A is dropped the
// old token is refused with each dialect's own auth error.
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startServer, api, register, signToken, JsonSocket } = require('../lib/server.js');
const phx = require('../phoenix/phx.js');
const sio = require('../socketio/sio.js');

const SECRET_A = 'rotation-secret-A-0123456789abcdef0123';
const SECRET_B = 'rotation-secret-B-fedcba9876543210fedc';
const kidOf = (secret) => crypto.createHash('sha256').update(secret).digest('hex').slice(0, 8);
const headerOf = (token) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());

let server;
test.after(async () => {
  if (server) await server.stop();
});

async function workspaceOf(token) {
  return (await api(server, 'GET', '/api/v1/workspaces', token)).body.workspaces.find((w) => w.is_default).id;
}

// The token opens a connection in every dialect.
async function worksEverywhere(token) {
  assert.equal((await api(server, 'GET', '/api/v1/users/me', token)).status, 200);
  const flat = await JsonSocket.open(`${server.wsBase}/ws?token=${token}`);
  await flat.next('connection_established');
  flat.ws.close();
  const ws = await JsonSocket.open(`${server.wsBase}/ws/${await workspaceOf(token)}?token=${token}`);
  await ws.settle();
  ws.ws.close();
  const p = await phx.connect(server, token);
  await phx.disconnect(p);
  for (const nsp of ['/', '/chat']) {
    const s = sio.connect(server, { token, nsp, client: { reconnection: false } });
    await sio.connected(s);
    s.close();
  }
}

// The token is refused in every dialect, each with its own auth error.
async function refusedEverywhere(token, workspaceId) {
  const r = await api(server, 'GET', '/api/v1/users/me', token);
  assert.equal(r.status, 401);
  assert.equal(r.body.error.code, 'unauthorized');
  await assert.rejects(JsonSocket.open(`${server.wsBase}/ws?token=${token}`), (e) => e.statusCode === 401);
  const ws = await JsonSocket.open(`${server.wsBase}/ws/${workspaceId}?token=${token}`);
  assert.equal((await ws.next('error')).data.code, 'INVALID_TOKEN');
  assert.equal((await ws.closed).code, 4001);
  await assert.rejects(JsonSocket.open(`${server.wsBase}/socket/websocket?token=${token}&vsn=2.0.0`),
    (e) => e.statusCode === 403);
  for (const nsp of ['/', '/chat']) {
    const s = sio.connect(server, { token, nsp, client: { reconnection: false } });
    const err = await sio.connectError(s);
    assert.equal(err.message, 'Authentication failed');
    assert.equal(err.data.code, 'unauthorized');
    s.close();
  }
}

test('rotating from secret A to B keeps A\'s tokens working until A is dropped', async () => {
  server = await startServer({ jwtSecret: SECRET_A });
  const alice = await register(server);
  assert.equal(headerOf(alice.token).kid, kidOf(SECRET_A));
  const workspaceId = await workspaceOf(alice.token);
  // A token without kid, as minted before kid existed (and by the test helper).
  const now = Math.floor(Date.now() / 1000);
  const legacy = signToken({ sub: alice.user.id, name: alice.username, iat: now, exp: now + 3600 }, { secret: SECRET_A });
  await worksEverywhere(alice.token);

  // Current B, previous A (from a file, as an operator would keep it).
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-keys-')), 'previous');
  fs.writeFileSync(file, `# retired ${new Date().toISOString()}\n${SECRET_A}\n`);
  server = await server.restart({ jwtSecret: SECRET_B, args: ['--jwt-previous-secrets-file', file] });
  await worksEverywhere(alice.token);
  await worksEverywhere(legacy);
  const login = await api(server, 'POST', '/api/v1/auth/login', null, { username: alice.username, password: 'password123' });
  assert.equal(login.status, 200);
  const fresh = login.body.access_token;
  assert.equal(headerOf(fresh).kid, kidOf(SECRET_B));
  await worksEverywhere(fresh);

  // The same with the list option instead of the file.
  server = await server.restart({ jwtSecret: SECRET_B, args: ['--jwt-previous-secrets', `unrelated-old-key-0123456789abcdef,${SECRET_A}`] });
  assert.equal((await api(server, 'GET', '/api/v1/users/me', alice.token)).status, 200);

  // B only: A's tokens are refused, B's still work.
  server = await server.restart({ jwtSecret: SECRET_B, args: [] });
  await refusedEverywhere(alice.token, workspaceId);
  await refusedEverywhere(legacy, workspaceId);
  await worksEverywhere(fresh);
});

test('an unreadable --jwt-previous-secrets-file is a configuration error (exit 2)', async () => {
  const { spawn } = require('node:child_process');
  const binary = process.env.SWITCHBOARD_SERVER || path.resolve(__dirname, '../../../build/bin/switchboard-server');
  const proc = spawn(binary, ['--listen', '127.0.0.1:0', '--jwt-secret', SECRET_B, '--jwt-previous-secrets-file',
    '/nonexistent/switchboard/previous-keys'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => { stderr += d; });
  const code = await new Promise((resolve) => proc.on('exit', resolve));
  assert.equal(code, 2);
  assert.match(stderr, /--jwt-previous-secrets-file/);
});
