// staff-editor.test.mjs: the staff editor keeps work safe and its history
// is readable, in a real browser (chromium, 1280 x 800).
//   1.x  Ctrl+S saves (the bar stays in view while typing at the end)
//   2.x  leaving with unsaved changes asks first (beforeunload); after
//        saving it does not
//   3.x  a closed tab's text is offered back when the editor opens again,
//        and taking it fills the form
//   4.x  a new article: the address is made from a German title (ä→ae,
//        ß→ss, spaces→-), a wrong one gets a German message, saving
//        creates /a/<address>
//   5.x  the history of an edit 20 lines in: a hunk header, line numbers,
//        "… N unveränderte Zeilen" before it, the changed word marked, no
//        restore button on the current revision
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { startKbd, launchBrowser, copyArticles, screenshot, waitUntil,
	ROOT, staffLogin } from './lib.mjs';

const KBD = resolve(ROOT, process.env.KBD || 'build/kbd');
const PASSWORD = 'erstes-passwort-2026';
let kbd, browser, context, page;

before(async () => {
	kbd = await startKbd(['--articles', copyArticles()]);
	const r = spawnSync(KBD, ['user', 'add', 'erika', '--db',
		join(kbd.tmp, 'kb.sqlite')], { input: PASSWORD + '\n' });
	assert.equal(r.status, 0, `kbd user add: ${r.stderr}`);
	browser = await launchBrowser();
	context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
	page = await context.newPage();
	await staffLogin(page, kbd.base, 'erika', PASSWORD);
});

after(async () => {
	await browser?.close();
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
});

test('1 Ctrl+S saves', async () => {
	await page.goto(`${kbd.base}/admin/edit/imap`);
	const body = page.locator('#body');
	await body.click();
	await body.press('Control+End');
	await body.pressSequentially('\n\nStrg-S-Test.\n');
	await page.getByText('Ungespeicherte Änderungen').waitFor();
	const bar = await page.locator('.editbar').boundingBox();
	assert.ok(bar && bar.y >= 0 && bar.y < 800,
		`1.1 the bar with Speichern is not in view while typing at the end: ${JSON.stringify(bar)}`);
	await page.keyboard.press('Control+s');
	await page.getByText(/Gespeichert \(Revision 2\)/).waitFor();
	assert.match(await body.inputValue(), /Strg-S-Test\./, '1.2 the text was not saved');
});

test('2 leaving with changes warns', async () => {
	const p = await context.newPage();
	await p.goto(`${kbd.base}/admin/edit/imap`);
	await p.locator('#body').click();
	await p.locator('#body').press('Control+End');
	await p.locator('#body').pressSequentially(' Nur angefangen.');
	const dialog = new Promise(r => p.once('dialog', d => { r(d.type()); d.accept(); }));
	await p.close({ runBeforeUnload: true });
	assert.equal(await Promise.race([dialog, new Promise(r => setTimeout(r, 5000, 'none'))]),
		'beforeunload', '2.1 no warning before leaving unsaved changes');
	// 2.2: unchanged, nothing is asked.
	const q = await context.newPage();
	await q.goto(`${kbd.base}/admin/edit/faq-hilfe`).catch(() => {});
	await q.goto(`${kbd.base}/admin/edit/imap`);
	await q.locator('#body').click();
	let asked = false;
	q.on('dialog', d => { asked = true; d.accept(); });
	await q.goto(`${kbd.base}/admin`);
	assert.equal(asked, false, '2.2 a warning without changes');
	await q.close();
});

test('3 a closed tab is offered back', async () => {
	// 2.1 left text in the storage; that is what is offered now.
	const p = await context.newPage();
	await p.goto(`${kbd.base}/admin/edit/imap`);
	const take = p.getByRole('button', { name: 'Ungespeicherten Text übernehmen' });
	await take.waitFor({ timeout: 5000 });
	await take.click();
	assert.match(await p.locator('#body').inputValue(), /Nur angefangen\.$/,
		'3.1 the text of the closed tab is not back');
	await p.getByText('Ungespeicherte Änderungen').waitFor();
	// Saving it clears the copy: not offered again.
	await p.getByRole('button', { name: 'Speichern', exact: true }).click();
	await p.getByText(/Gespeichert \(Revision 3\)/).waitFor();
	await p.reload();
	await p.locator('#body').waitFor();
	assert.equal(await take.count(), 0, '3.2 offered again after saving');
	// The fresh tab of a crash: typed, never closed properly.
	await p.locator('#body').click();
	await p.locator('#body').press('Control+End');
	await p.locator('#body').pressSequentially(' Absturz.');
	await waitUntil(() => p.evaluate(() => /Absturz/.test(
		localStorage.getItem('kbd-editor:imap') || '')), 5000);
	await p.close();
	const q = await context.newPage();
	await q.goto(`${kbd.base}/admin/edit/imap`);
	await q.getByRole('button', { name: 'Ungespeicherten Text übernehmen' }).click();
	assert.match(await q.locator('#body').inputValue(), /Absturz\.$/, '3.3 not offered back');
	await q.getByRole('button', { name: 'Verwerfen' }).count();
	await q.evaluate(() => localStorage.clear());
	await q.close();
});

