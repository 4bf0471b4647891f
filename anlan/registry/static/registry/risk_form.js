// Live preview of D = L×E×C or R = L×S and its colour on the risk-point form. Only a preview:
// the server grades the assessment again on save, with the cut-offs in force.
(function () {
  var form = document.getElementById("risk-point-form");
  if (!form) return;
  var lec = (form.dataset.lecCutoffs || "320,160,70").split(",").map(Number);
  var ls = (form.dataset.lsCutoffs || "17,11,5").split(",").map(Number);
  var grades = ["red", "orange", "yellow"];
  function val(name) {
    var el = form.querySelector('[name="' + name + '"]');
    return el && el.value !== "" ? Number(el.value) : NaN;
  }
  function method() {
    var checked = form.querySelector('input[name="method"]:checked');
    return checked ? checked.value : "";
  }
  function update() {
    var m = method(), score = NaN, grade = "blue";
    form.querySelectorAll("[data-method]").forEach(function (row) {
      row.hidden = m !== "" && row.dataset.method !== m;
    });
    if (m === "lec") {
      score = val("lec_l") * val("lec_e") * val("lec_c");
      for (var i = 0; i < 3; i++) if (score > lec[i]) { grade = grades[i]; break; }
    } else if (m === "ls") {
      score = val("ls_l") * val("ls_s");
      for (var j = 0; j < 3; j++) if (score >= ls[j]) { grade = grades[j]; break; }
    }
    var out = document.getElementById("risk-score"), badge = document.getElementById("risk-grade");
    if (isNaN(score)) { out.textContent = "—"; badge.textContent = ""; badge.className = "badge risk-badge risk-none"; return; }
    out.textContent = (m === "lec" ? "D = " : "R = ") + Math.round(score * 100) / 100;
    badge.textContent = form.dataset["label" + grade.charAt(0).toUpperCase() + grade.slice(1)] || grade;
    badge.className = "badge risk-badge risk-" + grade;
  }
  form.addEventListener("change", update);
  update();
})();
