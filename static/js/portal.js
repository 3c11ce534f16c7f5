// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits as soon as a language is picked.
  const select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", () => select.form.submit());
  }

  // After a failed save, the error summary at the top of the form is read out and scrolled
  // to (the page would otherwise reload at its top, the error out of sight); its links move
  // the focus to the field in error.
  const summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
    summary.querySelectorAll("a[href^='#']").forEach((link) => {
      link.addEventListener("click", (event) => {
        const field = document.getElementById(link.getAttribute("href").slice(1));
        if (!field) {
          return;
        }
        event.preventDefault();
        const details = field.closest("details");
        if (details) {
          details.open = true;
        }
        const label = document.querySelector(`label[for='${field.id}']`);
        (label || field).scrollIntoView({ block: "center" });
        field.focus({ preventScroll: true });
      });
    });
  }

  // An amendment's change rows show only the fields of the kind of change chosen.
  document.querySelectorAll(".change-row").forEach((row) => {
    const kind = row.querySelector(".change-kind select");
    if (!kind) {
      return;
    }
    const show = () => {
      row.querySelectorAll(".change-field").forEach((field) => {
        const kinds = field.dataset.kinds.split(" ");
        field.hidden = kind.value !== "" && !kinds.includes(kind.value);
      });
    };
    kind.addEventListener("change", show);
    show();
  });

  // Copy buttons (templates/core/_copy_button.html): shown only where the browser can copy.
  document.querySelectorAll("button[data-copy]").forEach((button) => {
    const target = document.getElementById(button.dataset.copy);
    if (!target || !navigator.clipboard) {
      return;
    }
    const status = button.nextElementSibling;
    button.hidden = false;
    button.addEventListener("click", () => {
      navigator.clipboard.writeText(target.textContent.trim()).then(
        () => { status.textContent = button.dataset.copied; },
        () => { status.textContent = button.dataset.failed; },
      );
    });
  });
});
