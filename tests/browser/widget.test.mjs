// widget.test.mjs: the embeddable widget in a real browser (chromium), on
// a host page of another origin whose CSS is hostile (* { color: red
// !important; font-size: 40px } and more) and whose CSP allows only what
// kbd-http(7) says a host needs.  An article whose title is an XSS attempt is
// the most read one.
//   1.x  the script tier: the list shows exactly what /api/top says
//        (titles, order, links), as an <ol> of focusable links
//   2.x  no style leaks: inside the shadow root nothing is red or 40px;
//        the host's own elements compute the same styles as on the same
//        page without the widget; CSS custom properties theme it
//   3.x  the XSS title is text: no dialog, no element made from it, and
//        no CSP refusal or error on any page
//   4.x  a click on a link opens the article (/a/<slug> loads)
//   5.x  the custom element: limit, period, hits, lang
//   6.x  the iframe tier: the same list; a click opens the article in the
//        top window
//   7.x  the search box: typing "imap" shows suggestions from
//        /api/suggest; the keyboard or the mouse opens the article
//   8.x  kbd's /embed page: previews render, copy buttons appear, no CSP
//        refusal
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startKbd, startHost, launchBrowser, watchedPage, screenshot,
	copyArticles } from './lib.mjs';

const XSS = '</script><script>alert(1)</script> "><img src=x onerror=alert(1)>';
let kbd, host, browser;

// Hostile CSS: everything the widget draws would change if it leaked in;
// ol/a/h2 rules check that the widget's own CSS does not leak out.
const HOSTILE = `* { color: red !important; font-size: 40px }
ol, ul { list-style: square; padding-left: 77px; margin: 3px }
a { text-decoration: none; font-family: monospace }
h2 { letter-spacing: 5px; font-weight: 400 }
input, button { border: 3px dashed green; padding: 9px }`;

function page(kb, body, extraCsp = '') {
	// Only what kbd-http(7), EMBEDDING, lists for the host page's CSP.
	const csp = `default-src 'self'; script-src 'self' ${kb}; ` +
	    `connect-src ${kb}; style-src 'self'; frame-src ${kb}${extraCsp}`;
	return `<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<title>Host</title><link rel="stylesheet" href="/hostile.css"></head>
<body><h2 id="host-h">Willkommen beim Host</h2>
<ol id="host-ol"><li><a id="host-a" href="/other">Ein Link des Hosts</a></li></ol>
<form><input id="host-input"><button id="host-button">Los</button></form>
${body}
<p id="end">Ende</p></body></html>`;
}

before(async () => {
	// The host's port must be known for --cors-origin: start it first and
	// give it its pages once kbd's address is known.
	const routes = {};
	host = await startHost(routes);
	const articles = copyArticles({
		'xss-widget.md': `---\ntitle: '${XSS}'\nhits: 999999999\n---\n` +
		    'Ein Artikel, dessen Titel ein Angriff ist.\n',
	});
	kbd = await startKbd(['--articles', articles, '--cors-origin', host.origin]);
	const kb = kbd.base;
	const script = attrs => `<script src="${kb}/static/widget.js" ${attrs} async></script>`;
	Object.assign(routes, {
		'/hostile.css': { type: 'text/css', body: HOSTILE },
		'/theme.css': { type: 'text/css', body: HOSTILE +
		    '\nkbd-top-faq { --kbd-link: rgb(0, 128, 0); --kbd-bg: rgb(250, 250, 210) }' },
		'/plain.html': { body: page(kb, '<div id="slot"></div>') },
		'/script.html': { body: page(kb, '<div id="slot">' + script('data-kbd-top="10"') + '</div>') },
		'/element.html': { body: page(kb, '<kbd-top-faq limit="3" period="7d" hits lang="en"></kbd-top-faq>' + script('')) },
		'/theme.html': { body: page(kb, script('data-kbd-top="4"')).replace('/hostile.css', '/theme.css') },
		'/iframe.html': { body: page(kb, `<iframe id="frame" src="${kb}/embed/top?limit=10" title="FAQ" width="600" height="600"></iframe>`) },
		'/search.html': { body: page(kb, '<div id="box"></div>' + script('data-kbd-search data-kbd-target="#box"')) },
	});
	browser = await launchBrowser();
});

