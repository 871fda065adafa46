'use strict';
// Helpers for the error and attachment suites: the server's error counter
// and uploads through the REST API.
const assert = require('node:assert/strict');
const { api } = require('./server.js');

// switchboard_errors_total from GET /metrics (a number). In cluster mode
// (lib/cluster-mode.js) the sum over the nodes: each counts the errors it sent.
async function errorsTotal(server) {
  let total = 0;
  for (const node of server.nodes || [server]) {
    const r = await api(node, 'GET', '/metrics');
    assert.equal(r.status, 200);
    const line = r.text.split('\n').find((l) => l.startsWith('switchboard_errors_total '));
    assert.ok(line, 'switchboard_errors_total is exported');
    total += Number(line.split(' ')[1]);
  }
  return total;
}

// POST /api/v1/uploads with multipart field "file"; returns the upload.
async function upload(server, token, name = 'a.txt', content = 'attached', type = 'text/plain') {
  const form = new FormData();
  form.append('file', new Blob([Buffer.from(content)], { type }), name);
  const r = await api(server, 'POST', '/api/v1/uploads', token, form);
  assert.equal(r.status, 201, r.text);
  return r.body;
}

// Attachment objects a client may write, for the attachment suites.
const uploadUrl = (up) => ({ url: `/api/v1/uploads/${up.id}`, name: 'a.txt', type: 'text/plain' });
const EXTERNAL = { url: 'https://files.example/report.pdf', name: 'report.pdf', type: 'application/pdf', size: 1234 };
const SCRIPT = { url: 'javascript:alert(1)', name: 'x.txt', type: 'text/plain' };

module.exports = { errorsTotal, upload, uploadUrl, EXTERNAL, SCRIPT };
