'use strict';
// Uploads are safe to serve: the stored type comes from the bytes, not from
// the client's part header; only passive media (images, audio, video, PDF) are
// served inline, everything else as a sandboxed download; and only the
// uploader and those who can read a message carrying the upload may download
// it. Everyone else gets the same 404 as for an id that does not exist.
const test = require('node:test');
const assert = require('node:assert/strict');
const { startServer, api, register } = require('../lib/server.js');

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');
const HTML = Buffer.from('<!DOCTYPE html>\n<html><body><script>fetch("/api/v1/users/me")</script></body></html>\n');
const SVG = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><script>alert(1)</script></svg>\n');
const JS = Buffer.from('alert(document.domain);\n');

let server, a, b;
test.before(async () => {
  server = await startServer({ args: ['--rate-messages-per-minute', '0'] });
  [a, b] = [await register(server), await register(server)];
});
test.after(async () => { await server.stop(); });

async function upload(user, name, content, type) {
  const form = new FormData();
  form.append('file', new Blob([content], { type }), name);
  const r = await api(server, 'POST', '/api/v1/uploads', user.token, form);
  assert.equal(r.status, 201, r.text);
  return r.body;
}

async function download(user, up) {
  const r = await fetch(`${server.base}/api/v1/uploads/${up.id}`, { headers: { Authorization: `Bearer ${user.token}` } });
  const body = Buffer.from(await r.arrayBuffer());
  let json = null;
  try { json = JSON.parse(body.toString()); } catch (_) { json = null; }
  return { status: r.status, headers: r.headers, body, json };
}

// The answer every refused download gets: the REST error shape, nothing about the upload.
function hidden(r) {
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'not_found');
  assert.equal(r.json.error.message, 'no such upload');
  assert.equal(r.headers.get('content-disposition'), null);
}

