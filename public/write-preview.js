// Keeps the letter beside the write form in step with what is typed. The server composes it
// (POST /write/<state>/preview, nothing stored), as it will compose the letter itself; without
// this script the form's "Update the letter below" button does the same with a page load.
;(() => {
  const form = document.querySelector('form.compose[data-preview]')
  const target = document.getElementById('letter-preview')
  if (!form || !target || !window.fetch || !window.AbortController) return
  for (const element of form.querySelectorAll('[data-no-script-only]')) element.hidden = true

  let timer = null
  let pending = null
  async function refresh() {
    if (pending) pending.abort()
    pending = new AbortController()
    const fields = new URLSearchParams(new FormData(form))
    // Never printed in the letter: the e-mail address does not travel with the preview.
    fields.delete('supporter.email')
    fields.delete('intent')
    try {
      const response = await fetch(form.dataset.preview, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: fields.toString(),
        signal: pending.signal,
        credentials: 'same-origin',
      })
      if (response.ok) target.innerHTML = await response.text()
    } catch {
      // Offline or superseded by a newer request: the letter stays as it was.
    }
  }
  const later = (ms) => {
    clearTimeout(timer)
    timer = setTimeout(refresh, ms)
  }
  form.addEventListener('input', () => later(400))
  form.addEventListener('change', () => later(50))
})()
