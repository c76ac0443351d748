// staff-embed.test.mjs: the embed builder (/admin/embed), in a real
// browser (chromium), and its iframe snippet on a host page of another
// origin.
//   1.x  the staff nav links to it; the options change the snippets (the
//        number of questions, the period, a category, the search box, the
//        dark theme) and the previews; all three ways have a caption
//   2.x  the iframe snippet for ten questions, pasted into a 300 px wide
//        sidebar of a host page: the frame grows to its list (all ten
//        questions visible, no scrollbar inside the frame)
//   3.x  the frame's height is taken only from kbd's origin: a message
//        from elsewhere changes nothing
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startKbd, startHost, launchBrowser, watchedPage, screenshot,
	copyArticles, waitUntil, ROOT, staffLogin } from './lib.mjs';

const KBD = resolve(ROOT, process.env.KBD || 'build/kbd');
const PASSWORD = 'erstes-passwort-2026';
let kbd, host, browser, page, problems, snippet = '';

before(async () => {
	host = await startHost({
		'/sidebar': (req, res) => {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
			res.end(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Host</title><style>body{margin:0;font:16px serif}
aside{width:300px;float:left;border-right:1px solid #ccc}</style></head>
<body><aside id="side">${snippet}</aside><main><p>Inhalt der Website</p></main>
</body></html>`);
		},
	});
	kbd = await startKbd(['--articles', copyArticles(), '--cors-origin', host.origin]);
	const r = spawnSync(KBD, ['user', 'add', 'erika', '--db',
		join(kbd.tmp, 'kb.sqlite')], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, `kbd user add: ${r.stderr}`);
	browser = await launchBrowser();
	({ page, problems } = await watchedPage(browser));
	await page.setViewportSize({ width: 1280, height: 800 });
	await staffLogin(page, kbd.base, 'erika', PASSWORD);
});

after(async () => {
	await browser?.close();
	await host?.stop();
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
});

const code = id => page.locator(`#${id}`).textContent();

test('1 the builder', async () => {
	await page.getByRole('link', { name: 'Einbinden' }).click();
	await page.getByRole('heading', { name: 'Einbinden' }).waitFor();
	assert.match(page.url(), /\/admin\/embed$/, '1.1 the nav does not lead to the builder');
	assert.deepEqual(await page.locator('figcaption').allInnerTexts(),
		['Vorschau: das Skript', 'Vorschau: der iframe', 'Vorschau: das Fragment (ohne Stile)'],
		'1.2 captions');
	await page.getByLabel('Anzahl der Fragen').fill('5');
	await waitUntil(async () => /data-kbd-top="5"/.test(await code('snippet-script')), 5000);
	assert.match(await code('snippet-iframe'), /\/embed\/top\?limit=5"/, '1.3 the iframe snippet');
	await page.getByLabel('Zeitraum').selectOption('30d');
	await waitUntil(async () => /period=30d/.test(await code('snippet-fragment')), 5000);
	assert.match(await code('snippet-script'), /data-kbd-period="30d"/, '1.4 the period');
	await page.getByLabel('Kategorie').selectOption('E-Mail');
	await waitUntil(async () => /category=E-Mail/.test(await code('snippet-iframe')), 5000);
	await page.getByLabel('mit Suchfeld').check();
	await waitUntil(async () => /search=1/.test(await code('snippet-iframe')), 5000);
	await page.getByLabel('dunkel').check();
	await waitUntil(async () => /theme=dark/.test(await code('snippet-iframe')), 5000);
	assert.match(await code('snippet-script'), /data-kbd-search/, '1.5 the search box');
	const frame = page.frameLocator('#preview-iframe');
	await frame.locator('body.dark').waitFor();
	await frame.locator('input[type=search]').waitFor();
	const items = await frame.locator('li').count();
	assert.ok(items >= 1 && items <= 5, `1.6 the preview lists ${items}`);
	await page.locator('#preview-fragment li').first().waitFor();
	await screenshot(page, 'staff-embed');
	assert.deepEqual(problems, [], '1.7 problems on the builder');
});

test('2 the iframe sizes itself on a host page', async () => {
	await page.goto(`${kbd.base}/admin/embed?limit=10`);
	snippet = await code('snippet-iframe');
	assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:\d+\/embed\/top\?limit=10"/, '2.1 the snippet');
	const hostPage = await browser.newPage({ viewport: { width: 1000, height: 700 } });
	await hostPage.goto(`${host.origin}/sidebar`);
	const frameEl = hostPage.locator('iframe[data-kbd-frame]');
	const frame = hostPage.frameLocator('iframe[data-kbd-frame]');
	await frame.locator('li').nth(9).waitFor();
	// The frame is as tall as its document: nothing to scroll inside.
	const fits = await waitUntil(async () => {
		const h = await frameEl.evaluate(f => f.getBoundingClientRect().height);
		const doc = await frame.locator('html').evaluate(d => d.scrollHeight);
		return Math.abs(h - doc) <= 1 && h !== 460;
	}, 10000);
	await screenshot(hostPage, 'staff-embed-host');
	assert.ok(fits, '2.2 the frame did not take its list\'s height');
	const scroll = await frame.locator('html').evaluate(d => [d.scrollHeight, d.clientHeight]);
	assert.ok(scroll[0] <= scroll[1], `2.3 the frame scrolls: ${scroll}`);
	assert.equal(await frame.locator('li').count(), 10, '2.4 not ten questions');
	const last = await frame.locator('li').nth(9).boundingBox();
	const box = await frameEl.boundingBox();
	assert.ok(last.y + last.height <= box.y + box.height, '2.5 the tenth question is cut off');
	assert.equal(Math.round(box.width), 300, '2.6 not 300 px wide');

	// 3.1 a message from the host's own origin does not resize it.
	const before = box.height;
	await hostPage.evaluate(() => window.postMessage({ kbdHeight: 20 }, '*'));
	await hostPage.evaluate(() => new Promise(r => setTimeout(r, 200)));
	assert.equal((await frameEl.boundingBox()).height, before, '3.1 resized by another origin');
	await hostPage.close();
});
