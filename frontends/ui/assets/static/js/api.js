// The agent's HTTP API: plain requests, and Watch, the one blocking query
// a view keeps open.
import { sleep } from './dom.js';

// state is shared by every view: the datacenter shown and the agent's own,
// and whether live updates are paused.
export const state = { dc: '', localDC: '', paused: false };

// bus carries 'status' events ({detail: {ok, error, retryIn}}) and
// 'updated' events ({detail: {at}}) to the chrome around the views.
export const bus = new EventTarget();

// WAIT is how long one blocking query may park on the agent.
const WAIT = '60s';
// MIN_GAP spaces a view's queries: a catalog that changes all the time
// costs at most two requests a second per open view.
const MIN_GAP = 500;
const BACKOFF = [1000, 2000, 4000, 8000, 15000];

// Unreachable: the agent did not answer at all.
export class Unreachable extends Error {
  constructor(cause) {
    super(`cannot reach the agent at ${location.host}`);
    this.name = 'Unreachable';
    this.cause = cause;
  }
}

// HTTPError: the agent answered with an error status.
export class HTTPError extends Error {
  constructor(status, text) {
    super(`${status}: ${text || 'error'}`);
    this.name = 'HTTPError';
    this.status = status;
    this.text = text.trim();
    this.noLeader = status === 500 && this.text.includes('No cluster leader');
  }
}

// url builds /v1/<path>?params, adding ?dc= for another datacenter.
export function url(path, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
    else q.append(k, v === true ? '' : String(v));
  }
  if (state.dc && state.dc !== state.localDC) q.set('dc', state.dc);
  const s = q.toString().replace(/=(&|$)/g, '$1'); // ?keys, not ?keys=
  return `/v1/${path}${s ? '?' + s : ''}`;
}

// request sends one request. It resolves to {status, headers, data} (data
// is parsed JSON, or text for non-JSON answers; null for an allowed 404)
// and rejects with Unreachable or HTTPError.
export async function request(method, path, { params, body, signal, allow404 } = {}) {
  let res;
  try {
    res = await fetch(url(path, params), { method, body, signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new Unreachable(e);
  }
  if (res.status === 404 && allow404) {
    await res.body?.cancel();
    return { status: 404, headers: res.headers, data: null };
  }
  const text = await res.text();
  if (!res.ok) throw new HTTPError(res.status, text);
  const json = (res.headers.get('Content-Type') || '').includes('json');
  return { status: res.status, headers: res.headers, data: json && text ? JSON.parse(text) : text };
}

// untilResumed waits while live updates are paused.
function untilResumed() {
  if (!state.paused) return Promise.resolve();
  return new Promise((resolve) => {
    const on = () => {
      if (state.paused) return;
      bus.removeEventListener('pause', on);
      resolve();
    };
    bus.addEventListener('pause', on);
  });
}

export function setPaused(p) {
  state.paused = p;
  bus.dispatchEvent(new CustomEvent('pause', { detail: { paused: p } }));
}

function report(detail) {
  bus.dispatchEvent(new CustomEvent('status', { detail }));
}

// Watch keeps one blocking query on path open and calls onData(res) with
// every answer whose X-Consul-Index differs from the last one. params()
// is read for every request; refresh() starts over at index 0 (new
// parameters). onError(err) is told about failures; the watch retries
// with backoff until stopped.
export class Watch {
  constructor(path, params, onData, onError) {
    this.path = path;
    this.params = typeof params === 'function' ? params : () => params || {};
    this.onData = onData;
    this.onError = onError || (() => {});
    this.gen = 0;
    this.ctrl = null;
  }

  start() {
    this.refresh();
    return this;
  }

  stop() {
    this.gen++;
    this.ctrl?.abort();
  }

  refresh() {
    this.stop();
    this.run(this.gen);
  }

  async run(gen) {
    let index = 0;
    let failures = 0;
    while (gen === this.gen) {
      await untilResumed();
      if (gen !== this.gen) return;
      const started = performance.now();
      const ctrl = new AbortController();
      this.ctrl = ctrl;
      const params = { ...this.params() };
      if (index > 0) Object.assign(params, { index, wait: WAIT });
      let res;
      try {
        res = await request('GET', this.path, { params, signal: ctrl.signal, allow404: true });
      } catch (e) {
        if (gen !== this.gen || e.name === 'AbortError') return;
        const retryIn = BACKOFF[Math.min(failures++, BACKOFF.length - 1)];
        report({ ok: false, error: e, retryIn });
        this.onError(e);
        await sleep(retryIn);
        continue;
      }
      await untilResumed();
      if (gen !== this.gen) return;
      if (failures > 0 || index === 0) report({ ok: true });
      failures = 0;
      const next = Number(res.headers.get('X-Consul-Index')) || 0;
      if (index === 0 || next !== index) {
        // A lower index (a restarted agent, a restored snapshot) is
        // taken as it is: the next query blocks on it.
        index = Math.max(next, 1);
        this.onData(res);
        bus.dispatchEvent(new CustomEvent('updated', { detail: { at: new Date(), index } }));
      }
      const spent = performance.now() - started;
      if (spent < MIN_GAP) await sleep(MIN_GAP - spent);
    }
  }
}

// describe is a one-line explanation of a failure for people.
export function describe(e) {
  if (e instanceof Unreachable) return `Cannot reach the consuld agent at ${location.host}. Is it running?`;
  if (e instanceof HTTPError && e.noLeader) return 'The cluster has no leader (500 No cluster leader): reads and writes fail until one is elected.';
  if (e instanceof HTTPError) return `The agent answered ${e.status}: ${e.text || 'no details'}`;
  return String(e.message || e);
}