test('4 the address from a German title', async () => {
	await page.goto(`${kbd.base}/admin/new`);
	await page.getByLabel('Titel (die Frage)').fill('');
	await page.getByLabel('Titel (die Frage)').pressSequentially('Wie ändere ich die Größe meines Postfachs?');
	const slug = page.locator('#slug');
	assert.equal(await slug.inputValue(), 'wie-aendere-ich-die-groesse-meines-postfachs',
		'4.1 the address is not made from the title');
	await slug.fill('Größe!');
	const msg = await slug.evaluate(el => el.validationMessage);
	assert.match(msg, /nicht erlaubt.*Kleinbuchstaben/, `4.2 no German message: ${msg}`);
	await slug.fill('postfach-groesse');
	await page.getByLabel('Titel (die Frage)').pressSequentially(' Jetzt');
	assert.equal(await slug.inputValue(), 'postfach-groesse', '4.3 an edited address is overwritten');
	await page.getByRole('button', { name: 'Speichern', exact: true }).click();
	await page.getByText(/Gespeichert \(Revision 1\)/).waitFor();
	assert.match(page.url(), /\/admin\/edit\/postfach-groesse/, '4.4 not saved under the address');
	// 4.5 without JavaScript's address: the server makes it.
	const r = await page.evaluate(async () => {
		const csrf = document.querySelector('meta[name="csrf"]').content;
		const f = new URLSearchParams({ csrf, rev: '0', title: 'Übertrag für Straße',
			slug: '', body: 'Text', draft: '1' });
		const res = await fetch('/admin/new', { method: 'POST', body: f });
		return res.url;
	});
	assert.match(r, /\/admin\/edit\/uebertrag-fuer-strasse/, `4.5 the server did not make the address: ${r}`);
});

test('5 the history of a middle-line edit', async () => {
	await page.goto(`${kbd.base}/admin/edit/imap`);
	const body = page.locator('#body');
	const text = await body.inputValue();
	assert.ok(text.includes('- **Port:** `993`'), '5.0 the line to change is not there');
	await body.fill(text.replace('- **Port:** `993`', '- **Port:** `995`'));
	await page.getByRole('button', { name: 'Speichern', exact: true }).click();
	await page.getByText(/Gespeichert \(Revision/).waitFor();
	await page.getByRole('link', { name: 'Versionen und Änderungen' }).click();
	const diff = page.locator('table.diff');
	await diff.waitFor();
	await screenshot(page, 'staff-history');
	const hunk = diff.locator('tr.hunk').first();
	assert.match(await hunk.innerText(), /^@@ -\d+,\d+ \+\d+,\d+ @@/, '5.1 no hunk header');
	const ins = diff.locator('tr.ins').first();
	const no = Number(await ins.locator('td.ln').nth(1).innerText());
	const lines = (await page.evaluate(() => 0)) + text.split('\n').length;
	assert.ok(no > 15 && no < lines + 10, `5.2 the added line's number is ${no}`);
	assert.match(await diff.locator('tr.gap').first().innerText(), /… \d+ unveränderte Zeilen/,
		'5.3 no "unveränderte Zeilen" before the hunk');
	assert.doesNotMatch(await diff.innerText(), /^.*title:/m, '5.4 the front matter is shown as context');
	assert.equal(await ins.locator('ins').innerText(), '`995`', '5.5 the changed word is not marked');
	const rows = page.locator('table.list tbody tr');
	assert.equal(await rows.first().getByRole('button', { name: 'Diese Fassung wiederherstellen' }).count(), 0,
		'5.6 restore offered on the current revision');
	assert.equal(await rows.nth(1).getByRole('button', { name: 'Diese Fassung wiederherstellen' }).count(), 1,
		'5.7 no restore on an older revision');
});
