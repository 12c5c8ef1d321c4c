// Matchmaking setup: tick or untick every slot of a day in the availability grid.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-tick-day], [data-untick-day]");
  if (!button) return;
  const tick = button.hasAttribute("data-tick-day");
  const day = document.getElementById(tick ? button.dataset.tickDay : button.dataset.untickDay);
  day.querySelectorAll("input[type=checkbox]").forEach((box) => { box.checked = tick; });
});
