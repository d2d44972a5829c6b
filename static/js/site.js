// Behaviour shared by every page. No inline scripts: pages opt in with data- attributes.
document.querySelectorAll("[data-autosubmit]").forEach((field) => {
  field.addEventListener("change", () => field.form.submit());
});