after(async () => {
	await browser?.close();
	await host?.stop();
	const rc = await kbd?.stop();
	assert.equal(rc, 0, 'kbd did not stop cleanly');
});

async function apiTop(query) {
	const r = await fetch(`${kbd.base}/api/top?${query}`);
	assert.equal(r.status, 200);
	return (await r.json()).articles;
}

// What the top-list widget in the first kbd-top-faq shows, once loaded.
async function widgetList(p, selector = 'kbd-top-faq') {
	await p.waitForFunction(s => {
		const h = document.querySelector(s);
		return h && h.shadowRoot && h.shadowRoot.querySelector('ol li');
	}, selector, { timeout: 15000 });
	return p.evaluate(s => {
		const r = document.querySelector(s).shadowRoot;
		return {
			heading: r.querySelector('h2')?.textContent,
			items: [...r.querySelectorAll('ol > li')].map(li => ({
				title: li.querySelector('a').textContent,
				href: li.querySelector('a').href,
				text: li.textContent,
			})),
			lists: r.querySelectorAll('ol').length,
			foreign: r.querySelectorAll('img, script, iframe, object').length,
		};
	}, selector);
}

// Computed styles of the host's own elements.
function hostStyles(p) {
	return p.evaluate(() => {
		const pick = (id, props) => {
			const s = getComputedStyle(document.getElementById(id));
			return Object.fromEntries(props.map(k => [k, s[k]]));
		};
		return {
			h: pick('host-h', ['color', 'fontSize', 'letterSpacing', 'fontWeight', 'margin']),
			ol: pick('host-ol', ['listStyleType', 'paddingLeft', 'margin', 'color']),
			a: pick('host-a', ['color', 'textDecorationLine', 'fontFamily', 'fontSize', 'outlineStyle']),
			input: pick('host-input', ['borderTopStyle', 'paddingTop', 'fontSize', 'backgroundColor']),
			button: pick('host-button', ['borderTopStyle', 'paddingTop', 'color', 'backgroundColor']),
			body: pick('end', ['color', 'fontSize', 'fontFamily']),
		};
	});
}

