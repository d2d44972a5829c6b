// The report form keeps what the user types in this browser until it is saved,
// so a session timeout, a lost connection or a closed tab loses nothing, and it
// warns before leaving the page with unsaved changes. No inline script (CSP).
(function () {
  "use strict";

  const form = document.querySelector("[data-report-form]");
  if (!form) {
    return;
  }
  const key = form.dataset.storageKey;
  const version = form.dataset.version;
  const bound = form.dataset.bound === "1";
  const notice = form.querySelector("[data-restore-notice]");
  const noticeText = form.querySelector("[data-restore-text]");
  const applyButton = form.querySelector("[data-restore-apply]");
  const discardButton = form.querySelector("[data-restore-discard]");
  const status = form.querySelector("[data-autosave-status]");
  let submitting = false;
  let timer = null;

  function fields() {
    return Array.from(form.querySelectorAll("textarea[name], input[type=text][name]"));
  }

  function snapshot() {
    const values = {};
    fields().forEach((field) => {
      values[field.name] = field.value;
    });
    return values;
  }

  const initial = JSON.stringify(snapshot());

  function isDirty() {
    return bound || JSON.stringify(snapshot()) !== initial;
  }

  function read() {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function write() {
    try {
      window.localStorage.setItem(
        key,
        JSON.stringify({ version: version, savedAt: new Date().toISOString(), values: snapshot() })
      );
      if (status) {
        const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
        status.textContent = (status.dataset.label || "✓") + " " + time;
      }
    } catch (error) {
      // Storage full or disabled: the server copy is still saved by the button.
    }
  }

  function forget() {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      // Nothing to forget.
    }
  }

  // A figure as the server reads it on this page, so "1234" typed and "1.234" shown
  // after the save are the same figure (the server accepts only texts with one reading).
  const vietnamese = (document.documentElement.lang || "vi").toLowerCase().startsWith("vi");
  const figureNames = new Set(
    Array.from(form.querySelectorAll("input[data-figure][name]")).map((field) => field.name)
  );

  function figureKey(text) {
    let plain = String(text).replace(/[\s\u00a0\u202f]+/g, "");
    plain = vietnamese ? plain.replace(/\./g, "").replace(",", ".") : plain.replace(/,/g, "");
    const match = /^\+?(\d*)(?:\.(\d*))?$/.exec(plain);
    if (!match || !/\d/.test(plain)) {
      return "text:" + String(text).trim();
    }
    const whole = match[1].replace(/^0+(?=\d)/, "") || "0";
    const fraction = (match[2] || "").replace(/0+$/, "");
    return fraction ? whole + "." + fraction : whole;
  }

  function same(name, a, b) {
    return figureNames.has(name) ? figureKey(a) === figureKey(b) : a === b;
  }

  function differs(values) {
    const current = snapshot();
    return Object.keys(values).some((name) => name in current && !same(name, current[name], values[name]));
  }

  function apply(values) {
    fields().forEach((field) => {
      if (Object.prototype.hasOwnProperty.call(values, field.name)) {
        field.value = values[field.name];
        field.dispatchEvent(new Event("input"));
      }
    });
  }

  function showNotice(message, offerApply) {
    noticeText.textContent = message;
    applyButton.classList.toggle("d-none", !offerApply);
    notice.classList.remove("d-none");
  }

  // What this browser kept from an earlier visit.
  const stored = read();
  if (stored && stored.values) {
    if (!differs(stored.values)) {
      if (!bound) {
        forget(); // the server has exactly this text: it was saved
      }
    } else if (bound) {
      // The page shows what was just posted (an error or a conflict): keep the copy.
    } else if (String(stored.version) === String(version)) {
      // Nobody saved since: the text was typed on this version and never reached the server
      // (session timeout, lost connection). Put it back and say so.
      apply(stored.values);
      showNotice(notice.dataset.textRestored, false);
    } else {
      // The report was saved since; offer the old text rather than overwrite the new one.
      showNotice(notice.dataset.textOffer, true);
    }
  }

  if (applyButton) {
    applyButton.addEventListener("click", () => {
      if (stored && stored.values) {
        apply(stored.values);
        write();
      }
      applyButton.classList.add("d-none");
      showNotice(notice.dataset.textRestored, false);
    });
  }
  if (discardButton) {
    discardButton.addEventListener("click", () => {
      forget();
      window.location.reload();
    });
  }

  form.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(write, 400);
  });
  form.addEventListener("submit", () => {
    write(); // if the session has expired, this copy is what survives the sign-in
    submitting = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (!submitting && isDirty()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Characters used in each section, so an over-long section is seen before saving.
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
