// helpcenter.test.mjs: the help centre as a customer uses it, in chromium
// on a desktop and on a phone (390 x 844).
//   1.x  browsing: home page tile → category page → article, and back by
//        the breadcrumb; the category page lists its articles by hits
//   2.x  "War dieser Artikel hilfreich?" with JavaScript: "Ja" thanks in
//        place; the same reader voting again ("Nein") is not counted
//        again; /api/articles shows the votes
//   3.x  ... without JavaScript: "Nein" comes back to the article (303)
//        with the comment field; the comment is kept; counted once
//   4.x  the contact link: under the article, on a search without
//        results and on the 404 page, with --contact-url only
//   5.x  a table on a 390 px screen scrolls sideways in its box, the page
//        does not; the screenshot has its size before it loads
//   6.x  search as you type, one key at a time: "imap einrichten" shows
//        the IMAP and the Outlook article at every step, "passwort
//        vergese" the password article first; words marked; the last row
//        shows all results; the count is announced
//   7.x  the first Esc closes the suggestions and keeps the text; the
//        phone's placeholder is read whole
// Screenshots: tests/artifacts/browser/helpcenter-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKbd, launchBrowser, screenshot, copyArticles, SETUP_ARTICLE,
	UA } from './lib.mjs';
const PHONE = { width: 390, height: 844 };
const IMAP = 'Wie verwalte ich Mails über IMAP?';
const OUTLOOK = 'Wie richte ich mein E-Mail-Konto in Outlook ein?';
const PASSWORD = 'Ich habe mein Passwort vergessen. Was nun?';
let kbd, plain, browser;

before(async () => {
	const articles = copyArticles(SETUP_ARTICLE);
	kbd = await startKbd(['--articles', articles, '--contact-url',
		'https://www.example.com/kontakt']);
	plain = await startKbd(['--articles', articles]);
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	assert.equal(await kbd?.stop(), 0, 'kbd did not stop cleanly');
	assert.equal(await plain?.stop(), 0, 'kbd (plain) did not stop cleanly');
});

async function visitor(options = {}) {
	const context = await browser.newContext({ userAgent: UA, ...options });
	const page = await context.newPage();
	const problems = [];
	page.on('console', m => {
		if (m.type() === 'error' && !m.text().startsWith('Failed to load resource'))
			problems.push(`console: ${m.text()}`);
	});
	page.on('pageerror', e => problems.push(`exception: ${e.message}`));
	page.on('response', r => {
		if (r.status() >= 400 && new URL(r.url()).pathname !== '/favicon.ico' &&
		    !r.url().includes('/gibt-es-nicht'))
			problems.push(`${r.status()}: ${r.url()}`);
	});
	return { context, page, problems };
}

const votes = async slug =>
	(await (await fetch(`${kbd.base}/api/articles/${slug}`)).json()).votes;

test('1 browse: home, category, article', async () => {
	const { context, page, problems } = await visitor();
	await page.goto(kbd.base + '/');
	const tiles = page.locator('section.categories li.tile');
	assert.ok(await tiles.count() >= 5, '1.1 fewer than five category tiles');
	const mail = tiles.filter({ has: page.getByRole('link', { name: 'E-Mail', exact: true }) });
	assert.match(await mail.locator('.count').innerText(), /^\d+ Artikel$/, '1.2 no number of articles');
	assert.equal(await mail.locator('ul li').count(), 3, '1.3 a tile shows three questions');
	await screenshot(page, 'helpcenter-home');
	await mail.getByRole('link', { name: 'E-Mail', exact: true }).click();
	await page.waitForURL(/\/k\/e-mail$/);
	assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), 'E-Mail', '1.4 category heading');
	const hits = await page.locator('ol.questions .hits').allInnerTexts();
	const n = hits.map(h => Number(h.replace(/\D/g, '')));
	assert.ok(n.length >= 6, '1.5 the category lists its articles');
	assert.deepEqual(n, [...n].sort((a, b) => b - a), '1.6 not by hits');
	await page.getByRole('link', { name: `Frage: ${IMAP}` }).click();
	await page.waitForURL(/\/a\/imap$/);
	assert.match(await page.locator('h1').innerText(), /^Frage: Wie verwalte ich Mails über IMAP\?$/,
		'1.7 the count is no part of the heading');
	assert.match(await page.locator('.question .hits').innerText(), /^\(\d+ Hits\)$/, '1.8 no count beside it');
	assert.match(await page.locator('.updated').innerText(), /^Aktualisiert am \d{1,2}\. \S+ \d{4}$/,
		'1.9 no "Aktualisiert am"');
	await page.locator('nav.crumbs').getByRole('link', { name: 'E-Mail' }).click();
	await page.waitForURL(/\/k\/e-mail$/);
	assert.deepEqual(problems, [], '1.10 problems');
	await context.close();
});