test('1.x script tier lists /api/top; 2.x no style leaks; 3.x XSS; 4.x click', async () => {
	const want = await apiTop('limit=10');
	assert.equal(want.length, 10);
	assert.equal(want[0].title, XSS, 'the XSS article is not the most read');

	const { page: p, problems } = await watchedPage(browser);
	await p.goto(`${host.origin}/script.html`);
	const got = await widgetList(p);
	await screenshot(p, 'widget-script');
	// 1.x
	assert.equal(got.lists, 1, '1.1 one <ol>');
	assert.deepEqual(got.items.map(i => i.title), want.map(a => a.title), '1.2 titles and order');
	assert.deepEqual(got.items.map(i => i.href), want.map(a => kbd.base + a.url), '1.3 links');
	assert.equal(got.heading, 'Häufige Fragen', '1.4 heading');
	assert.ok(!got.items[1].text.includes('Aufrufe'), '1.5 hits shown without data-kbd-hits');
	const placed = await p.evaluate(() => document.getElementById('slot').querySelector('kbd-top-faq') !== null);
	assert.ok(placed, '1.6 the widget is not placed after its script');
	// Tab from the host's last control reaches the widget's first link.
	await p.focus('#host-button');
	await p.keyboard.press('Tab');
	const focused = await p.evaluate(() => {
		const a = document.activeElement;
		return a.tagName + ':' + (a.shadowRoot?.activeElement?.textContent ?? '');
	});
	assert.equal(focused, `KBD-TOP-FAQ:${want[0].title}`, '1.7 links are not focusable in order');

	// 2.x inside: nothing red, nothing 40px
	const inside = await p.evaluate(() => {
		const r = document.querySelector('kbd-top-faq').shadowRoot;
		return [...r.querySelectorAll('*')].filter(e => e.tagName !== 'STYLE').map(e => {
			const s = getComputedStyle(e);
			return { tag: e.tagName, color: s.color, size: s.fontSize, family: s.fontFamily };
		});
	});
	assert.ok(inside.length > 10, '2.1 nothing inside the shadow root');
	for (const e of inside) {
		assert.notEqual(e.color, 'rgb(255, 0, 0)', `2.2 ${e.tag} is red`);
		assert.notEqual(e.size, '40px', `2.3 ${e.tag} is 40px`);
	}
	const link = inside.find(e => e.tag === 'A');
	assert.equal(link.color, 'rgb(11, 92, 173)', '2.4 link color');
	assert.equal(link.size, '16px', '2.5 link size');
	// follows the host's font (hostile a { font-family: monospace } is
	// not inherited: the body's family is)
	const hostFont = await p.evaluate(() => getComputedStyle(document.body).fontFamily);
	assert.equal(link.family, hostFont, '2.6 the widget does not take the page font');
	// outside: the host's elements as on the page without the widget
	const withWidget = await hostStyles(p);
	const { page: plain } = await watchedPage(browser);
	await plain.goto(`${host.origin}/plain.html`);
	assert.deepEqual(withWidget, await hostStyles(plain), '2.7 the widget changed host styles');
	assert.equal(withWidget.a.color, 'rgb(255, 0, 0)', '2.8 hostile CSS not applied on the host');
	await plain.close();

	// 3.x the XSS title is text
	assert.equal(got.foreign, 0, '3.1 an element was made from the title');
	assert.equal(await p.evaluate(() => document.querySelectorAll('img').length), 0, '3.2 an <img> got into the page');
	assert.deepEqual(problems, [], '3.3 errors, dialogs or CSP refusals');

	// 4.x a click opens the article
	const target = want[1];
	await p.evaluate(t => [...document.querySelector('kbd-top-faq').shadowRoot
	    .querySelectorAll('a')].find(a => a.textContent === t).scrollIntoView(), target.title);
	await Promise.all([
		p.waitForURL(kbd.base + target.url),
		p.locator('kbd-top-faq').getByRole('link', { name: target.title, exact: true }).click(),
	]);
	assert.match(await p.textContent('h1'), new RegExp(target.title.replace(/[?()]/g, '.')), '4.1 article page');
	await p.close();
});

test('2.9 CSS custom properties theme the widget', async () => {
	const { page: p, problems } = await watchedPage(browser);
	await p.goto(`${host.origin}/theme.html`);
	const got = await widgetList(p);
	assert.equal(got.items.length, 4, '2.9 data-kbd-top="4"');
	const s = await p.evaluate(() => {
		const r = document.querySelector('kbd-top-faq').shadowRoot;
		return [getComputedStyle(r.querySelector('a')).color,
		    getComputedStyle(r.querySelector('.k')).backgroundColor];
	});
	assert.deepEqual(s, ['rgb(0, 128, 0)', 'rgb(250, 250, 210)'], '2.10 theme not applied');
	assert.deepEqual(problems, [], '2.11 errors');
	await screenshot(p, 'widget-theme');
	await p.close();
});

test('5.x the custom element: limit, period, hits, lang', async () => {
	const { page: p, problems } = await watchedPage(browser);
	await p.goto(`${host.origin}/element.html`);
	const got = await widgetList(p);
	// The clicks above changed this week's list: compare with what the
	// browser got for the widget's own request (from its cache, then).
	const want = (await p.evaluate(u => fetch(u).then(r => r.json()),
	    `${kbd.base}/api/top?limit=3&period=7d`)).articles;
	assert.equal(want.length, 3, '5.0 /api/top?limit=3&period=7d');
	await screenshot(p, 'widget-element');
	assert.equal(got.heading, 'Frequently asked questions', '5.1 lang="en"');
	assert.deepEqual(got.items.map(i => i.title), want.map(a => a.title), '5.2 period list');
	for (const [n, i] of got.items.entries())
		assert.ok(i.text.endsWith(`(${want[n].hits.toLocaleString('en')} views)`), `5.3 hits: ${i.text}`);
	assert.deepEqual(problems, [], '5.4 errors');
	await p.close();
});

