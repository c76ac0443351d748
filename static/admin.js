// The staff pages' behaviour. Progressive enhancement: every page works
// without this file (the editor then saves with its button, the preview
// shows the saved text, a new article's address is made from its title
// by the server). With it, in the editor:
//   - the preview follows the text as it is typed, rendered by the server
//     with the same renderer as the public pages (POST /api/admin/preview,
//     with the session's CSRF token), a short moment after typing stops,
//     and scrolls to where the cursor is;
//   - Ctrl+S (Cmd+S) saves; the bar says whether there are unsaved
//     changes, and leaving the page with some asks first;
//   - a new article's address is made from the title while one types
//     (ä→ae, ß→ss, spaces→-) until one edits it, with a German message
//     when it holds a character that is not allowed;
//   - the text is kept in the browser's storage while one types, and
//     offered back when the editor is opened again without it having
//     been saved (a crash, a closed tab).
// And on the embed builder (/admin/embed): the snippets and the previews
// follow the options.
(function () {
	"use strict";
	var meta = document.querySelector('meta[name="csrf"]');
	var form = document.getElementById("editor");
	var body = document.getElementById("body");
	var preview = document.getElementById("preview");

	if (form && body) {
		editor();
	}
	if (document.getElementById("embed-builder")) {
		embedBuilder();
	}

	// ä→ae, ö→oe, ü→ue, ß→ss, lower case, every other run of characters
	// but a-z and 0-9 one "-"; as slug_from_title in staff_page.c.
	function slugFromTitle(t) {
		var map = { "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss" };
		return t.toLowerCase().replace(/[äöüßẞ]/g, function (c) {
			return map[c];
		}).replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
			.slice(0, 126).replace(/-+$/, "");
	}

	function editor() {
		var state = document.getElementById("edit-state");
		var title = document.getElementById("title");
		var slug = document.getElementById("slug");
		var key = "kbd-editor:" + (form.getAttribute("data-key") || "(neu)");
		var fields = ["title", "slug", "category", "tags", "body"];
		var saved = snapshot();
		var submitting = false;
		var timer = null, storeTimer = null, sent = 0;

		function snapshot() {
			var o = {};
			fields.forEach(function (n) {
				var el = form.elements[n];
				if (el) {
					o[n] = el.value;
				}
			});
			return o;
		}

		function dirty() {
			var now = snapshot();
			return fields.some(function (n) {
				return now[n] !== saved[n];
			});
		}

		function showState() {
			if (state) {
				state.textContent = dirty() ?
					"Ungespeicherte Änderungen" :
					"Alle Änderungen gespeichert";
			}
		}

		// The copy in the browser's storage, while there are changes
		// (removed on saving or "Verwerfen" only: another tab of the
		// same article without changes leaves it alone).
		function store() {
			try {
				if (dirty()) {
					var o = snapshot();
					o.rev = form.getAttribute("data-rev");
					o.time = Date.now();
					localStorage.setItem(key, JSON.stringify(o));
				}
			} catch (e) { /* storage full or off: nothing kept */ }
		}

		function offerBack() {
			var o;
			try {
				o = JSON.parse(localStorage.getItem(key) || "null");
			} catch (e) {
				o = null;
			}
			if (!o || !fields.some(function (n) {
				return typeof o[n] === "string" && o[n] !== saved[n];
			})) {
				return;
			}
			var box = document.createElement("div");
			box.className = "notice restore";
			box.setAttribute("role", "alert");
			var when = new Date(o.time || Date.now());
			var p = document.createElement("p");
			p.textContent = "Hier gibt es ungespeicherten Text vom " +
				when.toLocaleString("de-DE") + " (aus diesem Browser). " +
				"Übernehmen Sie ihn ins Formular, um ihn zu prüfen und zu speichern.";
			var yes = document.createElement("button");
			yes.type = "button";
			yes.textContent = "Ungespeicherten Text übernehmen";
			var no = document.createElement("button");
			no.type = "button";
			no.textContent = "Verwerfen";
			box.appendChild(p);
			box.appendChild(yes);
			box.appendChild(document.createTextNode(" "));
			box.appendChild(no);
			form.parentNode.insertBefore(box, form);
			yes.addEventListener("click", function () {
				fields.forEach(function (n) {
					var el = form.elements[n];
					if (el && typeof o[n] === "string") {
						el.value = o[n];
					}
				});
				if (slug && o.slug) {
					slug.setAttribute("data-edited", "1");
				}
				box.remove();
				changed();
				render();
				body.focus();
			});
			no.addEventListener("click", function () {
				try {
					localStorage.removeItem(key);
				} catch (e) { /* nothing to remove */ }
				box.remove();
			});
		}

		function changed() {
			showState();
			clearTimeout(storeTimer);
			storeTimer = setTimeout(store, 300);
		}

		function render() {
			if (!preview || !meta || !window.fetch) {
				return;
			}
			var mine = ++sent;
			fetch("/api/admin/preview", {
				method: "POST",
				credentials: "same-origin",
				headers: {
					"Content-Type": "application/json",
					"X-CSRF-Token": meta.content
				},
				body: JSON.stringify({ markdown: body.value })
			}).then(function (r) {
				if (!r.ok) {
					throw new Error("preview " + r.status);
				}
				return r.json();
			}).then(function (j) {
				// Only the answer to the latest text is shown. The
				// HTML is the server's safe rendering (no raw HTML).
				if (mine === sent) {
					preview.innerHTML = j.html;
					preview.classList.remove("stale");
					follow();
				}
			}).catch(function () {
				preview.classList.add("stale");
			});
		}

		// The preview shows the part of the text the cursor is in:
		// scrolled in proportion to the cursor's line.
		function follow() {
			if (!preview) {
				return;
			}
			var text = body.value;
			var at = body.selectionStart || 0;
			var lines = text.split("\n").length;
			var line = text.slice(0, at).split("\n").length;
			var f = lines > 1 ? (line - 1) / (lines - 1) : 0;
			var room = preview.scrollHeight - preview.clientHeight;
			if (room > 0) {
				preview.scrollTop = Math.round(f * room);
			}
		}

		function checkSlug() {
			if (!slug) {
				return;
			}
			var bad = slug.value.match(/[^a-z0-9_-]/);
			if (bad) {
				slug.setCustomValidity("„" + bad[0] + "“ ist in der Adresse " +
					"nicht erlaubt: nur Kleinbuchstaben a–z, Ziffern, - und _.");
			} else if (/^[-_]/.test(slug.value)) {
				slug.setCustomValidity("Die Adresse beginnt mit einem " +
					"Buchstaben oder einer Ziffer.");
			} else {
				slug.setCustomValidity("");
			}
		}

		body.addEventListener("input", function () {
			changed();
			clearTimeout(timer);
			timer = setTimeout(render, 250);
		});
		["click", "keyup"].forEach(function (ev) {
			body.addEventListener(ev, follow);
		});
		fields.forEach(function (n) {
			var el = form.elements[n];
			if (el && el !== body) {
				el.addEventListener("input", changed);
			}
		});
		if (slug && title) {
			if (slug.value) {
				slug.setAttribute("data-edited", "1");
			}
			title.addEventListener("input", function () {
				if (!slug.getAttribute("data-edited")) {
					slug.value = slugFromTitle(title.value);
					checkSlug();
				}
			});
			slug.addEventListener("input", function () {
				slug.setAttribute("data-edited", slug.value ? "1" : "");
				checkSlug();
			});
		}
		document.addEventListener("keydown", function (e) {
			if ((e.ctrlKey || e.metaKey) && !e.altKey &&
			    (e.key === "s" || e.key === "S")) {
				e.preventDefault();
				if (form.requestSubmit) {
					form.requestSubmit(document.getElementById("save"));
				} else {
					document.getElementById("save").click();
				}
			}
		});
		form.addEventListener("submit", function () {
			submitting = true;
			if (state) {
				state.textContent = "Wird gespeichert …";
			}
			// The server has the text now; a failed save shows it
			// in the form again.
			try {
				localStorage.removeItem(key);
			} catch (e) { /* nothing to remove */ }
		});
		// A tab closed before the copy was due: kept now.
		window.addEventListener("pagehide", function () {
			if (!submitting) {
				store();
			}
		});
		window.addEventListener("beforeunload", function (e) {
			if (!submitting && dirty()) {
				e.preventDefault();
				e.returnValue = "";
				return "";
			}
		});
		offerBack();
	}

	// The embed builder: the options make the snippets and the previews.
	function embedBuilder() {
		var f = document.getElementById("embed-builder");
		var base = f.getAttribute("data-base");

		function query() {
			var q = "limit=" + encodeURIComponent(f.elements.limit.value) +
				"&period=" + encodeURIComponent(f.elements.period.value);
			if (f.elements.category && f.elements.category.value) {
				q += "&category=" + encodeURIComponent(f.elements.category.value);
			}
			if (f.elements.search.checked) {
				q += "&search=1";
			}
			if (f.elements.theme.value === "dark") {
				q += "&theme=dark";
			}
			return q;
		}

		function update() {
			var q = query();
			var attrs = ' limit="' + f.elements.limit.value + '" period="' +
				f.elements.period.value + '"';
			if (f.elements.category && f.elements.category.value) {
				attrs += ' category="' + f.elements.category.value
					.replace(/[&"<>]/g, function (c) {
						return "&#" + c.charCodeAt(0) + ";";
					}) + '"';
			}
			if (f.elements.search.checked) {
				attrs += " search";
			}
			if (f.elements.theme.value === "dark") {
				attrs += ' theme="dark"';
			}
			document.getElementById("snippet-script").textContent =
				'<script src="' + base + '/static/widget.js" defer></script>\n' +
				"<kbd-top" + attrs + "></kbd-top>";
			document.getElementById("snippet-iframe").textContent =
				'<iframe src="' + base + "/embed/top?" + q.replace(/&/g, "&amp;") +
				'" title="Häufige Fragen" style="width:100%;border:0" ' +
				'height="460" data-kbd-frame></iframe>\n' +
				"<script>addEventListener(\"message\",function(e){if(e.origin===\"" +
				base + "\"&&e.data&&e.data.kbdHeight)for(var f of document." +
				"querySelectorAll(\"iframe[data-kbd-frame]\"))if(f.contentWindow===" +
				"e.source)f.style.height=e.data.kbdHeight+\"px\"})</script>";
			document.getElementById("snippet-fragment").textContent =
				base + "/embed/top.html?" + q;
			var frame = document.getElementById("preview-iframe");
			if (frame) {
				frame.src = "/embed/top?" + q;
			}
			var frag = document.getElementById("preview-fragment");
			if (frag && window.fetch) {
				fetch("/embed/top.html?" + q).then(function (r) {
					return r.ok ? r.text() : "";
				}).then(function (html) {
					// kbd's own escaped fragment.
					frag.innerHTML = html;
				});
			}
			var el = document.getElementById("preview-script");
			if (el) {
				var w = document.createElement("kbd-top");
				w.setAttribute("limit", f.elements.limit.value);
				w.setAttribute("period", f.elements.period.value);
				if (f.elements.search.checked) {
					w.setAttribute("search", "");
				}
				el.replaceChildren(w);
			}
		}
		f.addEventListener("input", update);
		f.addEventListener("change", update);
		f.addEventListener("submit", function (e) {
			e.preventDefault();
			update();
		});
		window.addEventListener("message", function (e) {
			var frame = document.getElementById("preview-iframe");
			if (e.origin === location.origin && frame &&
			    e.source === frame.contentWindow && e.data &&
			    e.data.kbdHeight) {
				frame.style.height = e.data.kbdHeight + "px";
			}
		});
		update();
	}
})();
