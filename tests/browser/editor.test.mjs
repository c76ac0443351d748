// editor.test.mjs: a staff member who was never shown the system, in a
// real browser (chromium): logs in, changes the IMAP article with the
// live preview, publishes it, sees it on the public page and in the
// search, undoes it from the history, and reads the week's searches that
// found nothing.
//   1.x  a wrong password is refused with a message; the right one opens
//        the article list
//   2.x  the editor: typing changes the live preview (rendered by the
//        server), saving says "Gespeichert", no CSP refusal or error
//   3.x  the public page and the search show the change at once
//   4.x  the history shows the change as a diff; restoring revision 1
//        brings the old title back on the public page
//   5.x  a customer's search that finds nothing is listed under
//        "Suchen ohne Ergebnis" on the statistics page
// Screenshots of the editor and of the statistics page are kept in
// tests/artifacts/browser/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startKbd, launchBrowser, watchedPage, screenshot, copyArticles,
	sql, waitUntil, ROOT } from './lib.mjs';

const KBD = resolve(ROOT, process.env.KBD || 'build/kbd');
const PASSWORD = 'erstes-passwort-2026';
const OLD = 'Wie verwalte ich Mails über IMAP?';
const NEW = 'Wie verwalte ich meine Mails per IMAP?';
let kbd, browser, page, problems;

before(async () => {
	kbd = await startKbd(['--articles', copyArticles()]);
	const r = spawnSync(KBD, ['user', 'add', 'erika', '--db',
		join(kbd.tmp, 'kb.sqlite')], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, `kbd user add: ${r.stderr}`);
	browser = await launchBrowser();
	({ page, problems } = await watchedPage(browser));
});

after(async () => {
	await browser?.close();
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
});

// Problems other than the 401 of the deliberately wrong password.
const unexpected = () => problems.filter(p => !/^401: .*\/admin\/login$/.test(p));

test('1 log in', async () => {
	await page.goto(`${kbd.base}/admin`);
	assert.match(page.url(), /\/admin\/login$/, '1.1 not sent to the login page');
	await page.getByLabel('Benutzername').fill('erika');
	await page.getByLabel('Passwort').fill('falsch-falsch-falsch');
	await page.getByRole('button', { name: 'Anmelden' }).click();
	await page.getByText('Benutzername oder Passwort ist falsch.').waitFor();
	await page.getByLabel('Passwort').fill(PASSWORD);
	await page.getByRole('button', { name: 'Anmelden' }).click();
	await page.getByRole('heading', { name: 'Artikel' }).waitFor();
	assert.ok(await page.getByRole('link', { name: OLD }).isVisible(),
		'1.2 the IMAP article is not in the list');
});

test('2 edit with the live preview', async () => {
	await page.getByRole('link', { name: OLD }).click();
	await page.getByLabel('Titel (die Frage)').waitFor();
	await page.getByLabel('Titel (die Frage)').fill(NEW);
	const body = page.locator('#body');
	await body.click();
	await body.press('Control+End');
	await body.pressSequentially('\n\n## Neu: Ordner abonnieren\n\nDie **Kolibri-Methode** hilft.\n');
	const preview = page.locator('#preview');
	await preview.locator('h2', { hasText: 'Neu: Ordner abonnieren' }).waitFor({ timeout: 5000 });
	assert.equal(await preview.locator('strong', { hasText: 'Kolibri-Methode' }).count(), 1,
		'2.1 the preview does not render the new text');
	await screenshot(page, 'editor');
	await page.getByRole('button', { name: 'Speichern' }).click();
	await page.getByText(/Gespeichert \(Revision 2\)/).waitFor();
	assert.deepEqual(unexpected(), [], '2.2 problems on the staff pages');
});

test('3 the public site shows it', async () => {
	const pub = await browser.newPage();
	await pub.goto(`${kbd.base}/a/imap`);
	assert.ok(await pub.getByRole('heading', { name: new RegExp(NEW.replace('?', '\\?')) }).isVisible(),
		'3.1 the public page shows the old title');
	await pub.goto(`${kbd.base}/search?q=Kolibri-Methode`);
	assert.ok(await pub.getByRole('link', { name: new RegExp(NEW.replace('?', '\\?')) }).first().isVisible(),
		'3.2 the search does not find the new text');
	await pub.close();
});

test('4 undo from the history', async () => {
	await page.getByRole('link', { name: 'Versionen und Änderungen' }).click();
	await page.getByRole('heading', { name: /Was Revision 2 geändert hat/ }).waitFor();
	assert.ok(await page.locator('tr.ins', { hasText: 'Kolibri-Methode' }).count() >= 1,
		'4.1 the diff does not show the added line');
	const row = page.locator('tr', { hasText: 'Revision 1' });
	await row.getByRole('button', { name: 'Diese Fassung wiederherstellen' }).click();
	await page.getByText('Wiederhergestellt.').waitFor();
	const pub = await browser.newPage();
	await pub.goto(`${kbd.base}/a/imap`);
	assert.ok(await pub.getByRole('heading', { name: new RegExp(OLD.replace('?', '\\?')) }).isVisible(),
		'4.2 the old title is not back');
	await pub.close();
});

test('5 searches that found nothing', async () => {
	const pub = await browser.newPage();
	await pub.goto(`${kbd.base}/`);
	await pub.locator('#q').fill('Wombat Quallenzucht');
	await pub.getByRole('button', { name: 'Suchen' }).click();
	await pub.waitForURL(/\/search\?q=/);
	await pub.close();
	// The search log is written once a second: wait until it holds the search.
	await waitUntil(() => sql(kbd, "SELECT count(*) FROM search_log WHERE query LIKE '%wombat%'") !== '0', 10000);
	await page.getByRole('link', { name: 'Statistik' }).click();
	const gaps = page.locator('section', { has: page.getByRole('heading', { name: 'Suchen ohne Ergebnis' }) });
	await gaps.waitFor();
	assert.ok(await gaps.getByText(/wombat/i).isVisible(),
		`5.1 the search is not listed: ${await gaps.innerText()}`);
	await screenshot(page, 'stats');
	assert.deepEqual(unexpected(), [], '5.2 problems on the staff pages');
});
