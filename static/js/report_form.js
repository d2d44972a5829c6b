// The report form: characters used in each section, so an over-long section is
// seen before saving. Keeping the typed text is site.js's, as for
// every form. No inline script (CSP).
(function () {
  "use strict";

  const form = document.querySelector("[data-report-form]");
  if (!form) {
    return;
  }
  form.querySelectorAll("textarea[data-max-length]").forEach((area) => {
    const counter = form.querySelector('[data-counter-for="' + area.id + '"]');
    const limit = Number(area.dataset.maxLength);
    const format = new Intl.NumberFormat(document.documentElement.lang || "vi");
    function update() {
      if (!counter) {
        return;
      }
      counter.textContent = format.format(area.value.length) + " / " + format.format(limit);
      counter.classList.toggle("text-danger", area.value.length > limit);
    }
    area.addEventListener("input", update);
    update();
  });
})();
