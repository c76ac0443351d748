// tests/browser/lib.mjs: what every browser test shares.  A test starts
// its own kbd (port 0, a fresh database in a temporary folder, like the
// HTTP tests), may serve pages of its own from a second loopback port (a
// "host" site of another origin), and drives Debian's chromium headless
// with playwright-core (vendored: tests/browser/vendor/, unpacked into
// tests/node_modules by tests/browser/setup.sh; no network needed).
//
//   import { test, before, after } from 'node:test';
//   import { startKbd, startHost, launchBrowser, screenshot } from './lib.mjs';
//
//   KBD       the binary to test (tests/run sets it; default build/kbd)
//   CHROMIUM  the browser (default /usr/bin/chromium)
//
// Everything a test starts is stopped when the process exits, also after
// a failure.  Screenshots go to tests/artifacts/browser/.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync, readdirSync, copyFileSync,
	writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = join(ROOT, 'tests/artifacts/browser');
const KBD = resolve(ROOT, process.env.KBD || 'build/kbd');
// ASan builds start slowly on a busy machine.
const READY_MS = Number(process.env.READY_TIMEOUT || 30) * 1000;

const children = new Set();
const temps = new Set();
process.on('exit', () => {
	for (const c of children)
		try { c.kill('SIGKILL'); } catch { /* gone already */ }
	for (const t of temps)
		rmSync(t, { recursive: true, force: true });
});

// A temporary folder, removed when the process exits.
export function tempDir(prefix = 'kbd-browser.') {
	const dir = mkdtempSync(join(process.env.TMPDIR || os.tmpdir(), prefix));
	temps.add(dir);
	return dir;
}

// A copy of the shipped articles plus extra files ({ 'slug.md': text,
// 'media/x.png': bytes }), in a fresh folder; returns its path.
export function copyArticles(extra = {}) {
	const dir = tempDir('kbd-articles.');
	for (const f of readdirSync(join(ROOT, 'articles')))
		if (f.endsWith('.md'))
			copyFileSync(join(ROOT, 'articles', f), join(dir, f));
	for (const [name, text] of Object.entries(extra)) {
		mkdirSync(dirname(join(dir, name)), { recursive: true });
		writeFileSync(join(dir, name), text);
	}
	return dir;
}

// A person's browser's User-Agent: headless chromium names itself, and
// robots' views and votes do not count.
export const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 ' +
    '(KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

// A PNG of width x height pixels (a colour gradient), as bytes.
export function png(width, height) {
	const crcTable = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = buf => {
		let c = 0xffffffff;
		for (const b of buf)
			c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type, data) => {
		const len = Buffer.alloc(4);
		len.writeUInt32BE(data.length);
		const td = Buffer.concat([Buffer.from(type), data]);
		const sum = Buffer.alloc(4);
		sum.writeUInt32BE(crc(td));
		return Buffer.concat([len, td, sum]);
	};
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(width, 0);
	ihdr.writeUInt32BE(height, 4);
	ihdr.set([8, 2, 0, 0, 0], 8);
	const raw = Buffer.alloc((width * 3 + 1) * height);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++)
			raw.set([x * 255 / width, y * 255 / height, 160],
			    y * (width * 3 + 1) + 1 + x * 3);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a,
		0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT',
		deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

// An article with what setup guides need: a table of server settings
// (wider than a phone), a task list, strikethrough, an autolink and a
// screenshot in the media folder (media/konto.png, 800 x 450).
export const SETUP_ARTICLE = {
	'serverdaten.md': `---
title: Welche Serverdaten trage ich in mein Mailprogramm ein?
category: E-Mail
tags: [server, port, verschlüsselung, imap, smtp]
---
Diese Daten gelten für jedes Mailprogramm, mehr unter www.example-hosting.de/hilfe.

| Dienst | Server | Port | Verschlüsselung | Benutzername |
|---|---|---:|:---|---|
| Posteingang (IMAP) | \`imap.example-hosting.de\` | 993 | SSL/TLS | vollständige E-Mail-Adresse |
| Postausgang (SMTP) | \`smtp.example-hosting.de\` | 465 | SSL/TLS | vollständige E-Mail-Adresse |
| Posteingang (POP3) | \`pop3.example-hosting.de\` | 995 | SSL/TLS | vollständige E-Mail-Adresse |

- [x] Benutzername ist die ganze E-Mail-Adresse
- [ ] ~~Port 25~~ wird nicht mehr unterstützt

![Die Kontoeinstellungen mit Server und Port](media/konto.png)
`,
	'media/konto.png': png(800, 450),
};

const sleep = ms => new Promise(r => setTimeout(r, ms));

// Tries cond() (may be async) every 100 ms until it is true or ms have
// passed; resolves to its last result.  What a test waits for instead of
// a fixed time: as long as it takes, no longer.
export async function waitUntil(cond, ms) {
	const deadline = Date.now() + ms;
	for (;;) {
		const ok = await cond();
		if (ok || Date.now() > deadline)
			return ok;
		await sleep(100);
	}
}

// Runs query on the database of kbd (from startKbd) with sqlite3; returns
// what it printed, trimmed.
export function sql(kbd, query) {
	const r = spawnSync('sqlite3', ['-batch', join(kbd.tmp, 'kb.sqlite'),
		query], { encoding: 'utf8' });
	return (r.stdout || '').trim();
}

