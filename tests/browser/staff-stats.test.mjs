// staff-stats.test.mjs: the statistics page leads to work, in a real
// browser (chromium, 1280 x 800), after customers' searches and views.
//   1.x  "Aufrufe pro Tag": an SVG with labelled axes (Aufrufe, Tag),
//        dates under the bars, the values, and the numbers as a table
//   2.x  a search that found nothing is listed with its count and trend;
//        "Artikel dazu anlegen" makes a draft with the search as its
//        title and as a phrasing (aliases), and opens its editor
//   3.x  a search whose words no article holds all of is listed under
//        "Suchen mit schwachen Treffern"; "Zu Artikel hinzufügen"
//        attaches it to an article
//   4.x  every table as CSV
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startKbd, launchBrowser, copyArticles, screenshot, waitUntil, sql,
	UA, ROOT, staffLogin } from './lib.mjs';

const KBD = resolve(ROOT, process.env.KBD || 'build/kbd');
const PASSWORD = 'erstes-passwort-2026';
const EMPTY = 'wombat quallenzucht';
const WEAK = 'imap kolibrifutter';
let kbd, browser, page;

before(async () => {
	kbd = await startKbd(['--articles', copyArticles()]);
	const r = spawnSync(KBD, ['user', 'add', 'erika', '--db',
		join(kbd.tmp, 'kb.sqlite')], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, `kbd user add: ${r.stderr}`);
	const headers = { 'User-Agent': UA };
	for (const q of [EMPTY, EMPTY, WEAK])
		await fetch(`${kbd.base}/search?q=${encodeURIComponent(q)}`, { headers });
	for (const a of ['imap', 'imap', 'imap'])
		await fetch(`${kbd.base}/a/${a}`, { headers });
	await waitUntil(() => sql(kbd, 'SELECT count(*) FROM search_log') === '2' &&
		sql(kbd, 'SELECT coalesce(sum(count), 0) FROM hit_day') !== '0', 15000);
	browser = await launchBrowser();
	page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
	await staffLogin(page, kbd.base, 'erika', PASSWORD);
});

after(async () => {
	await browser?.close();
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
});

test('1 the chart has axes, dates and values', async () => {
	await page.goto(`${kbd.base}/admin/stats`);
	const chart = page.locator('#aufrufe-pro-tag svg.chart');
	await chart.waitFor();
	await screenshot(page, 'staff-stats');
	const texts = await chart.locator('text').evaluateAll(l => l.map(t => t.textContent));
	assert.ok(texts.includes('Aufrufe'), `1.1 no y axis label: ${texts}`);
	assert.ok(texts.includes('Tag (UTC)'), `1.2 no x axis label: ${texts}`);
	assert.equal(texts.filter(t => /^\d\d\.\d\d\.$/.test(t)).length, 7,
		`1.3 not a date under each of 7 bars: ${texts}`);
	const views = sql(kbd, 'SELECT sum(count) FROM hit_day');
	assert.ok(texts.includes(views), `1.4 the value ${views} is not shown: ${texts}`);
	assert.match(await chart.locator('rect title').last().textContent(),
		new RegExp(`^\\d\\d\\.\\d\\d\\.: ${views} Aufrufe$`), '1.5 no date in the bar\'s title');
	const table = page.locator('#aufrufe-pro-tag details table');
	assert.equal(await table.locator('tbody tr').count(), 7, '1.6 no table of the days');
	assert.equal(await chart.getAttribute('role'), 'img', '1.7 the chart is not an image');
});

test('2 a gap becomes a draft', async () => {
	await page.goto(`${kbd.base}/admin/stats`);
	const row = page.locator('#ohne-ergebnis tbody tr', { hasText: EMPTY });
	assert.equal(await row.count(), 1, '2.1 the search is not listed');
	assert.deepEqual((await row.locator('td.num').allInnerTexts()), ['2', 'neu'],
		'2.2 count and trend');
	await row.getByRole('button', { name: 'Artikel dazu anlegen' }).click();
	await page.getByText(/Entwurf angelegt/).waitFor();
	assert.match(page.url(), /\/admin\/edit\/wombat-quallenzucht/, '2.3 not the new draft\'s editor');
	assert.equal(await page.getByLabel('Titel (die Frage)').inputValue(), EMPTY, '2.4 the title');
	assert.equal(sql(kbd, "SELECT draft || '|' || aliases FROM article WHERE slug = 'wombat-quallenzucht'"),
		`1|${EMPTY}`, '2.5 not a draft with the search as its phrasing');
});

test('3 weak searches', async () => {
	await page.goto(`${kbd.base}/admin/stats`);
	const row = page.locator('#schwache-treffer tbody tr', { hasText: WEAK });
	assert.equal(await row.count(), 1, `3.1 the search is not listed: ${await page.locator('#schwache-treffer').innerText()}`);
	assert.equal(await page.locator('#ohne-ergebnis tbody tr', { hasText: WEAK }).count(), 0,
		'3.2 listed as found nothing');
	await row.locator('input[name=slug]').fill('imap');
	await row.getByRole('button', { name: 'Zu Artikel hinzufügen' }).click();
	await page.getByText('Gespeichert: die Suche findet jetzt /a/imap.').waitFor();
	assert.match(sql(kbd, "SELECT aliases FROM article WHERE slug = 'imap'"), new RegExp(WEAK),
		'3.3 the search is not a phrasing of the article');
});

test('4 CSV', async () => {
	const csv = await page.evaluate(async () => (await fetch(
		'/admin/stats.csv?table=ohne-ergebnis&days=7')).text());
	assert.match(csv, /^Suche,Anzahl,Trend,danach am meisten geöffnet\r\n/, '4.1 no header');
	assert.match(csv, /"wombat quallenzucht",2,neu,""/, `4.2 no row: ${csv}`);
	const daily = await page.evaluate(async () => (await fetch(
		'/admin/stats.csv?table=aufrufe-pro-tag&days=30')).text());
	assert.equal(daily.trim().split('\r\n').length, 31, '4.3 not 30 days');
	assert.equal(await page.locator('a[href^="/admin/stats.csv"]').count(), 7,
		'4.4 not a CSV link for every table');
});
