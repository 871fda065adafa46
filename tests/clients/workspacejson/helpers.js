'use strict';
// Shared helpers for the seed 003 (workspace JSON, /ws/{workspace_id}) tests.
const assert = require('node:assert/strict');
const { api, JsonSocket } = require('../lib/server.js');

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const keys = (o) => Object.keys(o).sort();

async function defaultWorkspace(server, token) {
  const r = await api(server, 'GET', '/api/v1/workspaces', token);
  assert.equal(r.status, 200);
  return r.body.workspaces.find((w) => w.is_default).id;
}

async function general(server, token) {
  const r = await api(server, 'GET', '/api/v1/channels', token);
  return r.body.channels.find((c) => c.name === 'general');
}

function wsUrl(server, workspaceId, token) {
  return `${server.wsBase}/ws/${workspaceId}?token=${encodeURIComponent(token)}`;
}

// Opens a workspace-JSON connection and waits for a pong: once it arrives the
// session is started and subscribed, so later actions are seen.
async function connect(server, user, workspaceId) {
  const s = await JsonSocket.open(wsUrl(server, workspaceId, user.token));
  s.send({ type: 'ping' });
  await s.next('pong');
  return s;
}

// A flat-JSON (seed 004) connection, ready after connection_established.
async function connectFlat(server, user) {
  const s = await JsonSocket.open(`${server.wsBase}/ws?token=${user.token}`);
  await s.next('connection_established');
  return s;
}

// Checks the seed's envelope and returns the data.
function envelope(msg, type, workspaceId, dataKeys) {
  assert.deepEqual(keys(msg), ['data', 'timestamp', 'type', 'workspace_id'], JSON.stringify(msg));
  assert.equal(msg.type, type);
  assert.equal(msg.workspace_id, workspaceId);
  assert.match(msg.timestamp, ISO_MS);
  if (dataKeys) assert.deepEqual(keys(msg.data), [...dataKeys].sort(), `${type} data: ${JSON.stringify(msg.data)}`);
  return msg.data;
}

// Waits for the next event of a type whose data matches the given fields.
function nextEvent(s, type, match = {}, timeoutMs) {
  return s.next((m) => m.type === type && m.data && Object.entries(match).every(([k, v]) => m.data[k] === v), timeoutMs);
}

// True if no such event has reached s by the time the ping barrier through
// `actors` and s is done (JsonSocket.settle): an order, not a timeout.
function noEvent(s, type, match = {}, ...actors) {
  return s.noneAfter((m) => m.type === type && m.data && Object.entries(match).every(([k, v]) => m.data[k] === v), ...actors);
}

// A logged channel event's data carries the channel's sequence number (resume):
// checks it and returns the data without it, for comparing with the seed's shape.
function logged(data) {
  assert.ok(Number.isInteger(data.seq) && data.seq > 0, `seq in ${JSON.stringify(data)}`);
  const { seq, ...rest } = data;
  return rest;
}

// Opens a connection that the server must refuse the seed's way: the upgrade
// succeeds, an error event arrives, then a close with the given 4xxx code.
async function expectRefused(url, code, closeCode) {
  const s = await JsonSocket.open(url);
  const err = await s.next('error');
  assert.deepEqual(keys(err.data), ['code', 'message']);
  assert.equal(err.data.code, code);
  assert.ok(err.data.message.length > 0);
  assert.match(err.timestamp, ISO_MS);
  const closed = await s.closed;
  assert.equal(closed.code, closeCode);
  assert.equal(closed.reason, code);
  return err;
}

module.exports = { ISO_MS, keys, logged, defaultWorkspace, general, wsUrl, connect, connectFlat, envelope, nextEvent, noEvent, expectRefused };
