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

// After a refused form, take the keyboard to the first field to correct: a screen
// reader then reads its label and its error (tied to it by aria-describedby).
const firstInvalid = document.querySelector("main [aria-invalid='true']");
if (firstInvalid && !document.querySelector("[autofocus]")) {
  firstInvalid.focus();
}