function servedAsDownload(r, content) {
  assert.equal(r.status, 200);
  assert.ok(r.body.equals(content));
  assert.match(r.headers.get('content-disposition'), /^attachment; filename="/);
  assert.equal(r.headers.get('content-security-policy'), 'sandbox');
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
}

function servedInline(r, type, content) {
  assert.equal(r.status, 200);
  assert.ok(r.body.equals(content));
  assert.equal(r.headers.get('content-type'), type);
  assert.match(r.headers.get('content-disposition'), /^inline; filename="/);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r.headers.get('content-security-policy'), null);
}

async function general(user) {
  return (await api(server, 'GET', '/api/v1/channels', user.token)).body.channels.find((c) => c.name === 'general');
}

async function postWith(user, channelId, up) {
  const r = await api(server, 'POST', '/api/v1/messages', user.token, { channel_id: channelId, content: 'file', attachments: [up.id] });
  assert.equal(r.status, 201, r.text);
  return r.body;
}

test('HTML declared as text/html is stored as text/html and served as a sandboxed download', async () => {
  const up = await upload(a, 'page.html', HTML, 'text/html');
  for (const k of ['id', 'filename', 'originalName', 'mimeType', 'size', 'url', 'createdAt']) assert.ok(k in up, k);
  assert.equal(up.mimeType, 'text/html');
  const r = await download(a, up);
  servedAsDownload(r, HTML);
  assert.equal(r.headers.get('content-type'), 'text/html');
});

test('HTML declared as image/png (and named .png) is stored and served as HTML, never as an inline image', async () => {
  const up = await upload(a, 'cat.png', HTML, 'image/png');
  assert.equal(up.mimeType, 'text/html');
  const r = await download(a, up);
  servedAsDownload(r, HTML);
  assert.notEqual(r.headers.get('content-type'), 'image/png');
});

test('SVG (it can carry script) is a download, whatever it is declared as', async () => {
  const up = await upload(a, 'logo.svg', SVG, 'image/png');
  assert.equal(up.mimeType, 'image/svg+xml');
  servedAsDownload(await download(a, up), SVG);
});

test('a JavaScript file is a download', async () => {
  const up = await upload(a, 'x.js', JS, 'text/javascript');
  assert.match(up.mimeType, /javascript/);
  servedAsDownload(await download(a, up), JS);
});

test('a real PNG is found by its bytes (whatever the client said) and served inline', async () => {
  const up = await upload(a, 'pixel.bin', PNG, 'application/octet-stream');
  assert.equal(up.mimeType, 'image/png');
  servedInline(await download(a, up), 'image/png', PNG);
});

test('a PDF is served inline', async () => {
  const up = await upload(a, 'report.pdf', PDF, 'text/html');
  assert.equal(up.mimeType, 'application/pdf');
  servedInline(await download(a, up), 'application/pdf', PDF);
});

test('a non-ASCII file name gets an ASCII fallback and its exact UTF-8 form (RFC 6266)', async () => {
  const up = await upload(a, 'résumé.txt', Buffer.from('plain'), 'text/plain');
  assert.equal(up.originalName, 'résumé.txt');
  const r = await download(a, up);
  servedAsDownload(r, Buffer.from('plain'));
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="r_sum_.txt"; filename*=UTF-8''${encodeURIComponent('résumé.txt')}`);
});

test('the uploader may download before posting; nobody else may, and they cannot tell it exists', async () => {
  const up = await upload(a, 'draft.png', PNG, 'image/png');
  servedInline(await download(a, up), 'image/png', PNG);
  hidden(await download(b, up));
  hidden(await download(b, { id: '00000000-0000-4000-8000-000000000000' }));
});

test('a public channel: once posted there, every member of its workspace may download it', async () => {
  const up = await upload(a, 'shared.png', PNG, 'image/png');
  hidden(await download(b, up));
  await postWith(a, (await general(a)).id, up);
  servedInline(await download(b, up), 'image/png', PNG);
});

test('a workspace of its own: outsiders get 404 until they are added', async () => {
  const c = await register(server);
  const ws = await api(server, 'POST', '/api/v1/workspaces', a.token, { name: `uploads-${Date.now()}` });
  assert.equal(ws.status, 201, ws.text);
  const ch = await api(server, 'POST', '/api/v1/channels', a.token, { name: 'files', type: 'public', workspace_id: ws.body.id });
  assert.equal(ch.status, 201, ch.text);
  const up = await upload(a, 'team.png', PNG, 'image/png');
  await postWith(a, ch.body.id, up);
  hidden(await download(c, up));
  assert.equal((await api(server, 'POST', `/api/v1/workspaces/${ws.body.id}/members`, a.token, { user_id: c.user.id })).status, 201);
  servedInline(await download(c, up), 'image/png', PNG);
});

test('a private channel: members may download, non-members get 404', async () => {
  const c = await register(server);
  const ch = await api(server, 'POST', '/api/v1/channels', a.token, { name: `secret-${Date.now()}`, type: 'private' });
  assert.equal(ch.status, 201, ch.text);
  assert.equal((await api(server, 'POST', `/api/v1/channels/${ch.body.id}/members`, a.token, { user_id: b.user.id })).status < 300, true);
  const up = await upload(a, 'secret.pdf', PDF, 'application/pdf');
  await postWith(a, ch.body.id, up);
  servedInline(await download(b, up), 'application/pdf', PDF);
  hidden(await download(c, up));
});

test('a conversation: participants may download, a third user gets 404', async () => {
  const c = await register(server);
  const dm = await api(server, 'POST', '/api/v1/conversations', a.token, { participant_ids: [b.user.id] });
  assert.equal(dm.status, 201, dm.text);
  const up = await upload(b, 'for-a.html', HTML, 'text/html');
  await postWith(b, dm.body.id, up);
  servedAsDownload(await download(a, up), HTML);
  hidden(await download(c, up));
});

test('deleting the only message that carried it hides it again from everyone but the uploader', async () => {
  const up = await upload(a, 'oops.png', PNG, 'image/png');
  const m = await postWith(a, (await general(a)).id, up);
  servedInline(await download(b, up), 'image/png', PNG);
  assert.ok((await api(server, 'DELETE', `/api/v1/messages/${m.id}`, a.token)).status < 300);
  hidden(await download(b, up));
  servedInline(await download(a, up), 'image/png', PNG);
});

test('a link that merely mentions the upload id does not open it', async () => {
  const up = await upload(a, 'private.png', PNG, 'image/png');
  const link = { url: `https://example.test/${up.id}`, name: `${up.id}.png`, type: 'image/png' };
  const r = await api(server, 'POST', '/api/v1/messages', b.token, { channel_id: (await general(b)).id, content: 'x', attachments: [link] });
  assert.equal(r.status, 201, r.text);
  hidden(await download(b, up));
});

test('a cookie is not a REST credential, for downloads either', async () => {
  const up = await upload(a, 'c.png', PNG, 'image/png');
  const r = await fetch(`${server.base}/api/v1/uploads/${up.id}`, { headers: { Cookie: `token=${a.token}` } });
  assert.equal(r.status, 401);
  assert.equal((await r.json()).error.code, 'unauthorized');
});
