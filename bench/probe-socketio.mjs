#!/usr/bin/env node
// Exit 0 when URL/socket.io/?EIO=4&transport=websocket answers with an
// Engine.IO open packet ("0{...}") within 3 s, else 1: the bench script runs
// the Socket.IO scenarios against Switchboard only when its dialect is there.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const WebSocket = require('./peers/node_modules/ws');
const base = process.argv[2];
const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`);
const fail = (why) => {
  console.error(`socket.io probe: ${why}`);
  process.exit(1);
};
const timer = setTimeout(() => fail('no open packet within 3 s'), 3000);
ws.on('message', (data) => {
  clearTimeout(timer);
  const text = data.toString();
  if (!text.startsWith('0{')) fail(`first packet is not an open packet: ${text.slice(0, 80)}`);
  ws.close();
  process.exit(0);
});
ws.on('unexpected-response', (_req, res) => fail(`HTTP ${res.statusCode}`));
ws.on('error', (e) => fail(e.message));
