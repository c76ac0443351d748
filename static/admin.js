// The staff editor's live preview. Progressive enhancement: the editor
// works without this file (the preview then shows the saved text). With
// it, the preview follows the text as it is typed, rendered by the server
// with the same renderer as the public pages (POST /api/admin/preview,
// with the session's CSRF token), a short moment after typing stops.
(function () {
	"use strict";
	var body = document.getElementById("body");
	var preview = document.getElementById("preview");
	var meta = document.querySelector('meta[name="csrf"]');
	if (!body || !preview || !meta || !window.fetch) {
		return;
	}
	var timer = null;
	var sent = 0;

	function render() {
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
			// Only the answer to the latest text is shown. The HTML
			// is the server's safe rendering (no raw HTML passes).
			if (mine === sent) {
				preview.innerHTML = j.html;
				preview.classList.remove("stale");
			}
		}).catch(function () {
			preview.classList.add("stale");
		});
	}

	body.addEventListener("input", function () {
		clearTimeout(timer);
		timer = setTimeout(render, 250);
	});
})();