// Starts kbd (with the static files it carries); args are added (and
// override: --articles DIR).  Resolves once /healthz answers 200, with
// { base, port, log(), stop() }; stop() resolves to kbd's exit status.
export async function startKbd(args = []) {
	const tmp = tempDir();
	const argv = ['--db', join(tmp, 'kb.sqlite'), '--listen',
		'127.0.0.1:0'];
	if (!args.includes('--articles'))
		argv.push('--articles', join(ROOT, 'articles'));
	const child = spawn(KBD, [...argv, ...args],
		{ stdio: ['ignore', 'ignore', 'pipe'] });
	children.add(child);
	let log = '';
	let exited = null;
	child.stderr.on('data', d => { log += d; });
	const done = new Promise(r => child.on('exit', (code, sig) => {
		exited = code ?? sig;
		children.delete(child);
		r(exited);
	}));
	const deadline = Date.now() + READY_MS;
	let port;
	while (!port) {
		const m = /kbd: listening on https?:\/\/127\.0\.0\.1:(\d+)\//.exec(log);
		if (m)
			port = Number(m[1]);
		else if (exited !== null || Date.now() > deadline)
			throw new Error(`kbd did not start (${exited}):\n${log}`);
		else
			await sleep(20);
	}
	const base = `http://127.0.0.1:${port}`;
	for (;;) {
		const ok = await fetch(`${base}/healthz`).then(r => r.ok, () => false);
		if (ok)
			break;
		if (exited !== null || Date.now() > deadline)
			throw new Error(`kbd is not healthy:\n${log}`);
		await sleep(50);
	}
	return {
		base, port, tmp,
		log: () => log,
		async stop() {
			if (exited === null)
				child.kill('SIGTERM');
			const rc = await done;
			rmSync(tmp, { recursive: true, force: true });
			return rc;
		},
	};
}

// Serves pages from a second loopback port: another origin than kbd's.
// routes maps a path to { type, body } or to a function (req, res).
// Resolves to { origin, port, requests, stop() }.
export async function startHost(routes) {
	const requests = [];
	const server = http.createServer((req, res) => {
		const path = new URL(req.url, 'http://x').pathname;
		requests.push(path);
		const r = routes[path];
		if (typeof r === 'function')
			return r(req, res);
		if (!r) {
			res.writeHead(404, { 'Content-Type': 'text/plain' });
			return res.end('not found');
		}
		res.writeHead(200, { 'Content-Type': r.type || 'text/html; charset=utf-8',
			'Cache-Control': 'no-store', ...(r.headers || {}) });
		res.end(r.body);
	});
	await new Promise(r => server.listen(0, '127.0.0.1', r));
	const port = server.address().port;
	return {
		origin: `http://127.0.0.1:${port}`, port, requests,
		stop: () => new Promise(r => { server.closeAllConnections?.(); server.close(r); }),
	};
}

// Launches chromium headless.  Tests run as root, hence --no-sandbox.
// Signs page in at kbd's staff login as user and waits for the article
// list, where a login lands.
export async function staffLogin(page, base, user, password) {
	await page.goto(`${base}/admin/login`);
	await page.getByLabel('Benutzername').fill(user);
	await page.getByLabel('Passwort').fill(password);
	await page.getByRole('button', { name: 'Anmelden' }).click();
	await page.getByRole('heading', { name: 'Artikel' }).waitFor();
}

export async function launchBrowser() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
		args: ['--no-sandbox'],
		headless: true,
	});
}

// A new page that records what goes wrong on it: console errors (CSP
// refusals among them), answers with an error status (but a missing
// /favicon.ico, which browsers ask for on their own), uncaught exceptions
// and dialogs (alert() from an injected script).  Dialogs are dismissed.
export async function watchedPage(browser) {
	const page = await browser.newPage();
	const problems = [];
	// The favicon of the page before, which the browser asks for on its
	// own after the load, can be overtaken by the next navigation and is
	// then refused by the next page's CSP: the browser's doing. A page
	// refusing its own origin's favicon is still reported.
	const staleIcon = t => {
		const m = t.match(/^Loading the image '([^']*\/favicon\.ico[^']*)'/);
		return m !== null && new URL(m[1]).origin !== new URL(page.url()).origin;
	};
	page.on('console', m => {
		// Failed loads are reported below, with their URL.
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource') &&
		    !staleIcon(m.text()))
			problems.push(`console: ${m.text()}`);
	});
	page.on('response', r => {
		if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico')
			problems.push(`${r.status()}: ${r.url()}`);
	});
	page.on('pageerror', e => problems.push(`exception: ${e.message}`));
	page.on('dialog', d => {
		problems.push(`dialog: ${d.type()} ${d.message()}`);
		d.dismiss().catch(() => {});
	});
	return { page, problems };
}

// Saves a screenshot as tests/artifacts/browser/NAME.png; returns its path.
export async function screenshot(page, name) {
	mkdirSync(ARTIFACTS, { recursive: true });
	const path = join(ARTIFACTS, `${name}.png`);
	await page.screenshot({ path, fullPage: true });
	return path;
}
