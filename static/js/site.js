// Behaviour shared by every page. No inline scripts: pages opt in with data- attributes.

// A select marked data-autosubmit applies its form when a choice is picked with the
// mouse or a finger. From the keyboard, arrowing through the choices must not reload
// the page at each step: the form is applied with Enter, or on leaving the field.
document.querySelectorAll("[data-autosubmit]").forEach((field) => {
  let byKeyboard = false;
  let pending = false;
  const apply = () => {
    pending = false;
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  };
  field.addEventListener("pointerdown", () => {
    byKeyboard = false;
  });
  field.addEventListener("keydown", (event) => {
    byKeyboard = true;
    if (event.key === "Enter" && pending) {
      event.preventDefault();
      apply();
    }
  });
  field.addEventListener("change", () => {
    if (byKeyboard) {
      pending = true;
    } else {
      apply();
    }
  });
  field.addEventListener("blur", () => {
    if (pending) apply();
  });
});

// A form posted once: a second click while the page waits for the answer (a double
// click, an impatient one) is not sent again. The second of two "Return" posts found
// the report already returned and said "nothing was changed", which read as a
// failure. Checked after the form's own handlers (a refused field sends nothing); a
// page shown again from the browser's cache, or an answer that never comes, lets the
// form be sent again.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (event.defaultPrevented || (form.getAttribute("method") || "").toLowerCase() !== "post") {
    return;
  }
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  // Long enough for a double click and an impatient second one; short enough that a
  // navigation the user stopped ("Stay on this page") leaves the button working.
  window.setTimeout(() => delete form.dataset.sent, 3000);
});
window.addEventListener("pageshow", (event) => {
  if (event.persisted) {
    document.querySelectorAll("form[data-sent]").forEach((form) => delete form.dataset.sent);
  }
});

// The characters used in every text area with a limit (data-max-length, which
// common.fields writes instead of maxlength: a browser cuts a longer paste at
// maxlength without a word, where the server refuses it with a message and the text
// kept; the Django admin, which loads no site.js, just refuses). Counted as the
// server counts, in NFC code points: Vietnamese typed decomposed is 2 or 3 characters
// a letter until cleaned. The counter is the page's own [data-counter-for] element,
// or one added under the area.
document.querySelectorAll("textarea[data-max-length]").forEach((area) => {
  let counter = area.id && document.querySelector('[data-counter-for="' + area.id + '"]');
  if (!counter) {
    counter = document.createElement("div");
    counter.className = "form-text text-end";
    area.insertAdjacentElement("afterend", counter);
  }
  const limit = Number(area.dataset.maxLength);
  const format = new Intl.NumberFormat(document.documentElement.lang || "vi");
  const update = () => {
    const used = [...area.value.normalize("NFC")].length;
    counter.textContent = format.format(used) + " / " + format.format(limit);
    counter.classList.toggle("text-danger", used > limit);
  };
  area.addEventListener("input", update);
  update();
});

// After a refused form, take the keyboard to the first field to correct: a screen
// reader then reads its label and its error (tied to it by aria-describedby). Once
// every deferred script has run (DOMContentLoaded), so that a search picker
// (unit_picker.js) stands in for its select whatever the order of the scripts: its
// typing field takes the focus, its list closed so that the error stays in view.
function focusFirstInvalid() {
  const firstInvalid = document.querySelector("main [aria-invalid='true']");
  if (!firstInvalid || document.querySelector("[autofocus]")) {
    return;
  }
  const picker = firstInvalid.tomselect;
  if (!picker) {
    firstInvalid.focus();
    return;
  }
  picker.settings.openOnFocus = false;
  picker.focus();
  window.setTimeout(() => {
    picker.settings.openOnFocus = true;
  }, 0);
}

// ``callback`` once every deferred script of the page has run: at DOMContentLoaded,
// which comes after the last of them, or now if that has passed.
function afterDeferredScripts(callback) {
  if (document.readyState === "complete") {
    callback();
  } else {
    document.addEventListener("DOMContentLoaded", callback);
  }
}
afterDeferredScripts(focusFirstInvalid);

