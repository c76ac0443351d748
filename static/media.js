// Pictures in the staff editor. Progressive enhancement: the form
// "Bild einfügen" works without this file (it uploads and the editor then
// shows the Markdown to paste). With it, the picture is uploaded in place
// (POST /api/admin/media, with the session's CSRF token) and
// ![description](media/<name>) is inserted at the cursor of the text,
// which updates the live preview; a picture dropped on the text is
// uploaded the same way.
(function () {
	"use strict";
	var form = document.getElementById("media-form");
	var body = document.getElementById("body");
	var meta = document.querySelector('meta[name="csrf"]');
	if (!form || !body || !meta || !window.fetch) {
		return;
	}
	var file = document.getElementById("media-file");
	var alt = document.getElementById("media-alt");
	var status = document.getElementById("media-status");

	// Markdown's brackets would end the description early.
	function clean(s) {
		return s.replace(/[\[\]\n\r]/g, " ").trim();
	}

	function insert(text) {
		var at = body.selectionStart || 0;
		var end = body.selectionEnd || at;
		var before = body.value.slice(0, at);
		var sep = before && !/\n$/.test(before) ? "\n\n" : "";
		body.value = before + sep + text + "\n" + body.value.slice(end);
		body.selectionStart = body.selectionEnd = at + sep.length +
		    text.length + 1;
		body.dispatchEvent(new Event("input", { bubbles: true }));
		body.focus();
	}

	function upload(f, description) {
		status.textContent = "Wird hochgeladen …";
		return fetch("/api/admin/media?name=" + encodeURIComponent(f.name), {
			method: "POST",
			credentials: "same-origin",
			headers: {
				"X-CSRF-Token": meta.content,
				"Content-Type": "application/octet-stream"
			},
			body: f
		}).then(function (r) {
			return r.json().then(function (j) {
				if (!r.ok) {
					throw new Error(j.error || ("HTTP " + r.status));
				}
				return j;
			});
		}).then(function (j) {
			insert("![" + clean(description) + "](media/" + j.name + ")");
			status.textContent = description ? "Eingefügt: media/" + j.name :
			    "Eingefügt: media/" + j.name + ". Bitte ergänzen Sie die " +
			    "Beschreibung in den eckigen Klammern.";
		}, function (e) {
			status.textContent = "Nicht hochgeladen: " + e.message;
		});
	}

	form.addEventListener("submit", function (e) {
		e.preventDefault();
		if (!file.files.length) {
			status.textContent = "Bitte wählen Sie eine Bilddatei.";
			return;
		}
		upload(file.files[0], alt.value).then(function () {
			form.reset();
		});
	});
	body.addEventListener("dragover", function (e) {
		if (e.dataTransfer && Array.prototype.indexOf.call(
		    e.dataTransfer.types, "Files") >= 0) {
			e.preventDefault();
		}
	});
	body.addEventListener("drop", function (e) {
		var files = e.dataTransfer ? e.dataTransfer.files : [];
		if (!files.length) {
			return;
		}
		e.preventDefault();
		Array.prototype.forEach.call(files, function (f) {
			upload(f, alt.value);
		});
	});
}());
