// Search pickers (units, meetings): a <select data-search-url> holds only the chosen
// options; Tom Select lets the user type part of a name or title (accents optional)
// and asks that URL, which answers {"results": [{id, text}]} and folds diacritics the
// same way for SQLite and PostgreSQL (reports.widgets.SearchSelect). The texts are the
// page's (data- attributes, translated), never written here. No inline script (CSP).
(function () {
  "use strict";

  if (typeof TomSelect === "undefined") {
    return;
  }

  function message(className, text) {
    const element = document.createElement("div");
    element.className = className;
    element.textContent = text;
    return element;
  }

  function hint(text) {
    const element = message("no-results", text);
    element.setAttribute("role", "option");
    element.setAttribute("aria-disabled", "true");
    return element;
  }

  // A "×" that the mouse uses; the keyboard has Backspace, so it stays out of the
  // tab order (a focusable div would not answer Enter).
  function button(className, label) {
    const element = message(className, "×");
    element.title = label;
    element.setAttribute("role", "button");
    element.setAttribute("aria-label", label);
    element.tabIndex = -1;
    return element;
  }

  // What is typed takes the chosen item's place (unit_picker.css), at once.
  function showTyping(picker) {
    picker.wrapper.classList.toggle("is-typing", picker.control_input.value !== "");
  }

  function setUp(select) {
    const texts = select.dataset;
    const url = new URL(texts.searchUrl, window.location.href);
    // The server's answer for each search, as {id: position}: the list shows exactly
    // what it found, in its order (it matches text the option does not show, such
    // as a unit's code or a meeting's chair).
    const found = new Map();
    const plugins = {};
    if (select.multiple) {
      plugins.remove_button = { html: () => button("remove", texts.remove) };
    } else if (!select.required) {
      plugins.clear_button = { html: () => button("clear-button", texts.clear) };
    }
    const picker = new TomSelect(select, {
      valueField: "id",
      labelField: "text",
      searchField: [],
      placeholder: texts.placeholder,
      plugins: plugins,
      maxOptions: null,
      loadThrottle: 250,
      score: function (query) {
        const positions = found.get(query);
        return function (item) {
          if (!positions || !positions.has(String(item.id))) {
            return 0;
          }
          return 1 / (1 + positions.get(String(item.id)));
        };
      },
      sortField: [{ field: "$score", direction: "desc" }],
      load: function (query, callback) {
        url.searchParams.set("q", query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            if (!response.ok) {
              throw new Error(String(response.status));
            }
            return response.json();
          })
          .then(function (data) {
            found.set(
              query,
              new Map(data.results.map((result, position) => [String(result.id), position])),
            );
            callback(data.results);
          })
          .catch(function () {
            callback();
          });
      },
      // A pick starts a new search, and an empty search lists only what is chosen
      // (not the answers to earlier searches).
      onItemAdd: function () {
        this.setTextboxValue("");
        showTyping(this);
        this.clearOptions();
        this.refreshOptions(false);
      },
      onType: function (query) {
        if (!query) {
          this.clearOptions();
          this.refreshOptions(false);
        }
      },
      onBlur: function () {
        showTyping(this);
      },
      // The list's messages are options that cannot be picked: a listbox holds options only.
      render: {
        no_results: () => hint(texts.noResults),
        not_loading: () => hint(texts.typeToSearch),
        loading: () => hint(texts.loading),
      },
    });
    picker.control_input.addEventListener("input", () => showTyping(picker));
    // The typing field stands for the select (its label now points there): it
    // carries the error and its message, and the hidden select leaves the
    // accessibility tree so that nothing is announced twice or without a name.
    for (const name of ["aria-describedby", "aria-invalid"]) {
      if (select.hasAttribute(name)) {
        picker.control_input.setAttribute(name, select.getAttribute(name));
      }
    }
    // After a refused form, site.js takes the focus to this picker (select.tomselect).
    select.setAttribute("aria-hidden", "true");
  }

  document.querySelectorAll("select[data-search-url]").forEach(setUp);
})();
