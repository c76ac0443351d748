// media.test.mjs: a staff member puts a screenshot into an article, in
// chromium, through the editor's "Bild einfügen" form (static/media.js).
//   1.x  a PNG is uploaded, its Markdown lands in the text at the cursor
//        and the live preview shows the picture
//   2.x  saved, the public article shows it with its size set before it
//        loads and loading="lazy"; /media/<name> answers it as image/png
//   3.x  refused, with a reason in the form and nothing inserted: an SVG
//        (it can carry script) and a text file named .png (the type is
//        read from the bytes, not from the name)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { readdirSync } from 'node:fs';
import { startKbd, launchBrowser, watchedPage, screenshot, copyArticles,
	png, ROOT, staffLogin } from './lib.mjs';

const KBD = resolve(ROOT, process.env.KBD || 'build/kbd');
const PASSWORD = 'bilder-passwort-2026';
let kbd, articles, browser, page, problems;

before(async () => {
	articles = copyArticles();
	kbd = await startKbd(['--articles', articles]);
	const r = spawnSync(KBD, ['user', 'add', 'bea', '--db',
		join(kbd.tmp, 'kb.sqlite')], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, `kbd user add: ${r.stderr}`);
	browser = await launchBrowser();
	({ page, problems } = await watchedPage(browser));
	await staffLogin(page, kbd.base, 'bea', PASSWORD);
});

after(async () => {
	await browser?.close();
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
});

// The 4xx of the refused uploads are expected; anything else is not.
const unexpected = () => problems.filter(p => !/^41[35]: .*\/api\/admin\/media/.test(p));

async function upload(name, mimeType, buffer, alt) {
	await page.locator('#media-file').setInputFiles({ name, mimeType, buffer });
	await page.locator('#media-alt').fill(alt);
	await page.getByRole('button', { name: 'Hochladen und einfügen' }).click();
	const status = page.locator('#media-status');
	await page.waitForFunction(() => {
		const t = document.getElementById('media-status').textContent;
		return t.startsWith('Eingefügt') || t.startsWith('Nicht hochgeladen');
	});
	return status.textContent();
}

test('1 upload a PNG in the editor', async () => {
	await page.goto(`${kbd.base}/admin/edit/imap`);
	const body = page.locator('#body');
	await body.click();
	await body.press('Control+End');
	const said = await upload('Konto Einstellungen.png', 'image/png',
		png(640, 360), 'Die Servereinstellungen im Mailprogramm');
	assert.match(said, /^Eingefügt: media\/[a-z0-9-]+\.png$/, `1.1 status: ${said}`);
	const text = await body.inputValue();
	const m = text.match(/!\[Die Servereinstellungen im Mailprogramm\]\(media\/([a-z0-9-]+\.png)\)\n$/);
	assert.ok(m, '1.2 the Markdown is not at the end of the text');
	const img = page.locator(`#preview img[src*="/media/${m[1]}"]`);
	await img.waitFor({ timeout: 5000 });
	assert.equal(await img.getAttribute('alt'),
		'Die Servereinstellungen im Mailprogramm', '1.3 the preview lost the description');
	assert.ok(readdirSync(join(articles, 'media')).includes(m[1]),
		'1.4 the picture is not in the media folder');
	await screenshot(page, 'media-editor');
	await page.getByRole('button', { name: 'Speichern' }).click();
	await page.getByText(/Gespeichert/).first().waitFor();
});

test('2 the public article shows it', async () => {
	const pub = await browser.newPage();
	await pub.goto(`${kbd.base}/a/imap`);
	const img = pub.locator('article img[alt="Die Servereinstellungen im Mailprogramm"]');
	await img.waitFor();
	assert.equal(await img.getAttribute('width'), '640', '2.1 no width');
	assert.equal(await img.getAttribute('height'), '360', '2.2 no height');
	assert.equal(await img.getAttribute('loading'), 'lazy', '2.3 not lazy');
	assert.ok(await img.evaluate(i => i.complete && i.naturalWidth === 640),
		'2.4 the picture did not load');
	const r = await fetch(new URL(await img.getAttribute('src'), kbd.base));
	assert.equal(r.status, 200, '2.5 /media/ did not answer');
	assert.equal(r.headers.get('content-type'), 'image/png', '2.6 wrong type');
	await pub.close();
});

test('3 an SVG and a text named .png are refused', async () => {
	await page.goto(`${kbd.base}/admin/edit/imap`);
	const before = await page.locator('#body').inputValue();
	const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" ' +
		'onload="alert(1)"><rect width="10" height="10"/></svg>');
	let said = await upload('bild.svg', 'image/svg+xml', svg, 'Ein Bild');
	assert.match(said, /^Nicht hochgeladen: .*SVG/, `3.1 SVG: ${said}`);
	said = await upload('foto.png', 'image/png',
		Buffer.from('Das ist kein Bild, nur Text.\n'), 'Ein Foto');
	assert.match(said, /^Nicht hochgeladen: .*kein PNG/, `3.2 text as .png: ${said}`);
	assert.equal(await page.locator('#body').inputValue(), before,
		'3.3 a refused upload changed the text');
	const saved = readdirSync(join(articles, 'media'));
	assert.ok(!saved.some(f => /\.svg$/.test(f) || /^foto/.test(f)),
		`3.4 a refused file was kept: ${saved}`);
	assert.deepEqual(unexpected(), [], '3.5 problems on the staff pages');
});