// Every form that carries typed text keeps it in this browser until the server
// confirms the save, so an expired session, a CSRF failure, a conflict or a lost
// connection loses nothing. A form opts in with data-keep="<key per form and
// object>" and holds the notice of templates/_keep_notice.html; when the form
// is shown again with text that never reached the server, the notice offers it
// back. No inline script (CSP); every text shown comes from the page (translated).
//
// Saved: the page after a successful save carries [data-keep-saved] (a success
// message, templates/base.html); the form submitted just before it in this tab
// is then forgotten. Any other answer (sign-in page, error, 403, 409) keeps it.
(function () {
  "use strict";

  const PREFIX = "danvan:";
  const SUBMITTED = PREFIX + "submitted";
  const SKIPPED = ["hidden", "file", "password", "submit", "button", "reset", "image"];

  function storage(name) {
    try {
      return window[name];
    } catch (error) {
      return null; // storage disabled: the form still works, nothing is kept
    }
  }
  const local = storage("localStorage");
  const session = storage("sessionStorage");

  function read(key) {
    try {
      return JSON.parse(local.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function forget(key) {
    try {
      local.removeItem(key);
    } catch (error) {
      // Nothing to forget.
    }
  }

  // The form posted from this tab just before this page: forgotten if this page
  // says it was saved. Read once: the next page is judged on its own submit.
  function settleLastSubmit() {
    let key = null;
    try {
      key = session.getItem(SUBMITTED);
      session.removeItem(SUBMITTED);
    } catch (error) {
      return;
    }
    if (key && document.querySelector("[data-keep-saved]")) {
      forget(key);
    }
  }

  function keptFields(form) {
    return Array.from(form.elements).filter(
      (field) =>
        field.name &&
        !field.disabled &&
        !SKIPPED.includes(field.type) &&
        !("keepSkip" in field.dataset) &&
        ["INPUT", "TEXTAREA", "SELECT"].includes(field.tagName),
    );
  }

  // name -> text (text fields), [values] (checkboxes), value (radios),
  // [[value, label]] (selects: a search picker lists only chosen options, so
  // the label is kept to put an option back).
  function snapshot(form) {
    const values = {};
    keptFields(form).forEach((field) => {
      if (field.type === "checkbox") {
        values[field.name] = values[field.name] || [];
        if (field.checked) {
          values[field.name].push(field.value);
        }
      } else if (field.type === "radio") {
        if (!(field.name in values)) {
          values[field.name] = "";
        }
        if (field.checked) {
          values[field.name] = field.value;
        }
      } else if (field.tagName === "SELECT") {
        values[field.name] = Array.from(field.selectedOptions)
          .filter((option) => option.value !== "")
          .map((option) => [option.value, option.textContent.trim()]);
      } else {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function chosenFiles(form) {
    return Array.from(form.querySelectorAll("input[type=file]")).flatMap((input) =>
      Array.from(input.files || []).map((file) => file.name),
    );
  }

  function sameValues(a, b) {
    return Object.keys(a).every(
      (name) => !(name in b) || JSON.stringify(a[name]) === JSON.stringify(b[name]),
    );
  }

  function applySelect(select, chosen) {
    const picker = select.tomselect;
    if (picker) {
      picker.clear(true);
      chosen.forEach(([value, label]) => {
        if (!picker.options[value]) {
          picker.addOption({ id: value, text: label });
        }
        picker.addItem(value, true);
      });
      select.dispatchEvent(new Event("change"));
      return;
    }
    const wanted = new Set(chosen.map(([value]) => value));
    Array.from(select.options).forEach((option) => {
      option.selected = wanted.has(option.value);
      wanted.delete(option.value);
    });
    chosen.forEach(([value, label]) => {
      if (wanted.has(value)) {
        select.add(new Option(label, value, true, true));
      }
    });
    if (!chosen.length && !select.multiple && select.options.length) {
      select.selectedIndex = 0;
    }
    select.dispatchEvent(new Event("change"));
  }

  function apply(form, values) {
    keptFields(form).forEach((field) => {
      if (!Object.prototype.hasOwnProperty.call(values, field.name)) {
        return;
      }
      const value = values[field.name];
      if (field.type === "checkbox") {
        field.checked = Array.isArray(value) && value.includes(field.value);
      } else if (field.type === "radio") {
        field.checked = field.value === value;
      } else if (field.tagName === "SELECT") {
        if (Array.isArray(value)) {
          applySelect(field, value);
        }
        return;
      } else {
        field.value = value;
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function when(iso) {
    const date = new Date(iso);
    if (Number.isNaN(date.getTime())) {
      return "";
    }
    return date.toLocaleString(document.documentElement.lang || "vi", {
      hour: "2-digit",
      minute: "2-digit",
      day: "2-digit",
      month: "2-digit",
      year: "numeric",
    });
  }

  function setUp(form) {
    const key = PREFIX + form.dataset.keep;
    const user = form.dataset.keepUser || "";
    const version = form.dataset.keepVersion;
    const bound = form.dataset.keepBound === "1";
    const notice = form.querySelector("[data-keep-notice]");
    const status = form.querySelector("[data-keep-status]");
    const initial = JSON.stringify(snapshot(form));
    let submitting = false;
    let discarded = false;
    let timer = null;

    function write() {
      if (discarded) {
        return;
      }
      try {
        local.setItem(
          key,
          JSON.stringify({
            version: version,
            user: user,
            savedAt: new Date().toISOString(),
            values: snapshot(form),
            files: chosenFiles(form),
          }),
        );
        if (status) {
          const time = new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
          status.textContent = (status.dataset.label || "✓") + " " + time;
        }
      } catch (error) {
        // Storage full or disabled: the server copy is still saved by the button.
      }
    }

    function show(message, stored, offer) {
      if (!notice) {
        return;
      }
      let text = message.replace("{time}", when(stored.savedAt));
      if (stored.files && stored.files.length) {
        text += " " + notice.dataset.textFiles.replace("{files}", stored.files.join(", "));
      }
      notice.querySelector("[data-keep-text]").textContent = text;
      notice.querySelector("[data-keep-apply]").classList.toggle("d-none", !offer);
      notice.classList.remove("d-none");
      const folded = form.closest("details");
      if (folded) {
        folded.open = true; // a form folded away (reopening a report) shows its offer
      }
    }

    const stored = read(key);
    const mine = stored && stored.values && (!stored.user || !user || stored.user === user);
    if (mine) {
      const hasFiles = stored.files && stored.files.length;
      if (sameValues(stored.values, snapshot(form)) && !hasFiles) {
        if (!bound) {
          forget(key); // the server has exactly this text: it was saved
        }
      } else if (bound) {
        // The page shows what was just posted (an error or a conflict): keep the copy.
      } else if (version !== undefined && String(stored.version) === String(version)) {
        // Nobody saved since this text was typed on this version: put it back and say so.
        apply(form, stored.values);
        show(notice.dataset.textRestored, stored, false);
      } else {
        show(notice.dataset.textOffer, stored, true);
      }
    }

    if (notice) {
      notice.querySelector("[data-keep-apply]").addEventListener("click", () => {
        apply(form, stored.values);
        write();
        show(notice.dataset.textRestored, stored, false);
        const first = keptFields(form).find((field) => field.type !== "checkbox");
        if (first) {
          first.focus();
        }
      });
      notice.querySelector("[data-keep-discard]").addEventListener("click", () => {
        discarded = true; // no copy written by a pending timer while the page reloads
        window.clearTimeout(timer);
        forget(key);
        window.location.reload(); // back to what the server has
      });
    }

    const later = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(write, 400);
    };
    form.addEventListener("input", later);
    form.addEventListener("change", later);
    form.addEventListener("submit", () => {
      window.clearTimeout(timer);
      write(); // if the session has expired, this copy is what survives the sign-in
      submitting = true;
    });
    if ("keepWarn" in form.dataset) {
      window.addEventListener("beforeunload", (event) => {
        if (!submitting && (bound || JSON.stringify(snapshot(form)) !== initial)) {
          event.preventDefault();
          event.returnValue = "";
        }
      });
    }
  }

  // Every form posted from this tab is noted, kept or not, so that a success
  // message is only ever taken for the form that was just sent.
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      try {
        if (form.dataset && form.dataset.keep) {
          session.setItem(SUBMITTED, PREFIX + form.dataset.keep);
        } else {
          session.removeItem(SUBMITTED);
        }
      } catch (error) {
        // No session storage: the copy is forgotten when the form is seen unchanged.
      }
    },
    true,
  );

  // Signing out on purpose forgets every kept text, so the next person at this
  // browser finds none (an expired session keeps it: that is what keeping is for).
  function forgetAllOnSignOut(form) {
    form.addEventListener("submit", () => {
      try {
        Object.keys(local)
          .filter((key) => key.startsWith(PREFIX))
          .forEach(forget);
      } catch (error) {
        // No storage: nothing was kept.
      }
    });
  }

  function start() {
    settleLastSubmit();
    document.querySelectorAll("form[data-keep]").forEach(setUp);
    document.querySelectorAll("form[data-sign-out]").forEach(forgetAllOnSignOut);
  }

  // After every deferred script (the search pickers, wherever the page puts them),
  // so that their options can be put back.
  afterDeferredScripts(start);
})();
