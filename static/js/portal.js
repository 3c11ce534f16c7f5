// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // The language switcher submits as soon as a language is picked.
  const select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", () => select.form.submit());
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
});
