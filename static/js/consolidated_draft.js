// The consolidated report's drafting page (templates/quarters/draft.html): the
// "quote" buttons put an excerpt of a unit's text into its section and record
// whose it is (the hidden "quotes" field, JSON); the "insert" buttons put a
// sentence from the figures where the cursor was; the units' texts are filtered
// and paged without leaving the page (?partial=1), so nothing typed is lost.
// Without JavaScript the filter reloads the page and the browser keeps the text
// (static/js/site.js).
(function () {
  "use strict";

  const form = document.querySelector("form[data-draft-form]");
  const filter = document.querySelector("form[data-sources-filter]");
  const panel = document.querySelector("[data-sources]");
  if (!filter || !panel) {
    return;
  }
  const quotesField = form ? form.querySelector("input[name=quotes]") : null;
  let quotes = [];
  try {
    quotes = JSON.parse((quotesField && quotesField.value) || "[]");
  } catch (error) {
    quotes = [];
  }
  let active = null; // the section text area the cursor was last in

  function area(section) {
    return form ? form.querySelector('textarea[name="' + section + '"]') : null;
  }

  function insert(textarea, text) {
    if (!textarea) {
      return;
    }
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(end);
    const gap = before && !before.endsWith("\n") ? "\n" : "";
    textarea.value = before + gap + text + after;
    const caret = (before + gap + text).length;
    textarea.focus();
    textarea.setSelectionRange(caret, caret);
    textarea.dispatchEvent(new Event("input", { bubbles: true }));
    active = textarea;
  }

  function showQuoted(section) {
    const line = form.querySelector('[data-draft-section="' + section + '"] [data-quoted-from]');
    if (!line) {
      return;
    }
    const names = [];
    quotes.forEach((quote) => {
      if (quote.section === section && quote.unit && !names.includes(quote.unit)) {
        names.push(quote.unit);
      }
    });
    line.textContent = names.length ? line.dataset.label + " " + names.join(", ") : "";
  }

  function load(url) {
    const address = new URL(url, window.location.href);
    address.searchParams.set("partial", "1");
    fetch(address, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : Promise.reject(response.status)))
      .then((html) => {
        panel.innerHTML = html;
      })
      .catch(() => {
        address.searchParams.delete("partial");
        window.location.assign(address);
      });
  }

  function filterUrl() {
    const query = new URLSearchParams(new FormData(filter)).toString();
    return filter.getAttribute("action") + "?" + query;
  }

  filter.addEventListener("submit", (event) => {
    event.preventDefault();
    load(filterUrl());
  });
  filter.querySelectorAll("select").forEach((select) => {
    select.addEventListener("change", () => load(filterUrl()));
  });

  panel.addEventListener("click", (event) => {
    const page = event.target.closest("a.page-link");
    if (page) {
      event.preventDefault();
      load(page.href);
      return;
    }
    const button = event.target.closest("[data-quote]");
    if (!button || !form) {
      return;
    }
    const card = button.closest("[data-source]");
    const text = card.querySelector("[data-source-text]");
    const selection = window.getSelection();
    let excerpt = "";
    if (
      selection &&
      !selection.isCollapsed &&
      text.contains(selection.anchorNode) &&
      text.contains(selection.focusNode)
    ) {
      excerpt = selection.toString().trim();
    }
    excerpt = excerpt || text.textContent.trim();
    const section = card.dataset.section;
    insert(area(section), excerpt);
    quotes.push({
      section: section,
      source: Number(card.dataset.report),
      excerpt: excerpt,
      unit: card.dataset.unit,
    });
    quotesField.value = JSON.stringify(quotes);
    showQuoted(section);
  });

  document.querySelectorAll("[data-insert]").forEach((button) => {
    button.addEventListener("click", () => {
      insert(active || area(filter.elements.section.value), button.dataset.insert);
    });
  });

  // The panel follows the section being written, and its button shows that section.
  if (form) {
    form.querySelectorAll("textarea").forEach((textarea) => {
      textarea.addEventListener("focus", () => {
        active = textarea;
      });
    });
  }
  document.querySelectorAll("[data-show-sources]").forEach((button) => {
    button.addEventListener("click", () => {
      filter.elements.section.value = button.dataset.showSources;
      active = area(button.dataset.showSources);
      load(filterUrl());
      filter.scrollIntoView({ block: "nearest" });
    });
  });
})();