test('6.x the iframe tier', async () => {
	const want = await apiTop('limit=10');
	const { page: p, problems } = await watchedPage(browser);
	await p.goto(`${host.origin}/iframe.html`);
	const frame = p.frameLocator('#frame');
	await frame.locator('ol li').first().waitFor({ timeout: 15000 });
	const titles = await frame.locator('ol li a').allTextContents();
	const hrefs = await frame.locator('ol li a').evaluateAll(as => as.map(a => a.href));
	await screenshot(p, 'widget-iframe');
	assert.deepEqual(titles, want.map(a => a.title), '6.1 titles and order');
	assert.deepEqual(hrefs, want.map(a => kbd.base + a.url), '6.2 links');
	assert.deepEqual(problems, [], '6.3 errors, dialogs or CSP refusals');
	await Promise.all([
		p.waitForURL(kbd.base + want[2].url),
		frame.getByRole('link', { name: want[2].title, exact: true }).click(),
	]);
	assert.equal(p.url(), kbd.base + want[2].url, '6.4 the top window opens the article');
	await p.close();
});

test('7.x the search box', async () => {
	const { page: p, problems } = await watchedPage(browser);
	await p.goto(`${host.origin}/search.html`);
	const box = p.locator('kbd-faq-search');
	const input = box.getByRole('combobox');
	await input.waitFor({ timeout: 15000 });
	assert.equal(await box.getByRole('button').textContent(), 'Suchen', '7.1 button');
	await input.pressSequentially('imap', { delay: 30 });
	const options = box.getByRole('option');
	await options.first().waitFor({ timeout: 10000 });
	const shown = await options.allTextContents();
	const api = await (await fetch(`${kbd.base}/api/suggest?limit=6&q=imap`)).json();
	assert.deepEqual(shown, api.suggestions.map(s => s.title), '7.2 suggestions are /api/suggest\'s');
	assert.ok(shown.some(t => /IMAP/.test(t)), '7.3 no IMAP article suggested');
	assert.equal(await input.getAttribute('aria-expanded'), 'true', '7.4 aria-expanded');
	await screenshot(p, 'widget-search');
	// keyboard: the first suggestion, Enter
	await input.press('ArrowDown');
	assert.equal(await input.getAttribute('aria-activedescendant'), 'o0', '7.5 ArrowDown');
	await Promise.all([p.waitForURL(`${kbd.base}${api.suggestions[0].url}`), input.press('Enter')]);
	// mouse: back, type again, click the IMAP one
	await p.goto(`${host.origin}/search.html`);
	await input.pressSequentially('imap', { delay: 30 });
	const imap = api.suggestions.find(s => /IMAP/.test(s.title));
	await box.getByRole('option', { name: imap.title }).waitFor({ timeout: 10000 });
	await Promise.all([p.waitForURL(kbd.base + imap.url),
	    box.getByRole('option', { name: imap.title }).click()]);
	assert.match(await p.textContent('h1'), /IMAP/, '7.6 the article opens');
	assert.deepEqual(problems, [], '7.7 errors, dialogs or CSP refusals');
	await p.close();
});

test('8.x kbd\'s /embed page', async () => {
	const { page: p, problems } = await watchedPage(browser);
	await p.goto(`${kbd.base}/embed`);
	const got = await widgetList(p);
	assert.equal(got.items.length, 5, '8.1 the preview list');
	await p.locator('kbd-faq-search').getByRole('combobox').waitFor({ timeout: 10000 });
	await p.frameLocator('.preview-frame').locator('ol li').first().waitFor({ timeout: 10000 });
	const buttons = await p.locator('button.copy:visible').count();
	assert.ok(buttons >= 6, `8.2 ${buttons} copy buttons visible`);
	await p.locator('button.copy').first().click();
	await p.waitForFunction(() => document.querySelector('button.copy').textContent === 'Kopiert' ||
	    window.getSelection().toString().includes('widget.js'));
	await screenshot(p, 'embed-page');
	assert.deepEqual(problems, [], '8.3 errors or CSP refusals');
	await p.close();
});
