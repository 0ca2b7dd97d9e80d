// Behaviour the stylesheet cannot give alone (a static file: the CSP allows no inline
// script): the phone menu opens and closes, the main menu's groups open one at a time, and
// tabs show one pane of their group.
"use strict";

function setUpMenu(toggle) {
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
  });
}

// The main menu's groups (details elements, usable without this script): on a wide screen
// one is open at a time, Escape closes it and puts the focus back on its name, and a click
// elsewhere closes it. On a phone they are the folded menu's sections, all open.
function setUpMenuGroups(nav) {
  const groups = [...nav.querySelectorAll("details[data-menu-group]")];
  const narrow = window.matchMedia("(max-width: 40rem)");
  const layOut = () => {
    for (const group of groups) {
      group.open = narrow.matches;
    }
  };
  layOut();
  narrow.addEventListener("change", layOut);
  for (const group of groups) {
    group.addEventListener("toggle", () => {
      if (group.open && !narrow.matches) {
        groups.filter((other) => other !== group).forEach((other) => { other.open = false; });
      }
    });
  }
  nav.addEventListener("keydown", (event) => {
    const open = groups.find((group) => group.open);
    if (event.key === "Escape" && open && !narrow.matches) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (!narrow.matches) {
      groups.filter((group) => !group.contains(event.target)).forEach((group) => { group.open = false; });
    }
  });
}

function setUpTabs(tablist) {
  const tabs = [...tablist.querySelectorAll("[role=tab]")];
  const select = (chosen) => {
    for (const tab of tabs) {
      const selected = tab === chosen;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      document.getElementById(tab.getAttribute("aria-controls")).classList.toggle("inactive", !selected);
    }
  };
  tabs.forEach((tab, index) => {
    tab.addEventListener("click", () => select(tab));
    tab.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
      if (step) {
        const next = tabs[(index + step + tabs.length) % tabs.length];
        select(next);
        next.focus();
      }
    });
  });
}

// A contents list starts folded on a phone, open beside the text on a wide screen.
function foldOnPhones(details) {
  if (window.matchMedia("(max-width: 40rem)").matches) {
    details.open = false;
  }
}

// "Back" on an error page: the previous page when there is one, else the link's target.
function setUpBack(link) {
  link.addEventListener("click", (event) => {
    if (window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-menu-toggle]").forEach(setUpMenu);
  document.querySelectorAll("nav.main").forEach(setUpMenuGroups);
  document.querySelectorAll("a[data-back]").forEach(setUpBack);
  document.querySelectorAll("details[data-close-narrow]").forEach(foldOnPhones);
  document.querySelectorAll("[role=tablist]").forEach(setUpTabs);
});
