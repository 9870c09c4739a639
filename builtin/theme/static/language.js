// Root page: highlights the language the browser prefers, without redirecting anyone.
const list = document.querySelector("[data-language-choice]");
if (list) {
  const links = [...list.querySelectorAll("a[data-lang]")];
  const wanted = (navigator.languages || [navigator.language || ""]).map((l) => l.toLowerCase().split("-")[0]);
  const match = wanted.map((w) => links.find((a) => a.dataset.lang === w)).find(Boolean);
  if (match) {
    match.classList.add("suggested");
    list.prepend(match.parentElement);
  }
}
