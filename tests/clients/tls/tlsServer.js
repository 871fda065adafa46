'use strict';
// Helpers for the TLS tests: a throwaway self-signed certificate made with the
// openssl CLI, a server with a plain and a TLS listener, and HTTPS requests
// that trust that certificate (Node's fetch has no per-request CA option).
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const https = require('node:https');
const os = require('node:os');
const path = require('node:path');
const tls = require('node:tls');
const { startServer, freePort } = require('../lib/server.js');

// Writes cert.pem / key.pem into dir (a new temp dir by default).
function makeCert(dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-tls-')), cn = '127.0.0.1') {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert,
    '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-days', '1'], { stdio: 'ignore' });
  const pem = fs.readFileSync(cert, 'utf8');
  return { dir, cert, key, pem, fingerprint: new crypto.X509Certificate(pem).fingerprint256 };
}

// A server listening plain on server.port and TLS on server.tlsPort.
async function startTlsServer(options = {}) {
  const certs = options.certs || makeCert();
  const tlsPort = await freePort();
  const server = await startServer({
    ...options,
    args: ['--tls-listen', `127.0.0.1:${tlsPort}`, '--tls-cert', certs.cert, '--tls-key', certs.key, ...(options.args || [])],
  });
  return Object.assign(server, {
    certs, tlsPort, ca: certs.pem,
    tlsBase: `https://127.0.0.1:${tlsPort}`,
    wssBase: `wss://127.0.0.1:${tlsPort}`,
  });
}

// A fetch-like request over HTTPS trusting only the test certificate.
function httpsFetch(ca, url, options = {}) {
  const headers = { ...(options.headers || {}) };
  const body = options.body === undefined || options.body === null ? null : Buffer.from(options.body);
  if (body) headers['Content-Length'] = body.length; // the server wants a length, not chunks
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: options.method || 'GET', headers, ca, agent: false,
      ALPNProtocols: ['http/1.1'] }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode, headers: res.headers, alpn: res.socket.alpnProtocol,
          protocol: res.socket.getProtocol && res.socket.getProtocol(),
          text: async () => text, json: async () => JSON.parse(text) });
      });
    });
    req.on('error', reject);
    if (options.signal) options.signal.addEventListener('abort', () => { req.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' })); });
    if (body) req.write(body);
    req.end();
  });
}

async function httpsApi(server, method, urlPath, token, body) {
  const headers = {};
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) { payload = JSON.stringify(body); headers['Content-Type'] = 'application/json'; }
  const r = await httpsFetch(server.ca, `${server.tlsBase}${urlPath}`, { method, headers, body: payload });
  const text = await r.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (_) { json = null; }
  return { status: r.status, body: json, text, headers: r.headers, alpn: r.alpn, protocol: r.protocol };
}

let counter = 0;
async function registerTls(server) {
  const username = `tls${process.pid}_${++counter}`;
  const r = await httpsApi(server, 'POST', '/api/v1/auth/register', null, { username, password: 'password123', email: `${username}@example.test` });
  if (r.status !== 201) throw new Error(`register ${username}: ${r.status} ${r.text}`);
  return { token: r.body.access_token, user: r.body.user, username };
}

// The SHA-256 fingerprint of the certificate a new TLS connection is shown.
function peerFingerprint(port) {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fp = s.getPeerX509Certificate().fingerprint256;
      s.end();
      resolve(fp);
    });
    s.on('error', reject);
  });
}

module.exports = { makeCert, startTlsServer, httpsFetch, httpsApi, registerTls, peerFingerprint };
