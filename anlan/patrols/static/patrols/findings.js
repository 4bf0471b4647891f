// Adds finding rows to the patrol form: clones the formset's empty form and bumps TOTAL_FORMS.
(function () {
  var button = document.getElementById("add-finding");
  var template = document.getElementById("finding-template");
  var rows = document.getElementById("finding-rows");
  var total = document.getElementById("id_findings-TOTAL_FORMS");
  if (!button || !template || !rows || !total) return;
  button.addEventListener("click", function () {
    var index = parseInt(total.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    rows.insertAdjacentHTML("beforeend", html);
    var added = rows.lastElementChild;
    var no = added.querySelector(".finding-no");
    if (no) no.textContent = String(index + 1);
    total.value = String(index + 1);
    var first = added.querySelector("textarea, input, select");
    if (first) first.focus();
  });
})();
