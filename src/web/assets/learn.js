// Progressive enhancement for the module player; every page works without it.
// "Check my answer" posts the form and the page comes back at the feedback's
// address (#check-ID-feedback). Without this file the browser scrolls there and
// the next Tab starts there; with it, focus moves onto the feedback, so that a
// screen reader reads it out instead of starting again from the top of the page.
const id = decodeURIComponent(window.location.hash.slice(1));
const feedback = id === '' ? null : document.getElementById(id);
if (feedback !== null && feedback.hasAttribute('data-feedback')) feedback.focus();
