import { mount } from 'svelte'
import App from './App.svelte'
import { createClient } from './lib/api'
import { AppStore } from './lib/stores/app.svelte'
import './app.css'

const target = document.getElementById('app')
if (!target) throw new Error('missing #app')

// The serve-mode link carries the access token once; the server has turned it into an HttpOnly
// cookie by now, so drop it from the address bar (and from history, bookmarks and screenshots).
if (new URLSearchParams(window.location.search).has('token')) {
  window.history.replaceState(null, '', window.location.pathname + window.location.hash)
}

const app = new AppStore(createClient())
export default mount(App, { target, props: { app } })
