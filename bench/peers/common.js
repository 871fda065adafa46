'use strict';
// Shared start-up for both peers: port and secret from the command line or the
// environment, /healthz for the bench script, clean exit on SIGTERM.
const http = require('node:http');

function options() {
  const args = process.argv.slice(2);
  const get = (name, env, def) => {
    const i = args.indexOf(`--${name}`);
    if (i >= 0 && i + 1 < args.length) return args[i + 1];
    return process.env[env] ?? def;
  };
  const port = Number(get('port', 'PORT', '0'));
  const secret = get('jwt-secret', 'JWT_SECRET', '');
  if (!secret) {
    console.error('missing --jwt-secret');
    process.exit(2);
  }
  return { port, secret };
}

function httpServer() {
  return http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"status":"ok"}');
      return;
    }
    res.writeHead(404);
    res.end();
  });
}

function listen(server, port, name) {
  server.listen(port, '127.0.0.1', () => {
    console.log(`${name} listening on 127.0.0.1:${server.address().port}`);
  });
  const stop = () => server.close(() => process.exit(0)) && setTimeout(() => process.exit(0), 500).unref();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

// The same message shape Switchboard's dialects send (seed 001 / seed 004), so
// the peers serialise comparable payloads.
function messageData(id, channelId, content, user) {
  const now = new Date().toISOString();
  return {
    id,
    content,
    channelId,
    userId: user.id,
    createdAt: now,
    updatedAt: now,
    user: { id: user.id, username: user.username, email: null },
    threadId: null,
    replyToId: null,
    attachments: [],
    mentions: [],
  };
}

module.exports = { options, httpServer, listen, messageData };
