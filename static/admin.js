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
// follow the options as they change, and the preview iframe is as tall
// as its list.
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
				if (!submitting && dirty()) {
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
			clearTimeout(storeTimer);
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
		window.addEventListener("pagehide", store);
		window.addEventListener("beforeunload", function (e) {
			if (!submitting && dirty()) {
				e.preventDefault();
				e.returnValue = "";
				return "";
			}
		});
		offerBack();
	}

	// The embed builder: the server makes the snippets and previews for
	// the options (the form works without this); here they follow each
	// change at once, and the preview iframe takes the height its page
	// reports (only from this origin, as the snippet's listener does).
	function embedBuilder() {
		var f = document.getElementById("embed-builder");
		var sent = 0;

		function fragment() {
			var el = document.getElementById("preview-fragment");
			if (!el || !window.fetch) {
				return;
			}
			fetch(el.getAttribute("data-src")).then(function (r) {
				return r.ok ? r.text() : Promise.reject(r.status);
			}).then(function (html) {
				// kbd's own fragment: every title escaped.
				el.innerHTML = html;
			}).catch(function () { /* the link stays */ });
		}

		function update() {
			if (!window.fetch || !window.DOMParser) {
				return;
			}
			var q = new URLSearchParams(new FormData(f)).toString();
			var mine = ++sent;
			fetch("/admin/embed?" + q, { credentials: "same-origin" })
				.then(function (r) {
					return r.ok ? r.text() : Promise.reject(r.status);
				}).then(function (html) {
					if (mine !== sent) {
						return;
					}
					var doc = new DOMParser().parseFromString(html, "text/html");
					var now = doc.getElementById("embed-output");
					var out = document.getElementById("embed-output");
					if (now && out) {
						out.replaceWith(document.importNode(now, true));
						history.replaceState(null, "", "/admin/embed?" + q);
						fragment();
					}
				}).catch(function () { /* the button still works */ });
		}

		f.addEventListener("input", update);
		f.addEventListener("change", update);
		window.addEventListener("message", function (e) {
			var frame = document.getElementById("preview-iframe");
			if (e.origin === location.origin && frame &&
			    e.source === frame.contentWindow && e.data &&
			    e.data.kbdHeight) {
				frame.style.height = e.data.kbdHeight + "px";
			}
		});
		fragment();
	}
})();
