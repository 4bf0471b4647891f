// Small behaviours wired by data attributes, so templates carry no inline script (CSP-friendly).
//   <select data-autosubmit>          submits its form on change (language menu)
//   <form data-confirm="question?">   asks before submitting
//   <form> … <span data-spinner>      shows the spinner while a long submit runs
(function () {
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.submit();
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    form.querySelectorAll("[data-spinner]").forEach(function (el) { el.classList.remove("d-none"); });
    form.querySelectorAll("button[type=submit]").forEach(function (el) { el.disabled = true; });
  });
})();
