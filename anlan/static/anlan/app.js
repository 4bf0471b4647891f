// Small behaviours wired by data attributes, so templates carry no inline script (CSP-friendly).
//   <div data-hidden-by="box-id">     hidden while the check box box-id is ticked
//   <select data-autosubmit>          submits its form on change (language menu)
//   <form data-confirm="question?">   asks before submitting (also on a submit button)
//   <button data-print>               prints the page
//   <form> … <span data-spinner>      shows the spinner while a long submit runs
(function () {
  var sync = function () {
    document.querySelectorAll("[data-hidden-by]").forEach(function (el) {
      var box = document.getElementById(el.dataset.hiddenBy);
      if (box) el.classList.toggle("d-none", box.checked);
    });
  };
  document.addEventListener("change", sync);
  document.addEventListener("DOMContentLoaded", sync);
  sync();
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = (event.submitter && event.submitter.dataset.confirm) || form.dataset.confirm;
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    form.querySelectorAll("[data-spinner]").forEach(function (el) { el.classList.remove("d-none"); });
    // Disable after the browser has read the form, or the pressed button's name/value is lost.
    setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (el) { el.disabled = true; });
    }, 0);
  });
})();

// Drafts for field forms on a weak signal: <form data-draft="key"> keeps what was typed in the
// phone's local storage until a page carrying data-draft-clear="key" confirms the report arrived.
// Files cannot be kept: the notice says so, plainly.
(function () {
  var prefix = "anlan-draft:";
  document.querySelectorAll("[data-draft-clear]").forEach(function (el) {
    try { localStorage.removeItem(prefix + el.dataset.draftClear); } catch (e) { /* storage off */ }
  });
  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var key = prefix + form.dataset.draft;
    var fields = function () {
      return Array.prototype.filter.call(form.elements, function (el) {
        return el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit";
      });
    };
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    var restored = false;
    if (saved) {
      fields().forEach(function (el) {
        if (!(el.name in saved) || el.value || !saved[el.name]) return;
        if (el.type === "checkbox") el.checked = saved[el.name] === true; else el.value = saved[el.name];
        restored = true;
      });
    }
    var notice = document.getElementById(form.dataset.draftNotice || "");
    if (restored && notice) notice.classList.remove("d-none");
    var store = function () {
      var data = {};
      fields().forEach(function (el) { data[el.name] = el.type === "checkbox" ? el.checked : el.value; });
      try { localStorage.setItem(key, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
    };
    form.addEventListener("input", store);
    form.addEventListener("change", store);
    var discard = document.querySelector('[data-draft-discard][form="' + form.id + '"]');
    if (discard) discard.addEventListener("click", function () {
      try { localStorage.removeItem(key); } catch (e) { /* ignore */ }
      window.location.reload();
    });
  });
})();
