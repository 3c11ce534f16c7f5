// Plan management (/manage/): what Django's admin scripts leave for assistive technology.
"use strict";
window.addEventListener("load", () => {
  // SelectFilter2 (filter_horizontal) names its search icons with aria-label on a bare <span>,
  // which has no role to carry a name (axe: aria-prohibited-attr). They are images.
  document.querySelectorAll(".search-label-icon[aria-label]").forEach((icon) => {
    icon.setAttribute("role", "img");
  });
});