test('2 vote with JavaScript', async () => {
	const { context, page, problems } = await visitor();
	assert.equal(await votes('smtp'), 0, '2.0 votes before');
	await page.goto(kbd.base + '/a/smtp');
	const box = page.locator('#hilfreich');
	assert.equal(await box.getByRole('heading').innerText(), 'War dieser Artikel hilfreich?', '2.1 no question');
	assert.equal(await box.getByLabel(/Was hat gefehlt/).isVisible(), false, '2.1 the comment field before "Nein"');
	await box.getByRole('button', { name: 'Ja' }).click();
	await box.getByRole('status').filter({ hasText: 'Danke' }).waitFor();
	assert.equal(page.url(), kbd.base + '/a/smtp', '2.2 the page was left');
	assert.equal(await votes('smtp'), 1, '2.3 the vote is not counted');
	// The same reader again, after a reload: "Nein" this time.
	await page.reload();
	await box.getByRole('button', { name: 'Nein' }).click();
	await box.getByLabel(/Was hat gefehlt/).waitFor();
	assert.equal(await votes('smtp'), 1, '2.4 a second vote of one reader counted');
	await box.getByLabel(/Was hat gefehlt/).fill('Ein Beispiel für Thunderbird fehlt.');
	await box.getByRole('button', { name: 'Absenden' }).click();
	await box.getByRole('status').filter({ hasText: 'Danke für Ihren Hinweis' }).waitFor();
	assert.deepEqual(problems, [], '2.5 problems');
	await context.close();
});

test('3 vote without JavaScript', async () => {
	const { context, page, problems } = await visitor({ javaScriptEnabled: false,
		userAgent: UA.replace('130.0', '131.0') });
	const before = await votes('pop3');
	await page.goto(kbd.base + '/a/pop3');
	assert.equal(await page.getByLabel(/Was hat gefehlt/).isVisible(), false, '3.0 the comment field before "Nein"');
	await page.locator('#hilfreich').getByRole('button', { name: 'Nein' }).click();
	await page.waitForURL(/\/a\/pop3\?hilfreich=nein#hilfreich$/);
	assert.match(await page.locator('#hilfreich .status').innerText(), /Danke/, '3.1 no thanks');
	assert.equal(await votes('pop3'), before + 1, '3.2 not counted');
	const field = page.getByLabel(/Was hat gefehlt/);
	assert.ok(await field.isVisible(), '3.3 no comment field after "Nein"');
	await field.fill('Bitte mit Screenshots.');
	await page.getByRole('button', { name: 'Absenden' }).click();
	await page.waitForURL(/hilfreich=danke/);
	assert.match(await page.locator('#hilfreich .status').innerText(), /Danke für Ihren Hinweis/,
		'3.4 no thanks for the comment');
	assert.equal(await votes('pop3'), before + 1, '3.5 the comment counted as a vote');
	// Again, the same reader: the vote stays one.
	await page.goto(kbd.base + '/a/pop3');
	await page.locator('#hilfreich').getByRole('button', { name: 'Ja' }).click();
	await page.waitForURL(/hilfreich=ja/);
	assert.equal(await votes('pop3'), before + 1, '3.6 a second vote of one reader counted');
	assert.deepEqual(problems, [], '3.7 problems');
	await context.close();
});

test('4 the contact link only with --contact-url', async () => {
	const { context, page } = await visitor();
	for (const [n, path] of [['4.1', '/a/imap'], ['4.2', '/search?q=wombat+quallenzucht'],
	    ['4.3', '/a/gibt-es-nicht']]) {
		await page.goto(kbd.base + path);
		const link = page.getByRole('link', { name: 'Kontakt aufnehmen' });
		assert.equal(await link.getAttribute('href'), 'https://www.example.com/kontakt',
			`${n} ${path}: no contact link`);
		assert.match(await page.locator('p.contact').innerText(), /^Frage nicht beantwortet\?/,
			`${n} ${path}: the sentence`);
		await page.goto(plain.base + path);
		assert.equal(await page.locator('p.contact').count(), 0, `${n} ${path}: a contact link without the option`);
	}
	await context.close();
});

test('5 a table and a picture on a phone', async () => {
	const { context, page, problems } = await visitor({ viewport: PHONE, isMobile: true, hasTouch: true });
	await page.goto(kbd.base + '/a/serverdaten');
	const box = page.locator('.table-scroll');
	assert.equal(await box.locator('table th').count(), 5, '5.1 the table has no header');
	const m = await box.evaluate(el => ({ scroll: el.scrollWidth, client: el.clientWidth }));
	assert.ok(m.scroll > m.client, `5.2 the table fits (${m.scroll} <= ${m.client}): nothing to test`);
	const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
	assert.ok(pageWidth <= PHONE.width, `5.3 the page scrolls sideways: ${pageWidth} px`);
	await box.evaluate(el => { el.scrollLeft = 120; });
	assert.ok(await box.evaluate(el => el.scrollLeft) > 0, '5.4 the box does not scroll');
	await box.focus();
	await page.keyboard.press('ArrowRight');
	const img = page.locator('.answer img');
	assert.equal(await img.getAttribute('width'), '800', '5.5 no width');
	assert.equal(await img.getAttribute('height'), '450', '5.6 no height');
	assert.equal(await img.getAttribute('loading'), 'lazy', '5.7 not lazy');
	await img.scrollIntoViewIfNeeded();
	await page.waitForFunction(() => document.querySelector('.answer img').complete &&
		document.querySelector('.answer img').naturalWidth === 800);
	const shown = await img.evaluate(el => el.getBoundingClientRect().width);
	assert.ok(shown <= PHONE.width, `5.8 the picture is wider than the phone: ${shown}`);
	await screenshot(page, 'helpcenter-phone-table');
	assert.deepEqual(problems, [], '5.9 problems');
	await context.close();
});

// Types text into the search box one key at a time, as a person does,
// and calls check(typed, titles) once the suggestions for what is typed
// so far are shown.
async function typeSlowly(page, text, from, check) {
	const box = page.locator('#q');
	await box.fill('');
	for (let i = 0; i < text.length; i++) {
		const typed = text.slice(0, i + 1);
		const answer = typed.trim().length >= 2 ? page.waitForResponse(r =>
			r.url().includes('/api/suggest') &&
			new URL(r.url()).searchParams.get('q') === typed) : null;
		await page.keyboard.type(text[i], { delay: 60 });
		if (!answer)
			continue;
		await answer;
		await page.waitForFunction(t => document.getElementById('q').value === t &&
			!document.getElementById('q-suggest').hidden &&
			document.querySelector('#q-suggest li.all')?.textContent.includes(t.trim()), typed);
		if (typed.length >= from)
			await check(typed, await page.locator('#q-suggest li[role=option]:not(.all)').allInnerTexts());
	}
}

test('6 search as you type', async () => {
	for (const view of [{ name: 'desktop', viewport: { width: 1280, height: 800 } },
	    { name: 'phone', viewport: PHONE, isMobile: true, hasTouch: true }]) {
		const { context, page, problems } = await visitor(view);
		await page.goto(kbd.base + '/');
		await page.locator('#q').click();
		await typeSlowly(page, 'imap einrichten', 3, (typed, titles) => {
			assert.ok(titles.includes(IMAP), `6.1 ${view.name} "${typed}": no IMAP article in ${JSON.stringify(titles)}`);
			assert.ok(titles.includes(OUTLOOK), `6.2 ${view.name} "${typed}": no Outlook article in ${JSON.stringify(titles)}`);
		});
		assert.ok(await page.locator('#q-suggest li mark').count() > 0, `6.3 ${view.name}: no word marked`);
		assert.equal(await page.locator('#q-suggest li.all').innerText(), 'Alle Ergebnisse für „imap einrichten“',
			`6.4 ${view.name}: no last row for all results`);
		assert.match(await page.locator('form.has-suggest [role=status]').innerText(), /^\d+ Vorschläge?$/,
			`6.5 ${view.name}: the count is not announced`);
		await page.locator('#q').fill('');
		await typeSlowly(page, 'passwort vergese', 3, (typed, titles) => {
			assert.equal(titles[0], PASSWORD, `6.6 ${view.name} "${typed}": first is ${titles[0]}`);
		});
		await screenshot(page, `helpcenter-suggest-${view.name}`);
		// Enter on the first suggestion opens it.
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await page.waitForURL(/\/a\/passwort-vergessen$/);
		assert.deepEqual(problems, [], `6.7 ${view.name}: problems`);
		await context.close();
	}
});

test('7 Esc keeps the text; the placeholder fits a phone', async () => {
	const { context, page } = await visitor({ viewport: PHONE, isMobile: true, hasTouch: true });
	await page.goto(kbd.base + '/a/imap');
	const box = page.locator('#q');
	const width = await box.evaluate(el => {
		const s = getComputedStyle(el);
		const c = document.createElement('canvas').getContext('2d');
		c.font = `${s.fontSize} ${s.fontFamily}`;
		return { text: c.measureText(el.placeholder).width, room: el.clientWidth -
			parseFloat(s.paddingLeft) - parseFloat(s.paddingRight) };
	});
	assert.ok(width.text <= width.room, `7.1 the placeholder is cut: ${width.text} > ${width.room}`);
	await box.click();
	await page.keyboard.type('imap', { delay: 60 });
	await page.locator('#q-suggest').waitFor();
	await page.keyboard.press('Escape');
	assert.equal(await page.locator('#q-suggest').isHidden(), true, '7.2 Esc does not close the list');
	assert.equal(await box.inputValue(), 'imap', '7.3 Esc emptied the search box');
	await context.close();
});
