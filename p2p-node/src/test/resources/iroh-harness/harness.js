#!/usr/bin/env node
// One process = one real iroh node, driven by line-delimited JSON on stdin/stdout.
//
//   node harness.js --iroh 1|0.35 [--secret <64 hex>] [--bind 127.0.0.1:0] [--alpn <alpn>=<behaviour> ...] [--docs]
//                   [--relay <url>] [--store DIR]
//
// stdout carries protocol JSON only: one `ready` event, then exactly one response per command
// (`{"id":N,"ok":true,...}` / `{"id":N,"ok":false,"error":"..."}`) and `{"event":...}` lines at any time.
// Everything else (library warnings, diagnostics) goes to stderr. PROTOCOL.md describes every command.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const readline = require('readline');

// Libraries must never write to stdout: it is the protocol channel.
console.log = console.error;
console.info = console.error;
console.debug = console.error;
console.warn = console.error;

// ---------------------------------------------------------------------------------------------------------
// Output

function jsonReplacer(_key, value) {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value) : value.toString();
  }
  return value;
}

function emit(obj) {
  // Pipes are synchronous on Linux, so lines never interleave and survive process.exit().
  process.stdout.write(JSON.stringify(obj, jsonReplacer) + '\n');
}

function log(...args) {
  process.stderr.write(`[harness ${new Date().toISOString()}] ${args.join(' ')}\n`);
}

/**
 * Error text without what anyhow appends: the Rust backtrace (when RUST_BACKTRACE is set) and the
 * "Caused by:" chain, which repeats the inner errors the top line already quotes.
 */
function errorText(e) {
  let s = e && e.message !== undefined ? String(e.message) : String(e);
  for (const marker of ['Stack backtrace:', '\n\nCaused by:']) {
    const at = s.indexOf(marker);
    if (at >= 0) s = s.slice(0, at);
  }
  return s.trim() || String(e && e.code || 'error');
}

class HarnessError extends Error {
  constructor(message, extra) {
    super(message);
    this.extra = extra || {};
  }
}

function fail(message, extra) {
  throw new HarnessError(message, extra);
}

// ---------------------------------------------------------------------------------------------------------
// Deterministic payloads, identical to the Java test helper `Pattern`:
// state0 = seed * 0x9E3779B1 + 0x7F4A7C15 (mod 2^32, 0 replaced by 0x6D2B79F5); per 4-byte word the state
// advances by xorshift32 (<<13, >>>17, <<5) and is emitted little-endian; the stream is cut at `len`.

class PatternStream {
  constructor(seed) {
    let s = (Math.imul(seed | 0, 0x9E3779B1 | 0) + 0x7F4A7C15) | 0;
    this.state = s === 0 ? 0x6D2B79F5 : s;
  }

  /** Next `n` bytes (n a multiple of 4 except for the last chunk). */
  next(n) {
    const words = Math.ceil(n / 4);
    const u32 = new Uint32Array(words);
    let x = this.state;
    for (let i = 0; i < words; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      u32[i] = x;
    }
    this.state = x;
    if (!LITTLE_ENDIAN) {
      const dv = new DataView(u32.buffer);
      for (let i = 0; i < words; i++) dv.setUint32(i * 4, u32[i], true);
    }
    return Buffer.from(u32.buffer, 0, n);
  }
}

const LITTLE_ENDIAN = os.endianness() === 'LE';
const PATTERN_CHUNK = 1 << 20;

function patternBytes(seed, len) {
  return new PatternStream(seed).next(len);
}

function* patternChunks(seed, len, chunk = PATTERN_CHUNK) {
  const ps = new PatternStream(seed);
  for (let off = 0; off < len; off += chunk) yield ps.next(Math.min(chunk, len - off));
}

function patternSha256(seed, len) {
  const h = crypto.createHash('sha256');
  for (const c of patternChunks(seed, len)) h.update(c);
  return h.digest('hex');
}

function sha256(buf) {
  return crypto.createHash('sha256').update(buf).digest('hex');
}

const HEX_INLINE_LIMIT = 4096;

/** Payload from `{hex}` or `{pattern:{seed,len}}`. */
function payloadOf(p, what = 'payload') {
  if (typeof p.hex === 'string') {
    if (!/^([0-9a-fA-F]{2})*$/.test(p.hex)) fail(`${what}: hex must be an even number of hex digits`);
    return Buffer.from(p.hex, 'hex');
  }
  if (p.pattern) return patternBytes(int(p.pattern.seed, 'pattern.seed'), int(p.pattern.len, 'pattern.len'));
  return fail(`${what}: expected "hex" or "pattern":{seed,len}`);
}

function int(v, name) {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`${name} must be an integer, got ${JSON.stringify(v)}`);
  return v;
}

function optInt(v, name, dflt) {
  return v === undefined || v === null ? dflt : int(v, name);
}

function str(v, name) {
  if (typeof v !== 'string') fail(`${name} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

function hexBytes(v, name, len) {
  str(v, name);
  if (!/^([0-9a-fA-F]{2})*$/.test(v) || (len !== undefined && v.length !== 2 * len)) {
    fail(`${name} must be ${len !== undefined ? len + ' bytes of ' : ''}hex, got ${JSON.stringify(v)}`);
  }
  return Buffer.from(v, 'hex');
}

function bigCode(v, name) {
  const n = int(v, name);
  if (n < 0) fail(`${name} must be a non-negative integer`);
  return BigInt(n);
}

function now() {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Wall-clock time in ms since the epoch, with sub-ms precision: comparable across processes (benchmarks). */
function epochMs() {
  return performance.timeOrigin + performance.now();
}

function sleep(ms) {
  return new Promise(r => setTimeout(r, ms));
}

function withTimeout(promise, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new HarnessError(`${what} timed out after ${ms} ms`, { timeout: true })), ms);
  });
  return Promise.race([promise, t]).finally(() => clearTimeout(timer));
}

function stats(samples) {
  const s = [...samples].sort((a, b) => a - b);
  const q = f => s.length ? s[Math.min(s.length - 1, Math.floor(f * s.length))] : null;
  const r = v => v === null ? null : Math.round(v * 1000) / 1000;
  return {
    n: s.length,
    minMs: r(s[0] ?? null),
    medianMs: r(q(0.5)),
    p90Ms: r(q(0.9)),
    maxMs: r(s[s.length - 1] ?? null),
    meanMs: r(s.length ? s.reduce((a, b) => a + b, 0) / s.length : null),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Close reasons. Both versions hand us Display strings of quinn's ConnectionError (quinn-proto 0.11 lineage:
// iroh-quinn-proto 0.13 in 0.35, noq-proto 1.0 in 1.x); the formats are the same:
//   "closed by peer: <reason> (code <n>)" | "closed by peer: <n>"   application close (reason empty)
//   "aborted by peer: <transport code>[: reason]"                    transport close from the peer
//   "reset by peer" | "timed out" | "closed" (local close) | "CIDs exhausted"
//   "peer doesn't implement any supported version" | <TransportError Display> (we detected a violation)

function parseCloseReason(reason, localClose) {
  const out = { reason, code: null, by: 'unknown', kind: 'other' };
  let m;
  if ((m = /^closed by peer: ([\s\S]*) \(code (\d+)\)$/.exec(reason))) {
    Object.assign(out, { by: 'peer', kind: 'application-closed', code: Number(m[2]), appReason: m[1] });
  } else if ((m = /^closed by peer: (\d+)$/.exec(reason))) {
    Object.assign(out, { by: 'peer', kind: 'application-closed', code: Number(m[1]), appReason: '' });
  } else if ((m = /^aborted by peer: ([\s\S]*)$/.exec(reason))) {
    Object.assign(out, { by: 'peer', kind: 'connection-closed', transportError: m[1] });
  } else if (reason === 'reset by peer') {
    Object.assign(out, { by: 'peer', kind: 'reset' });
  } else if (reason === 'timed out') {
    Object.assign(out, { kind: 'timed-out' });
  } else if (reason === 'closed') {
    // The local side closed. If it was our own `close` command we know what we sent.
    Object.assign(out, { by: 'local', kind: 'locally-closed' });
    if (localClose) Object.assign(out, { code: localClose.code, appReason: localClose.reason });
  } else if (reason === "peer doesn't implement any supported version") {
    Object.assign(out, { by: 'peer', kind: 'version-mismatch' });
  } else if (reason === 'CIDs exhausted') {
    Object.assign(out, { by: 'local', kind: 'cids-exhausted' });
  } else if (reason) {
    // Display of a TransportError: we aborted because the peer broke the protocol.
    Object.assign(out, { by: 'local', kind: 'transport-error', transportError: reason });
  }
  return out;
}

// Stream error texts: 1.x formats the Rust error with {:?} ("Read(Reset(55))", "TooLong",
// "Stopped(77)"), 0.35 with Display ("read error: stream reset by peer: error 55", "stream too long").
function parseStreamError(text) {
  let m;
  if ((m = /Reset\((\d+)\)|reset by peer: error (\d+)/.exec(text))) return { kind: 'reset', code: Number(m[1] ?? m[2]) };
  if ((m = /Stopped\((\d+)\)|stopped by peer: error (\d+)/.exec(text))) return { kind: 'stopped', code: Number(m[1] ?? m[2]) };
  if (/TooLong|too long/.test(text)) return { kind: 'too-long' };
  if (/ConnectionLost|connection lost/.test(text)) return { kind: 'connection-lost' };
  if (/ClosedStream|closed stream/.test(text)) return { kind: 'closed-stream' };
  return null;
}

async function streamOp(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e instanceof HarnessError) throw e;
    const text = errorText(e);
    const se = parseStreamError(text);
    throw new HarnessError(text, se ? { streamError: se } : {});
  }
}

// ---------------------------------------------------------------------------------------------------------
// Version adapters. Both expose the same shape; "native" data is what the binding moves fastest:
// a JS number array in 1.x (its napi binding converts element by element), a Buffer in 0.35.

const BEHAVIOURS = new Set(['echo', 'sink', 'ping', 'hold']);
const PING_ALPN = 'iroh/ping/0';
const PONG = Buffer.from('PONG');
const PING = Buffer.from('PING');

function idHex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

function toNumberArray(buf) {
  const a = new Array(buf.length);
  for (let i = 0; i < buf.length; i++) a[i] = buf[i];
  return a;
}

function nativeEquals(nat, buf) {
  if (nat.length !== buf.length) return false;
  if (Buffer.isBuffer(nat)) return nat.equals(buf);
  for (let i = 0; i < buf.length; i++) if (nat[i] !== buf[i]) return false;
  return true;
}

function toBuffer(nat) {
  return Buffer.isBuffer(nat) ? nat : Buffer.from(nat);
}

class SendHalf {
  constructor(s, arrays) {
    this.s = s;
    this.arrays = arrays;
  }

  async write(buf) {
    if (!this.arrays) return streamOp(this.s.writeAll(buf));
    // Bounded chunks keep the number arrays small.
    const CH = 256 * 1024;
    for (let off = 0; off < buf.length; off += CH) {
      await streamOp(this.s.writeAll(toNumberArray(buf.subarray(off, off + CH))));
    }
  }

  writeNative(nat) {
    return streamOp(this.s.writeAll(nat));
  }

  toNative(buf) {
    return this.arrays ? toNumberArray(buf) : buf;
  }

  finish() {
    return streamOp(this.s.finish());
  }

  reset(code) {
    return streamOp(this.s.reset(code));
  }

  async stopped() {
    const v = await streamOp(this.s.stopped());
    return v === null || v === undefined ? null : Number(v);
  }
}

class RecvHalf {
  constructor(r, arrays) {
    this.r = r;
    this.arrays = arrays;
    this.buf = null;
  }

  /** Up to `max` bytes; null at the end of the stream. */
  async read(max) {
    if (this.arrays) {
      const a = await streamOp(this.r.read(max));
      return a.length === 0 ? null : Buffer.from(a);
    }
    const b = Buffer.allocUnsafe(max);
    const n = await streamOp(this.r.read(b));
    return n === null || n === undefined ? null : b.subarray(0, Number(n));
  }

  /** Counts bytes to the end of the stream without keeping them. */
  async drain() {
    let total = 0;
    if (this.arrays) {
      for (;;) {
        const a = await streamOp(this.r.read(1 << 20));
        if (a.length === 0) return total;
        total += a.length;
      }
    }
    if (!this.buf) this.buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = await streamOp(this.r.read(this.buf));
      if (n === null || n === undefined) return total;
      total += Number(n);
    }
  }

  readToEndNative(limit) {
    return streamOp(this.r.readToEnd(limit));
  }

  async readToEnd(limit) {
    return toBuffer(await this.readToEndNative(limit));
  }

  stop(code) {
    return streamOp(this.r.stop(code));
  }

  async receivedReset() {
    const v = await streamOp(this.r.receivedReset());
    return v === null || v === undefined ? null : Number(v);
  }
}

class Conn {
  constructor(raw, arrays) {
    this.raw = raw;
    this.arrays = arrays;
  }

  async openBi() {
    const bi = await streamOp(this.raw.openBi());
    return { send: new SendHalf(bi.send, this.arrays), recv: new RecvHalf(bi.recv, this.arrays) };
  }

  async acceptBi() {
    const bi = await streamOp(this.raw.acceptBi());
    return { send: new SendHalf(bi.send, this.arrays), recv: new RecvHalf(bi.recv, this.arrays) };
  }

  async openUni() {
    return new SendHalf(await streamOp(this.raw.openUni()), this.arrays);
  }

  async acceptUni() {
    return new RecvHalf(await streamOp(this.raw.acceptUni()), this.arrays);
  }

  close(code, reasonBuf) {
    this.raw.close(code, this.arrays ? toNumberArray(reasonBuf) : reasonBuf);
  }

  closed() {
    return this.raw.closed();
  }

  closeReason() {
    return this.raw.closeReason();
  }
}

class ConnV1 extends Conn {
  constructor(raw) {
    super(raw, true);
  }

  remote() {
    return idHex(this.raw.remoteId().toBytes());
  }

  alpn() {
    return Buffer.from(this.raw.alpn()).toString();
  }

  rttMs() {
    return this.raw.rtt();
  }

  info() {
    return { side: this.raw.side(), stats: this.raw.stats(), paths: this.raw.paths() };
  }
}

class ConnV035 extends Conn {
  constructor(raw) {
    super(raw, false);
  }

  remote() {
    return idHex(this.raw.remoteNodeId().toBytes());
  }

  alpn() {
    const a = this.raw.alpn();
    return a ? a.toString() : null;
  }

  rttMs() {
    return Number(this.raw.rtt());
  }

  info() {
    return {};
  }
}

class NodeV1 {
  static async start(opts, onIncoming) {
    const iroh = require('iroh1');
    const ep = await NodeV1.bindEndpoint(iroh, opts.bind, opts.secret, [...opts.behaviours.keys()], opts.relay,
      opts.discoveryN0);
    const node = new NodeV1(iroh, ep, opts);
    node.acceptLoop(onIncoming);
    return node;
  }

  static async bindEndpoint(iroh, bind, secret, alpns, relay, discoveryN0) {
    const b = iroh.Endpoint.builder();
    if (discoveryN0) {
      // --discovery-n0: iroh's n0 discovery unmodified (pkarr publishing to dns.iroh.link, DNS resolution under
      // dns.iroh.link through the system resolver), no relays; tests point /etc/resolv.conf at a local server
      iroh.presetN0DisableRelay(b);
    } else {
      iroh.presetMinimal(b); // no relays, no discovery
    }
    if (relay) {
      // The one relay, without quicPort: iroh then runs no QUIC address discovery against it (customFromUrls
      // would probe UDP 7842 with webpki TLS), only the HTTP latency probe (GET /ping) and the relay itself.
      const map = iroh.RelayMap.empty();
      map.insert({ url: relay });
      b.relayMode(iroh.RelayMode.custom(map));
    }
    if (secret) b.secretKey([...secret]);
    b.alpns(alpns.map(a => [...Buffer.from(a)]));
    b.bindAddr(bind);
    return b.bind();
  }

  constructor(iroh, ep, opts) {
    this.iroh = iroh;
    this.ep = ep;
    this.opts = opts;
    this.version = '1';
    this.irohVersion = '1.0.2';
    this.arrays = true;
  }

  id() {
    return idHex(this.ep.id().toBytes());
  }

  addrs() {
    return this.ep.addr().directAddresses();
  }

  async readyInfo() {
    return { relay: this.ep.addr().relayUrl(), boundSockets: this.ep.boundSockets() };
  }

  ticket() {
    return this.iroh.EndpointTicket.fromAddr(this.ep.addr()).toString();
  }

  /** Waits until the endpoint has a home relay (iroh's `online()`), then reports it. */
  async online(timeoutMs) {
    if (!this.opts.relay) fail('online needs --relay (this endpoint has no relay)');
    const t0 = now();
    await withTimeout(this.ep.online(), timeoutMs, 'online (home relay connected)');
    return { relay: this.ep.addr().relayUrl(), ms: round3(now() - t0), ticket: this.ticket() };
  }

  async acceptLoop(onIncoming) {
    for (;;) {
      let inc;
      try {
        inc = await this.ep.acceptNext();
      } catch (e) {
        log('acceptNext failed:', errorText(e));
        return;
      }
      if (!inc) return; // endpoint closed
      (async () => {
        let remoteAddr = null;
        try {
          remoteAddr = await inc.remoteAddr().catch(() => null);
          if (this.opts.retry && !(await inc.remoteAddrValidated())) {
            // --retry: validate every client's address first (RFC 9000 §8.1.2); it comes back with the token
            await inc.retry();
            emit({ event: 'retry-sent', from: remoteAddr });
            return;
          }
          const accepting = await inc.accept();
          const raw = await accepting.connect();
          onIncoming(new ConnV1(raw));
        } catch (e) {
          emit({ event: 'accept-failed', error: errorText(e), from: remoteAddr });
        }
      })();
    }
  }

  endpointAddr(addr) {
    const id = this.iroh.EndpointId.fromBytes([...hexBytes(addr.id, 'addr.id', 32)]);
    return new this.iroh.EndpointAddr(id, addr.relayUrl || null, addr.addrs || []);
  }

  async connect(addr, alpn) {
    return new ConnV1(await this.ep.connect(this.endpointAddr(addr), [...Buffer.from(alpn)]));
  }

  /** A throwaway client endpoint (fresh identity and socket) for handshake benchmarks. */
  async freshClient() {
    const ep = await NodeV1.bindEndpoint(this.iroh, this.opts.bind, null, [], this.opts.relay);
    return {
      connect: async (addr, alpn) => new ConnV1(await ep.connect(this.endpointAddr(addr), [...Buffer.from(alpn)])),
      close: () => ep.close(),
    };
  }

  ticketInfo(t) {
    if (!t.startsWith('endpoint')) fail(`iroh 1.x knows only endpoint tickets ("endpoint..."), got ${t.slice(0, 12)}...`);
    const ticket = this.iroh.EndpointTicket.fromString(t);
    const a = ticket.endpointAddr();
    return {
      kind: 'endpoint',
      addr: { id: idHex(a.id().toBytes()), addrs: a.directAddresses(), relayUrl: a.relayUrl() },
      reencoded: ticket.toString(),
    };
  }

  ticketMake(p) {
    if (p.kind !== 'endpoint') fail(`iroh 1.x can make only kind "endpoint" tickets, got ${JSON.stringify(p.kind)}`);
    return this.iroh.EndpointTicket.fromAddr(this.endpointAddr(addrOf(p))).toString();
  }

  async shutdown() {
    await this.ep.close();
  }
}

class NodeV035 {
  static async start(opts, onIncoming) {
    const iroh = require('iroh035');
    const protocols = {};
    for (const alpn of opts.behaviours.keys()) {
      // Keys are strings; the binding takes their UTF-8 bytes as the ALPN.
      protocols[alpn] = (err, _endpoint) => {
        if (err) log('protocol factory error for', alpn, errorText(err));
        return {
          accept: (err2, raw) => {
            if (err2) {
              emit({ event: 'accept-failed', alpn, error: errorText(err2) });
              return;
            }
            try {
              onIncoming(new ConnV035(raw));
            } catch (e) {
              emit({ event: 'accept-failed', alpn, error: errorText(e) });
            }
          },
        };
      };
    }
    // --discovery-n0: 0.35's n0 discovery unmodified ('Default': pkarr PUTs to dns.iroh.link, bare ids resolved as
    // TXT _iroh.<z32>.dns.iroh.link through the system resolver); tests point /etc/resolv.conf at a local server
    const base = { nodeDiscovery: opts.discoveryN0 ? 'Default' : 'None', protocols, enableDocs: !!opts.docs };
    if (opts.secret) base.secretKey = [...opts.secret];
    const bindOpts = NodeV035.bindOptions(opts.bind);
    // --store DIR: iroh's file store (blobs, and docs if on) in DIR instead of memory
    const open = (o) => opts.store ? iroh.Iroh.persistent(opts.store, o) : iroh.Iroh.memory(o);
    let node;
    try {
      node = await open({ ...base, ...bindOpts });
    } catch (e) {
      if (!bindOpts.ipv6Addr || opts.bind.startsWith('[')) throw e;
      log('binding with IPv6 loopback failed, retrying without it:', errorText(e));
      node = await open({ ...base, ipv4Addr: bindOpts.ipv4Addr });
    }
    return new NodeV035(iroh, node, opts);
  }

  static bindOptions(bind) {
    // Without ipv6Addr 0.35 listens on [::]:0 on every interface; keep it on loopback.
    return bind.startsWith('[') ? { ipv6Addr: bind } : { ipv4Addr: bind, ipv6Addr: '[::1]:0' };
  }

  constructor(iroh, node, opts) {
    this.iroh = iroh;
    this.node = node;
    this.opts = opts;
    this.version = '0.35';
    this.irohVersion = '0.35.0';
    this.arrays = false;
    this.gossipTopics = new Map();
    this.docs = new Map();
    this.docSubscribed = new Set();
    this.tmpDir = null;
  }

  async init() {
    this.addr = await this.node.net.nodeAddr();
    this.status = await this.node.node.status();
  }

  id() {
    return this.addr.nodeId;
  }

  /** Direct addresses of the bound family (0.35 also advertises a relay URL; see readyInfo). */
  addrs() {
    const all = this.addr.addresses || [];
    const v6 = this.opts.bind.startsWith('[');
    return all.filter(a => a.startsWith('[') === v6);
  }

  async readyInfo() {
    return {
      relay: this.addr.relayUrl || null,
      allAddrs: this.addr.addresses || [],
      listenAddrs: this.status.listenAddrs,
      nodeVersion: this.status.version,
    };
  }

  ticket() {
    return null; // the 0.35 binding has no NodeTicket; blob and doc tickets come from blob-ticket etc.
  }

  nodeAddr(addr) {
    const a = { nodeId: hexBytes(addr.id, 'addr.id', 32).toString('hex'), addresses: addr.addrs || [] };
    if (addr.relayUrl) a.relayUrl = addr.relayUrl;
    return a;
  }

  async connect(addr, alpn) {
    return new ConnV035(await this.node.node.endpoint().connect(this.nodeAddr(addr), Buffer.from(alpn)));
  }

  async freshClient() {
    const n = await this.iroh.Iroh.memory({ nodeDiscovery: 'None', ...NodeV035.bindOptions(this.opts.bind) });
    return {
      connect: async (addr, alpn) => new ConnV035(await n.node.endpoint().connect(this.nodeAddr(addr), Buffer.from(alpn))),
      close: () => n.node.shutdown(),
    };
  }

  async tmpFile(name) {
    if (!this.tmpDir) this.tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iroh-harness-'));
    return path.join(this.tmpDir, `${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`);
  }

  hashOf(h) {
    return this.iroh.Hash.fromString(str(h, 'hash'));
  }

  hashInfo(h) {
    const hash = this.hashOf(h);
    return { hash: hash.value, hashHex: hash.toString('hex') };
  }

  ticketInfo(t) {
    if (t.startsWith('blob')) {
      const bt = this.iroh.BlobTicket.fromString(t);
      return {
        kind: 'blob',
        ...this.hashInfo(bt.hash),
        format: bt.format === 'HashSeq' ? 'hashseq' : 'raw',
        recursive: bt.recursive(),
        node: this.nodeAddrJson(bt.nodeAddr),
        reencoded: bt.toString(),
      };
    }
    if (t.startsWith('doc')) {
      const dt = this.iroh.DocTicket.fromString(t);
      return {
        kind: 'doc',
        capability: dt.capability,
        capabilityKind: dt.capabilityKind === 'Write' ? 'write' : 'read',
        nodes: dt.nodes.map(n => this.nodeAddrJson(n)),
        reencoded: dt.toString(),
      };
    }
    return fail(`iroh 0.35 binding parses blob ("blob...") and doc ("doc...") tickets, got ${t.slice(0, 12)}...`);
  }

  nodeAddrJson(n) {
    return { id: n.nodeId, addrs: n.addresses || [], relayUrl: n.relayUrl || null };
  }

  ticketMake(p) {
    if (p.kind !== 'blob') fail(`iroh 0.35 binding can make only kind "blob" tickets, got ${JSON.stringify(p.kind)}`);
    if (!p.node) fail('blob ticket needs node:{id, addrs}');
    const format = blobFormat(p.format);
    return new this.iroh.BlobTicket(this.nodeAddr(p.node), this.hashOf(p.hash).value, format).toString();
  }

  async shutdown() {
    for (const s of this.gossipTopics.values()) await s.close().catch(() => {});
    await this.node.node.shutdown();
    if (this.tmpDir) fs.rmSync(this.tmpDir, { recursive: true, force: true });
  }
}

function blobFormat(f) {
  if (f === undefined || f === null || f === 'raw') return 'Raw';
  if (f === 'hashseq') return 'HashSeq';
  return fail(`format must be "raw" or "hashseq", got ${JSON.stringify(f)}`);
}

// ---------------------------------------------------------------------------------------------------------
// Handles and accept behaviours

let node = null;
let nextConn = 1;
let nextStream = 1;
const conns = new Map();   // handle -> ConnEntry
const streams = new Map(); // handle -> { conn, send?, recv? }

function registerConn(conn, side, alpn, behaviour) {
  const handle = nextConn++;
  const entry = { handle, conn, side, alpn, behaviour, remote: conn.remote(), localClose: null, closedInfo: null };
  entry.closedPromise = conn.closed().then(
    reason => {
      entry.closedInfo = parseCloseReason(String(reason), entry.localClose);
      emit({ event: 'closed', conn: handle, remote: entry.remote, alpn, ...entry.closedInfo });
      return entry.closedInfo;
    },
    e => {
      entry.closedInfo = { reason: errorText(e), code: null, by: 'unknown', kind: 'other' };
      emit({ event: 'closed', conn: handle, remote: entry.remote, alpn, ...entry.closedInfo });
      return entry.closedInfo;
    });
  conns.set(handle, entry);
  return entry;
}

function onIncoming(conn) {
  const alpn = conn.alpn();
  const behaviour = node.opts.behaviours.get(alpn) || 'hold';
  const entry = registerConn(conn, 'server', alpn, behaviour);
  emit({ event: 'accepted', conn: entry.handle, alpn, remote: entry.remote, behaviour });
  runBehaviour(entry).catch(e => log('behaviour', behaviour, 'on conn', entry.handle, 'ended:', errorText(e)));
}

const ECHO_LIMIT = 1 << 30;

async function runBehaviour(entry) {
  const { conn, handle } = entry;
  switch (entry.behaviour) {
    case 'echo':
      await Promise.all([
        acceptEach(() => conn.acceptBi(), async bi => {
          const data = await bi.recv.readToEndNative(ECHO_LIMIT);
          await bi.send.writeNative(data);
          await bi.send.finish();
        }, handle, 'echo bi'),
        acceptEach(() => conn.acceptUni(), async recv => {
          const data = await recv.readToEndNative(ECHO_LIMIT);
          const send = await conn.openUni();
          await send.writeNative(data);
          await send.finish();
        }, handle, 'echo uni'),
      ]);
      return;
    case 'sink': {
      const sink = async (recv, send) => {
        const t0 = now();
        const bytes = await recv.drain();
        const ms = now() - t0;
        if (send) {
          const reply = Buffer.alloc(8);
          reply.writeBigUInt64BE(BigInt(bytes));
          await send.write(reply);
          await send.finish();
        }
        emit({ event: 'sink', conn: handle, bytes, ms: Math.round(ms * 1000) / 1000, stream: send ? 'bi' : 'uni' });
      };
      await Promise.all([
        acceptEach(() => conn.acceptBi(), bi => sink(bi.recv, bi.send), handle, 'sink bi'),
        acceptEach(() => conn.acceptUni(), recv => sink(recv, null), handle, 'sink uni'),
      ]);
      return;
    }
    case 'ping': {
      // iroh-ping's server: one bi stream, PING in, PONG out, then wait for the client to close.
      const bi = await conn.acceptBi();
      const req = await bi.recv.readToEnd(4);
      const ok = req.equals(PING);
      emit({ event: 'ping-served', conn: handle, ok, request: req.toString('hex') });
      await bi.send.write(PONG);
      await bi.send.finish();
      await entry.closedPromise;
      return;
    }
    default:
      return; // hold: streams are driven by commands
  }
}

/** Accepts streams until the connection ends, handling each concurrently. */
async function acceptEach(accept, handle, connHandle, what) {
  for (;;) {
    let s;
    try {
      s = await accept();
    } catch (_) {
      return; // connection closed
    }
    handle(s).catch(e => {
      const text = errorText(e);
      log(what, 'on conn', connHandle, 'failed:', text);
      emit({ event: 'stream-error', conn: connHandle, behaviour: what, error: text, ...(e.extra || {}) });
    });
  }
}

function connEntry(p) {
  const h = int(p.conn, 'conn');
  const e = conns.get(h);
  if (!e) fail(`no connection with handle ${h}`);
  return e;
}

function streamEntry(p, half) {
  const h = int(p.stream, 'stream');
  const s = streams.get(h);
  if (!s) fail(`no stream with handle ${h}`);
  if (half && !s[half]) fail(`stream ${h} has no ${half} half (it is a ${s.kind} stream)`);
  return s;
}

function addStream(conn, kind, send, recv) {
  const handle = nextStream++;
  streams.set(handle, { handle, conn, kind, send, recv });
  return handle;
}

function addrOf(p, name = 'addr') {
  const a = p[name];
  if (!a || typeof a !== 'object') fail(`${name} must be {id, addrs:[...]}`);
  hexBytes(a.id, `${name}.id`, 32);
  if (a.addrs !== undefined && !Array.isArray(a.addrs)) fail(`${name}.addrs must be an array`);
  if (a.relayUrl !== undefined && a.relayUrl !== null && typeof a.relayUrl !== 'string') fail(`${name}.relayUrl must be a URL string`);
  return a;
}

const DEFAULT_TIMEOUT_MS = 30000;

function timeoutOf(p) {
  return optInt(p.timeoutMs, 'timeoutMs', DEFAULT_TIMEOUT_MS);
}

async function connectTimed(client, addr, alpn, timeoutMs) {
  const t0 = now();
  const conn = await withTimeout(client.connect(addr, alpn), timeoutMs, `connect to ${addr.id.slice(0, 10)}`);
  return { conn, ms: now() - t0 };
}

function round3(x) {
  return Math.round(x * 1000) / 1000;
}

/** One bi-stream echo exchange of a pattern; verifies the bytes that come back. */
async function echoOnce(conn, seed, size) {
  const t0 = now();
  const bi = await conn.openBi();
  const expected = patternBytes(seed, size);
  await bi.send.write(expected);
  await bi.send.finish();
  const back = await bi.recv.readToEndNative(Math.max(size, 1));
  const ms = now() - t0;
  if (nativeEquals(back, expected)) return { size, ok: true, ms: round3(ms) };
  return { size, ok: false, ms: round3(ms), error: `echo mismatch: sent ${size} bytes, got ${back.length} (sha256 ${sha256(toBuffer(back))}, expected ${sha256(expected)})` };
}

function need035(what) {
  if (node.version !== '0.35') fail(`${what} needs --iroh 0.35 (this node runs iroh ${node.irohVersion})`);
  return node;
}


// ---------------------------------------------------------------------------------------------------------
// Docs (iroh 0.35 with --docs)

function needDocs(what) {
  const n = need035(what);
  if (!n.opts.docs) fail(`${what} needs --docs (iroh-docs is off in this node)`);
  return n;
}

async function docOf(n, p) {
  const id = str(p.doc, 'doc');
  let doc = n.docs.get(id);
  if (!doc) {
    doc = await n.node.docs.open(id);
    if (!doc) fail(`no document ${id}`);
    n.docs.set(id, doc);
  }
  return doc;
}

/** Key bytes from `key` (UTF-8 text) or `keyHex`; `what` names the parameter pair in errors. */
function keyOf(p, what = 'key') {
  if (typeof p[what] === 'string') return Buffer.from(p[what], 'utf8');
  if (typeof p[what + 'Hex'] === 'string') return hexBytes(p[what + 'Hex'], what + 'Hex');
  return fail(`expected "${what}" (text) or "${what}Hex"`);
}

async function authorOf(n, p) {
  if (typeof p.author === 'string') return n.iroh.AuthorId.fromString(p.author);
  return n.node.authors.default();
}

function hashHexOf(n, h) {
  return n.iroh.Hash.fromString(String(h)).toString('hex');
}

function entryJson(n, e) {
  const key = Buffer.from(e.key);
  const j = {
    namespace: e.namespace, author: e.author, keyHex: key.toString('hex'), len: Number(e.len),
    hash: String(e.hash), hashHex: hashHexOf(n, e.hash), timestamp: String(e.timestamp),
  };
  const text = key.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(key)) j.key = text;
  return j;
}

/** The latest entry per key (deletion markers left out), as iroh's Query.singleLatestPerKey. */
async function latestEntries(doc, prefix) {
  return prefix && prefix.length
    ? doc.getMany(node.iroh.Query.singleLatestPerKeyPrefix(toNumberArray(prefix)))
    : doc.getMany(node.iroh.Query.singleLatestPerKey());
}

async function contentComplete(n, entries) {
  let complete = 0;
  for (const e of entries) {
    const st = await n.node.blobs.status(n.hashOf(String(e.hash)).value);
    if (st.type === 'Complete') complete++;
  }
  return complete;
}

/** Waits until the doc holds `count` latest entries (with content if asked); returns the time it took. */
async function waitForEntries(n, doc, p, t0) {
  const count = int(p.count, 'count');
  const withContent = p.content !== false;
  const prefix = typeof p.prefix === 'string' ? Buffer.from(p.prefix, 'utf8') : null;
  const deadline = t0 + timeoutOf(p);
  let have = 0;
  let complete = 0;
  while (true) {
    const entries = await latestEntries(doc, prefix);
    have = entries.length;
    if (have >= count) {
      complete = withContent ? await contentComplete(n, entries) : have;
      if (complete >= have) return { ms: round3(now() - t0), count: have, complete };
    }
    if (now() > deadline) {
      fail(`waited ${timeoutOf(p)} ms for ${count} entries${withContent ? ' with content' : ''}: have ${have}, ${complete} complete`, { timeout: true, count: have, complete });
    }
    await sleep(have >= count ? 20 : 50);
  }
}

function docEvent(n, id, p) {
  const inserts = p.inserts !== false;
  return (err, ev) => {
    if (err) {
      emit({ event: 'doc', doc: id, kind: 'error', error: errorText(err) });
    } else if (ev.insertLocal) {
      if (inserts) emit({ event: 'doc', doc: id, kind: 'insert-local', entry: entryJson(n, ev.insertLocal.entry) });
    } else if (ev.insertRemote) {
      if (inserts) emit({ event: 'doc', doc: id, kind: 'insert-remote', from: ev.insertRemote.from, entry: entryJson(n, ev.insertRemote.entry), contentStatus: ev.insertRemote.contentStatus });
    } else if (ev.contentReady) {
      if (inserts) emit({ event: 'doc', doc: id, kind: 'content-ready', hash: String(ev.contentReady.hash), hashHex: hashHexOf(n, ev.contentReady.hash) });
    } else if (ev.neighborUp) {
      emit({ event: 'doc', doc: id, kind: 'neighbor-up', peer: ev.neighborUp.neighbor });
    } else if (ev.neighborDown) {
      emit({ event: 'doc', doc: id, kind: 'neighbor-down', peer: ev.neighborDown.neighbor });
    } else if (ev.syncFinished) {
      emit({ event: 'doc', doc: id, kind: 'sync-finished', peer: ev.syncFinished.peer, origin: ev.syncFinished.origin, result: ev.syncFinished.result ?? null });
    } else if (ev.pendingContentReady) {
      emit({ event: 'doc', doc: id, kind: 'pending-content-ready' });
    }
  };
}

// ---------------------------------------------------------------------------------------------------------
// Commands

const commands = {
  async info() {
    return { nodeId: node.id(), addrs: node.addrs(), iroh: node.irohVersion, ticket: node.ticket(), ...(await node.readyInfo()) };
  },

  async online(p) {
    if (node.version !== '1') fail('online is iroh 1.x only');
    return node.online(timeoutOf(p));
  },

  /** Tells iroh a public address it cannot learn itself (no QAD against a relay without a trusted certificate). */
  async 'add-external-addr'(p) {
    if (node.version !== '1') fail('add-external-addr is iroh 1.x only');
    await node.ep.addExternalAddr(str(p.addr, 'addr'));
    return { addrs: node.addrs() };
  },

  async pattern(p) {
    const seed = int(p.seed, 'seed');
    const len = int(p.len, 'len');
    const r = { len, sha256: patternSha256(seed, len) };
    if (len <= HEX_INLINE_LIMIT) r.hex = patternBytes(seed, len).toString('hex');
    return r;
  },

  // --- primitives -------------------------------------------------------------------------------------
  async connect(p) {
    const addr = addrOf(p);
    const alpn = str(p.alpn, 'alpn');
    const { conn, ms } = await connectTimed(node, addr, alpn, timeoutOf(p));
    const e = registerConn(conn, 'client', alpn, 'hold');
    return { conn: e.handle, ms: round3(ms), remote: e.remote, alpn };
  },

  async 'open-bi'(p) {
    const e = connEntry(p);
    const bi = await e.conn.openBi();
    return { stream: addStream(e.handle, 'bi', bi.send, bi.recv) };
  },

  async 'open-uni'(p) {
    const e = connEntry(p);
    return { stream: addStream(e.handle, 'uni-send', await e.conn.openUni(), null) };
  },

  async 'accept-bi'(p) {
    const e = connEntry(p);
    // A timed-out accept stays pending and is reused, so no stream is lost to it.
    e.pendingBi = e.pendingBi || e.conn.acceptBi();
    const bi = await withTimeout(e.pendingBi, timeoutOf(p), 'accept-bi');
    e.pendingBi = null;
    return { stream: addStream(e.handle, 'bi', bi.send, bi.recv) };
  },

  async 'accept-uni'(p) {
    const e = connEntry(p);
    e.pendingUni = e.pendingUni || e.conn.acceptUni();
    const recv = await withTimeout(e.pendingUni, timeoutOf(p), 'accept-uni');
    e.pendingUni = null;
    return { stream: addStream(e.handle, 'uni-recv', null, recv) };
  },

  async write(p) {
    const s = streamEntry(p, 'send');
    const data = payloadOf(p);
    await s.send.write(data);
    return { written: data.length, sha256: sha256(data) };
  },

  async finish(p) {
    await streamEntry(p, 'send').send.finish();
    return {};
  },

  async 'read-to-end'(p) {
    const s = streamEntry(p, 'recv');
    const limit = optInt(p.limit, 'limit', 16 << 20);
    const data = await withTimeout(s.recv.readToEnd(limit), timeoutOf(p), 'read-to-end');
    const r = { len: data.length, sha256: sha256(data) };
    if (data.length <= HEX_INLINE_LIMIT) r.hex = data.toString('hex');
    return r;
  },

  async read(p) {
    const s = streamEntry(p, 'recv');
    const max = optInt(p.max, 'max', 65536);
    const data = await withTimeout(s.recv.read(max), timeoutOf(p), 'read');
    if (data === null) return { end: true, len: 0 };
    return { end: false, len: data.length, hex: data.toString('hex') };
  },

  async reset(p) {
    await streamEntry(p, 'send').send.reset(bigCode(p.code, 'code'));
    return {};
  },

  async stop(p) {
    await streamEntry(p, 'recv').recv.stop(bigCode(p.code, 'code'));
    return {};
  },

  async stopped(p) {
    const code = await withTimeout(streamEntry(p, 'send').send.stopped(), timeoutOf(p), 'stopped');
    return { code };
  },

  async 'received-reset'(p) {
    return { code: await streamEntry(p, 'recv').recv.receivedReset() };
  },

  async close(p) {
    const e = connEntry(p);
    const code = bigCode(optInt(p.code, 'code', 0), 'code');
    const reason = p.reason === undefined ? '' : str(p.reason, 'reason');
    e.localClose = { code: Number(code), reason };
    e.conn.close(code, Buffer.from(reason));
    return {};
  },

  async 'wait-closed'(p) {
    const e = connEntry(p);
    return withTimeout(e.closedPromise, timeoutOf(p), 'wait-closed');
  },

  async 'conn-info'(p) {
    const e = connEntry(p);
    return {
      conn: e.handle, remote: e.remote, alpn: e.alpn, side: e.side, behaviour: e.behaviour,
      rttMs: e.conn.rttMs(), closeReason: e.conn.closeReason(), closed: e.closedInfo, ...e.conn.info(),
    };
  },

  // --- compound scenarios ------------------------------------------------------------------------------
  async 'echo-test'(p) {
    const e = connEntry(p);
    if (!Array.isArray(p.sizes)) fail('sizes must be an array of byte counts');
    const seed = optInt(p.seed, 'seed', 1);
    const results = [];
    for (let i = 0; i < p.sizes.length; i++) {
      const size = int(p.sizes[i], 'sizes[i]');
      try {
        results.push(await withTimeout(echoOnce(e.conn, seed + i, size), timeoutOf(p), `echo of ${size} bytes`));
      } catch (err) {
        results.push({ size, ok: false, error: errorText(err) });
      }
    }
    return { allOk: results.every(r => r.ok), results };
  },

  async rounds(p) {
    const e = connEntry(p);
    const count = int(p.count, 'count');
    const size = optInt(p.size, 'size', 32);
    const samples = [];
    const t0 = now();
    for (let i = 0; i < count; i++) {
      const r = await withTimeout(echoOnce(e.conn, i, size), timeoutOf(p), `round ${i}`);
      if (!r.ok) return { allOk: false, completed: i, error: `round ${i}: ${r.error}` };
      samples.push(r.ms);
    }
    return { allOk: true, completed: count, totalMs: round3(now() - t0), ...stats(samples) };
  },

  async concurrent(p) {
    const e = connEntry(p);
    const n = int(p.streams, 'streams');
    const size = int(p.size, 'size');
    const t0 = now();
    const results = await withTimeout(Promise.all(Array.from({ length: n }, (_, i) =>
      echoOnce(e.conn, 1000 + i, size).catch(err => ({ size, ok: false, error: errorText(err) })))),
    timeoutOf(p), `${n} concurrent echoes`);
    const failures = results.map((r, i) => ({ stream: i, ...r })).filter(r => !r.ok);
    const ms = now() - t0;
    return { allOk: failures.length === 0, streams: n, size, totalMs: round3(ms), failures: failures.slice(0, 10), ...stats(results.map(r => r.ms || 0)) };
  },

  async 'uni-test'(p) {
    const e = connEntry(p);
    if (!Array.isArray(p.sizes)) fail('sizes must be an array of byte counts');
    const seed = optInt(p.seed, 'seed', 500);
    const results = [];
    for (let i = 0; i < p.sizes.length; i++) {
      const size = int(p.sizes[i], 'sizes[i]');
      try {
        const r = await withTimeout((async () => {
          const t0 = now();
          const expected = patternBytes(seed + i, size);
          const send = await e.conn.openUni();
          await send.write(expected);
          await send.finish();
          e.pendingUni = e.pendingUni || e.conn.acceptUni();
          const recv = await e.pendingUni;
          e.pendingUni = null;
          const back = await recv.readToEndNative(Math.max(size, 1));
          const ms = round3(now() - t0);
          return nativeEquals(back, expected) ? { size, ok: true, ms }
            : { size, ok: false, ms, error: `uni echo mismatch: sent ${size} bytes, got ${back.length}` };
        })(), timeoutOf(p), `uni echo of ${size} bytes`);
        results.push(r);
      } catch (err) {
        results.push({ size, ok: false, error: errorText(err) });
      }
    }
    return { allOk: results.every(r => r.ok), results };
  },

  async ping(p) {
    // iroh-ping's client: connect, PING/PONG on one bi stream, then close(0, "bye!").
    const addr = addrOf(p);
    const { conn, ms: connectMs } = await connectTimed(node, addr, PING_ALPN, timeoutOf(p));
    try {
      const bi = await conn.openBi();
      const t0 = now();
      await bi.send.write(PING);
      await bi.send.finish();
      const resp = await withTimeout(bi.recv.readToEnd(4), timeoutOf(p), 'ping response');
      const rttMs = now() - t0;
      if (!resp.equals(PONG)) fail(`expected PONG, got ${resp.toString('hex')}`);
      return { rttMs: round3(rttMs), connectMs: round3(connectMs), remote: conn.remote() };
    } finally {
      conn.close(0n, Buffer.from('bye!'));
    }
  },

  async 'bench-handshake'(p) {
    const addr = addrOf(p);
    const alpn = str(p.alpn, 'alpn');
    const count = int(p.count, 'count');
    const reuse = p.reuse !== false;
    const warmup = optInt(p.warmup, 'warmup', 1);
    const size = optInt(p.size, 'size', 32);
    const total = [];
    const connect = [];
    for (let i = 0; i < warmup + count; i++) {
      const client = reuse ? node : await node.freshClient();
      try {
        const t0 = now();
        const { conn, ms } = await connectTimed(client, addr, alpn, timeoutOf(p));
        const r = await withTimeout(echoOnce(conn, i, size), timeoutOf(p), 'first round trip');
        conn.close(0n, Buffer.from('bench'));
        const t1 = now();
        if (!r.ok) fail(`iteration ${i}: ${r.error}`);
        if (i >= warmup) {
          total.push(t1 - t0);
          connect.push(ms);
        }
      } finally {
        if (!reuse) await withTimeout(client.close(), 10000, 'closing the fresh client').catch(e => log(errorText(e)));
      }
    }
    const c = stats(connect);
    return { reuse, count, ...stats(total), connectMedianMs: c.medianMs, connectP90Ms: c.p90Ms };
  },

  async 'bench-throughput'(p) {
    const addr = addrOf(p);
    const alpn = str(p.alpn, 'alpn');
    const bytes = int(p.bytes, 'bytes');
    const chunk = optInt(p.chunk, 'chunk', node.arrays ? 256 * 1024 : 1 << 20);
    const timeoutMs = optInt(p.timeoutMs, 'timeoutMs', 600000);
    const { conn, ms: connectMs } = await connectTimed(node, addr, alpn, timeoutOf({}));
    try {
      const bi = await conn.openBi();
      const block = bi.send.toNative(patternBytes(7, chunk));
      const tail = bytes % chunk;
      const tailBlock = tail ? bi.send.toNative(patternBytes(7, tail)) : null;
      const t0 = now();
      const run = (async () => {
        for (let sent = 0; sent + chunk <= bytes; sent += chunk) await bi.send.writeNative(block);
        if (tailBlock) await bi.send.writeNative(tailBlock);
        await bi.send.finish();
        return bi.recv.readToEnd(8);
      })();
      const reply = await withTimeout(run, timeoutMs, 'throughput run');
      const ms = now() - t0;
      if (reply.length !== 8) fail(`sink replied ${reply.length} bytes, expected an 8-byte count`);
      const counted = Number(reply.readBigUInt64BE());
      if (counted !== bytes) fail(`sink counted ${counted} bytes, sent ${bytes}`);
      return { bytes, ms: round3(ms), mbPerSec: round3(bytes / 1e6 / (ms / 1000)), connectMs: round3(connectMs), chunk };
    } finally {
      conn.close(0n, Buffer.from('done'));
    }
  },

  // --- iroh 0.35: address book, blobs, gossip ----------------------------------------------------------
  async 'add-node-addr'(p) {
    if (node.version !== '0.35') fail('add-node-addr exists only in iroh 0.35 (1.x accepts connections from unknown addresses)');
    // Parameters sit beside the envelope's own "id", so the peer's id travels inside addr.
    await node.node.net.addNodeAddr(node.nodeAddr(addrOf(p)));
    return {};
  },

  async 'remote-info'(p) {
    const n = need035('remote-info');
    const info = await n.node.net.remoteInfo(n.iroh.PublicKey.fromBytes([...hexBytes(p.nodeId, 'nodeId', 32)]));
    if (!info) return { known: false };
    return { known: true, connType: info.connType, latency: info.latency ?? null, addrs: info.addrs.map(a => a.addr), relayUrl: info.relayUrl ?? null };
  },

  async 'blob-add'(p) {
    const n = need035('blob-add');
    let file = null;
    let tmp = false;
    if (typeof p.path === 'string') {
      file = path.resolve(p.path);
    } else {
      const data = payloadOf(p, 'blob');
      if (data.length <= 64 * 1024) {
        const out = await n.node.blobs.addBytes(toNumberArray(data));
        return { ...n.hashInfo(out.hash), size: Number(out.size), format: 'raw' };
      }
      // Large payloads go through a file: addBytes takes a number array.
      file = await n.tmpFile('blob');
      fs.writeFileSync(file, data);
      tmp = true;
    }
    try {
      let done = null;
      let error = null;
      await n.node.blobs.addFromPath(file, false, n.iroh.SetTagOption.auto(), { wrap: false }, (err, prog) => {
        if (err) error = errorText(err);
        else if (prog && prog.allDone) done = prog.allDone;
      });
      if (!done) fail(`adding ${file} failed: ${error || 'ended without an allDone event'}`);
      const size = Number(await n.node.blobs.size(done.hash));
      return { ...n.hashInfo(done.hash), size, format: 'raw' };
    } finally {
      if (tmp) fs.rmSync(file, { force: true });
    }
  },

  async 'blob-ticket'(p) {
    const n = need035('blob-ticket');
    const opts = { addresses: 'Addresses', 'relay-and-addresses': 'RelayAndAddresses', relay: 'Relay', id: 'Id' }[p.addrOptions || 'addresses'];
    if (!opts) fail('addrOptions must be addresses | relay-and-addresses | relay | id');
    const t = await n.node.blobs.share(n.hashOf(p.hash).value, blobFormat(p.format), opts);
    return { ticket: t.toString() };
  },

  async 'blob-download'(p) {
    const n = need035('blob-download');
    let hash;
    let opts;
    if (typeof p.ticket === 'string') {
      const t = n.iroh.BlobTicket.fromString(p.ticket);
      hash = t.hash;
      opts = t.asDownloadOptions();
    } else {
      hash = n.hashOf(p.hash).value;
      const nodes = [addrOf(p, 'node')].map(a => n.nodeAddr(a));
      opts = new n.iroh.BlobDownloadOptions(blobFormat(p.format), nodes, n.iroh.SetTagOption.auto());
    }
    const t0 = now();
    let allDone = null;
    let error = null;
    let firstByte = null;
    const found = [];
    // Failures arrive as an error passed to the progress callback; the promise itself resolves.
    await withTimeout(n.node.blobs.download(hash, opts, (err, prog) => {
      if (err) error = errorText(err);
      else if (prog && prog.allDone) allDone = prog.allDone;
      else if (prog && prog.found) found.push({ hash: prog.found.hash, size: Number(prog.found.size) });
      else if (firstByte === null && prog && prog.progress && prog.progress.offset > 0n) firstByte = epochMs();
    }), timeoutOf(p), 'blob download');
    const ms = now() - t0;
    if (!allDone) fail(`download of ${hash} failed: ${error || 'ended without an allDone event'}`, { found });
    return {
      ...n.hashInfo(hash), ms: round3(ms), bytesRead: Number(allDone.bytesRead),
      bytesWritten: Number(allDone.bytesWritten), elapsedMs: Number(allDone.elapsed), found,
      firstByteAt: firstByte, complete: await n.node.blobs.has(hash),
    };
  },

  async 'blob-read'(p) {
    const n = need035('blob-read');
    const hash = n.hashOf(p.hash).value;
    const size = Number(await n.node.blobs.size(hash));
    let data;
    if (size <= 1 << 20) {
      data = Buffer.from(await n.node.blobs.readToBytes(hash));
    } else {
      // readToBytes returns a number array; big blobs go through a file instead.
      const file = await n.tmpFile('read');
      try {
        await n.node.blobs.writeToPath(hash, file);
        data = fs.readFileSync(file);
      } finally {
        fs.rmSync(file, { force: true });
      }
    }
    const r = { ...n.hashInfo(hash), len: data.length, sha256: sha256(data) };
    if (data.length <= HEX_INLINE_LIMIT) r.hex = data.toString('hex');
    return r;
  },

  async 'blob-has'(p) {
    const n = need035('blob-has');
    const hash = n.hashOf(p.hash).value;
    const st = await n.node.blobs.status(hash);
    return { ...n.hashInfo(hash), has: st.type === 'Complete', status: st.type.toLowerCase(), size: st.size === undefined ? null : Number(st.size) };
  },

  async 'collection-add'(p) {
    const n = need035('collection-add');
    if (!Array.isArray(p.files) || p.files.length === 0) fail('files must be a non-empty array of {name, hex|pattern}');
    const col = new n.iroh.Collection();
    const children = [];
    for (const f of p.files) {
      const name = str(f.name, 'files[].name');
      const added = await commands['blob-add'](f);
      col.push(name, added.hash);
      children.push({ name, hash: added.hash, hashHex: added.hashHex, size: added.size });
    }
    const ht = await n.node.blobs.createCollection(col, n.iroh.SetTagOption.auto(), []);
    const ticket = (await n.node.blobs.share(ht.hash, 'HashSeq', 'Addresses')).toString();
    return { ...n.hashInfo(ht.hash), ticket, children };
  },

  async 'blob-export'(p) {
    const n = need035('blob-export');
    const dest = path.resolve(str(p.path, 'path'));
    const format = p.format === 'collection' ? 'Collection' : 'Blob';
    await n.node.blobs.export(n.hashOf(p.hash).value, dest, format, 'Copy');
    return { path: dest };
  },

  async 'gossip-subscribe'(p) {
    const n = need035('gossip-subscribe');
    const topicHex = hexBytes(p.topic, 'topic', 32).toString('hex');
    if (n.gossipTopics.has(topicHex)) fail(`already subscribed to topic ${topicHex}`);
    const bootstrap = (p.bootstrap || []).map((b, i) => hexBytes(b, `bootstrap[${i}]`, 32).toString('hex'));
    // quitOn: the process shuts down as soon as a message with this content (hex) arrives, as an app that quits on
    // its last message does (no round trip through the test driver)
    const quitOn = p.quitOn === undefined ? null : hexBytes(p.quitOn, 'quitOn').toString('hex');
    const sender = await n.node.gossip.subscribe([...Buffer.from(topicHex, 'hex')], bootstrap, (err, m) => {
      if (err) {
        emit({ event: 'gossip', topic: topicHex, kind: 'error', error: errorText(err) });
      } else if (m.received) {
        const content = Buffer.from(m.received.content).toString('hex');
        emit({ event: 'gossip', topic: topicHex, kind: 'received', content, from: m.received.deliveredFrom });
        if (quitOn !== null && content === quitOn) setImmediate(() => shutdown(0));
      } else if (m.neighborUp) {
        emit({ event: 'gossip', topic: topicHex, kind: 'neighbor-up', from: m.neighborUp });
      } else if (m.neighborDown) {
        emit({ event: 'gossip', topic: topicHex, kind: 'neighbor-down', from: m.neighborDown });
      } else if (m.joined) {
        emit({ event: 'gossip', topic: topicHex, kind: 'joined', neighbors: m.joined });
      } else if (m.lagged) {
        emit({ event: 'gossip', topic: topicHex, kind: 'lagged' });
      }
    });
    n.gossipTopics.set(topicHex, sender);
    return { topic: topicHex };
  },

  async 'gossip-broadcast'(p) {
    const n = need035('gossip-broadcast');
    const topicHex = hexBytes(p.topic, 'topic', 32).toString('hex');
    const sender = n.gossipTopics.get(topicHex);
    if (!sender) fail(`not subscribed to topic ${topicHex}`);
    const msg = toNumberArray(payloadOf(p, 'message'));
    if (p.neighborsOnly) await sender.broadcastNeighbors(msg);
    else await sender.broadcast(msg);
    return { len: msg.length };
  },

  async 'gossip-broadcast-many'(p) {
    const n = need035('gossip-broadcast-many');
    const topicHex = hexBytes(p.topic, 'topic', 32).toString('hex');
    const sender = n.gossipTopics.get(topicHex);
    if (!sender) fail(`not subscribed to topic ${topicHex}`);
    const count = int(p.count, 'count');
    const size = int(p.size, 'size');
    const prefix = str(p.prefix || '', 'prefix');
    if (count < 1 || size < prefix.length + 8) fail('count must be >= 1 and size >= prefix length + 8');
    // Distinct messages (gossip deduplicates by content): prefix, zero-padded index, then '.' up to size bytes.
    const t0 = now();
    for (let i = 0; i < count; i++) {
      const head = prefix + String(i).padStart(8, '0');
      await sender.broadcast(toNumberArray(Buffer.from(head.padEnd(size, '.'))));
    }
    return { count, size, ms: round3(now() - t0) };
  },

  async 'gossip-leave'(p) {
    const n = need035('gossip-leave');
    const topicHex = hexBytes(p.topic, 'topic', 32).toString('hex');
    const sender = n.gossipTopics.get(topicHex);
    if (!sender) fail(`not subscribed to topic ${topicHex}`);
    n.gossipTopics.delete(topicHex);
    await sender.close();
    return {};
  },


  // --- iroh 0.35 docs (--docs) -------------------------------------------------------------------------
  async 'author-default'() {
    const n = needDocs('author-default');
    return { author: (await n.node.authors.default()).toString() };
  },

  async 'author-create'() {
    const n = needDocs('author-create');
    return { author: (await n.node.authors.create()).toString() };
  },

  async 'doc-create'() {
    const n = needDocs('doc-create');
    const doc = await n.node.docs.create();
    n.docs.set(doc.id(), doc);
    return { doc: doc.id() };
  },

  async 'doc-import'(p) {
    const n = needDocs('doc-import');
    const ticket = n.iroh.DocTicket.fromString(str(p.ticket, 'ticket'));
    const t0 = now();
    let doc;
    if (p.waitSync) {
      // Timed by iroh's own signals: the first successful sync, then the content: the expectContent-th
      // content-ready event if given, else the pending-content-ready after the sync (no polling).
      const expect = optInt(p.expectContent, 'expectContent', -1);
      let syncMs = null;
      let contentMs = null;
      let ready = 0;
      let failures = [];
      let done;
      const finished = new Promise(resolve => { done = resolve; });
      doc = await n.node.docs.joinAndSubscribe(ticket, (err, ev) => {
        if (err || !ev) return;
        if (ev.syncFinished) {
          if (ev.syncFinished.result) failures.push(ev.syncFinished.result);
          else if (syncMs === null) syncMs = now() - t0;
        } else if (ev.contentReady) {
          ready++;
        } else if (ev.pendingContentReady && expect < 0 && syncMs !== null && contentMs === null) {
          contentMs = now() - t0;
          done();
        }
        if (expect >= 0 && syncMs !== null && ready >= expect && contentMs === null) {
          contentMs = now() - t0;
          done();
        }
      });
      n.docs.set(doc.id(), doc);
      n.docSubscribed.add(doc.id());
      await withTimeout(finished, timeoutOf(p), `sync of ${doc.id()} (failures: ${failures.join('; ') || 'none'})`);
      const latest = await latestEntries(doc, null);
      const r = { doc: doc.id(), syncMs: round3(syncMs), contentMs: round3(contentMs), count: latest.length };
      if (p.content) r.complete = await contentComplete(n, latest);
      return r;
    }
    if (p.subscribe) {
      let id = null;
      const early = [];
      const cb = (err, ev) => (id ? docEvent(n, id, p)(err, ev) : early.push([err, ev]));
      doc = await n.node.docs.joinAndSubscribe(ticket, cb);
      id = doc.id();
      n.docSubscribed.add(id);
      for (const [err, ev] of early) docEvent(n, id, p)(err, ev);
    } else {
      doc = await n.node.docs.join(ticket);
    }
    n.docs.set(doc.id(), doc);
    const r = { doc: doc.id(), joinMs: round3(now() - t0) };
    if (p.count !== undefined) Object.assign(r, await waitForEntries(n, doc, p, t0));
    return r;
  },

  async 'doc-subscribe'(p) {
    const n = needDocs('doc-subscribe');
    const doc = await docOf(n, p);
    if (n.docSubscribed.has(doc.id())) fail(`already subscribed to ${doc.id()}`);
    await doc.subscribe(docEvent(n, doc.id(), p));
    n.docSubscribed.add(doc.id());
    return {};
  },

  async 'doc-share'(p) {
    const n = needDocs('doc-share');
    const doc = await docOf(n, p);
    const mode = p.mode === 'read' ? 'Read' : p.mode === 'write' ? 'Write' : fail('mode must be "read" or "write"');
    const opts = { addresses: 'Addresses', 'relay-and-addresses': 'RelayAndAddresses', relay: 'Relay', id: 'Id' }[p.addrOptions || 'addresses'];
    return { ticket: (await doc.share(mode, opts)).toString() };
  },

  async 'doc-set'(p) {
    const n = needDocs('doc-set');
    const doc = await docOf(n, p);
    const value = payloadOf(p, 'value');
    const hash = await doc.setBytes(await authorOf(n, p), toNumberArray(keyOf(p)), toNumberArray(value));
    return { hash: hash.value, hashHex: hash.toString('hex'), len: value.length };
  },

  async 'doc-set-many'(p) {
    const n = needDocs('doc-set-many');
    const doc = await docOf(n, p);
    const count = int(p.count, 'count');
    const prefix = typeof p.prefix === 'string' ? p.prefix : 'key-';
    const author = await authorOf(n, p);
    const t0 = now();
    for (let i = 0; i < count; i++) {
      const key = Buffer.from(`${prefix}${String(i).padStart(7, '0')}`, 'utf8');
      const value = Buffer.from(`${typeof p.valuePrefix === 'string' ? p.valuePrefix : 'value-'}${i}`, 'utf8');
      await doc.setBytes(author, toNumberArray(key), toNumberArray(value));
    }
    return { count, ms: round3(now() - t0) };
  },

  async 'doc-del'(p) {
    const n = needDocs('doc-del');
    const doc = await docOf(n, p);
    const removed = await doc.delete(await authorOf(n, p), toNumberArray(keyOf(p, 'prefix')));
    return { removed: Number(removed) };
  },

  async 'doc-get'(p) {
    const n = needDocs('doc-get');
    const doc = await docOf(n, p);
    const key = toNumberArray(keyOf(p));
    const e = typeof p.author === 'string'
      ? await doc.getExact(n.iroh.AuthorId.fromString(p.author), key, !!p.includeEmpty)
      : await doc.getOne(n.iroh.Query.singleLatestPerKeyExact(key));
    if (!e) return { found: false };
    const r = { found: true, entry: entryJson(n, e) };
    const hash = n.hashOf(String(e.hash)).value;
    const st = await n.node.blobs.status(hash);
    r.contentStatus = st.type.toLowerCase();
    if (st.type === 'Complete' && Number(e.len) <= HEX_INLINE_LIMIT) r.contentHex = Buffer.from(await n.node.blobs.readToBytes(hash)).toString('hex');
    return r;
  },

  async 'doc-list'(p) {
    const n = needDocs('doc-list');
    const doc = await docOf(n, p);
    const prefix = typeof p.prefix === 'string' ? Buffer.from(p.prefix, 'utf8') : null;
    const entries = p.all
      ? await doc.getMany(n.iroh.Query.all(null))
      : await latestEntries(doc, prefix);
    const limit = optInt(p.limit, 'limit', 2000);
    return { count: entries.length, entries: entries.slice(0, limit).map(e => entryJson(n, e)) };
  },

  async 'doc-digest'(p) {
    const n = needDocs('doc-digest');
    const doc = await docOf(n, p);
    // Every entry but deletion markers (the 0.35 binding's queries cannot include them), order-independent.
    const all = await doc.getMany(n.iroh.Query.all(null));
    const lines = all.map(e => `${e.author} ${Buffer.from(e.key).toString('hex')} ${hashHexOf(n, e.hash)} ${e.len} ${e.timestamp}`).sort();
    const latest = await latestEntries(doc, null);
    const r = { entries: all.length, latest: latest.length, digest: crypto.createHash('sha256').update(lines.join('\n')).digest('hex') };
    if (p.content) r.complete = await contentComplete(n, latest);
    return r;
  },

  async 'doc-wait'(p) {
    const n = needDocs('doc-wait');
    return waitForEntries(n, await docOf(n, p), p, now());
  },

  async 'doc-start-sync'(p) {
    const n = needDocs('doc-start-sync');
    const doc = await docOf(n, p);
    const peers = (p.peers || []).map(a => n.nodeAddr(addrOf({ addr: a })));
    await doc.startSync(peers);
    return {};
  },

  async 'doc-leave'(p) {
    const n = needDocs('doc-leave');
    await (await docOf(n, p)).leave();
    return {};
  },

  // --- tickets -----------------------------------------------------------------------------------------
  async 'ticket-info'(p) {
    return node.ticketInfo(str(p.ticket, 'ticket'));
  },

  async 'ticket-make'(p) {
    return { ticket: node.ticketMake(p) };
  },

  async shutdown() {
    setImmediate(() => shutdown(0));
    return {};
  },
};

async function dispatch(line) {
  let msg;
  try {
    msg = JSON.parse(line);
  } catch (e) {
    emit({ id: null, ok: false, error: `invalid JSON: ${errorText(e)}` });
    return;
  }
  const id = msg && msg.id !== undefined ? msg.id : null;
  const handler = msg && typeof msg.cmd === 'string' && Object.prototype.hasOwnProperty.call(commands, msg.cmd)
    ? commands[msg.cmd] : null;
  if (!handler) {
    emit({ id, ok: false, error: `unknown command ${JSON.stringify(msg && msg.cmd)}` });
    return;
  }
  try {
    const result = await handler(msg);
    emit({ ...result, id, ok: true });
  } catch (e) {
    emit({ ...(e instanceof HarnessError ? e.extra : {}), id, ok: false, error: errorText(e) });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Start-up and shutdown

function parseArgs(argv) {
  const o = { iroh: null, secret: null, bind: '127.0.0.1:0', behaviours: new Map(), docs: false, retry: false, relay: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--iroh') o.iroh = val();
    else if (a === '--secret') o.secret = Buffer.from(val(), 'hex');
    else if (a === '--bind') o.bind = val();
    else if (a === '--docs') o.docs = true;
    else if (a === '--store') o.store = val();
    else if (a === '--retry') o.retry = true;
    else if (a === '--relay') o.relay = val();
    else if (a === '--discovery-n0') o.discoveryN0 = true;
    else if (a === '--alpn') {
      const v = val();
      const eq = v.lastIndexOf('=');
      if (eq <= 0) throw new Error(`--alpn expects <alpn>=<behaviour>, got ${v}`);
      const behaviour = v.slice(eq + 1);
      if (!BEHAVIOURS.has(behaviour)) throw new Error(`unknown behaviour ${behaviour}; expected one of ${[...BEHAVIOURS].join(', ')}`);
      o.behaviours.set(v.slice(0, eq), behaviour);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (o.iroh !== '1' && o.iroh !== '0.35') throw new Error('--iroh must be 1 or 0.35');
  if (o.docs && o.iroh !== '0.35') throw new Error('--docs needs --iroh 0.35 (the 1.x binding has no docs)');
  if (o.store && o.iroh !== '0.35') throw new Error('--store needs --iroh 0.35 (the 1.x binding has no blob store)');
  if (o.retry && o.iroh !== '1') throw new Error('--retry needs --iroh 1 (the 0.35 binding accepts every Initial itself)');
  if (o.relay && o.iroh !== '1') throw new Error('--relay needs --iroh 1 (the 0.35 binding cannot choose its relay)');
  if (o.secret && o.secret.length !== 32) throw new Error('--secret must be 64 hex digits');
  return o;
}

let shuttingDown = false;

async function shutdown(code) {
  if (shuttingDown) return;
  shuttingDown = true;
  try {
    // Close frames go out at once; an endpoint with a connect still in flight would wait ~3 s more (1.x).
    if (node) await withTimeout(node.shutdown(), 2000, 'node shutdown');
  } catch (e) {
    log('shutdown:', errorText(e));
  }
  process.exit(code);
}

function fatal(e) {
  const stack = e && e.stack ? String(e.stack).split('Stack backtrace:')[0].split('\n').slice(0, 8).join('\n').trim() : null;
  emit({ event: 'error', fatal: true, error: errorText(e), stack });
  process.exit(70);
}

process.on('uncaughtException', fatal);
process.on('unhandledRejection', fatal);

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (e) {
    emit({ event: 'error', fatal: true, error: errorText(e) });
    process.exit(64);
  }
  const t0 = now();
  if (opts.iroh === '1') {
    node = await NodeV1.start(opts, conn => onIncoming(conn));
  } else {
    node = await NodeV035.start(opts, conn => onIncoming(conn));
    await node.init();
  }
  emit({
    event: 'ready', id: node.id(), addrs: node.addrs(), iroh: node.irohVersion, ticket: node.ticket(),
    alpns: Object.fromEntries(opts.behaviours), pid: process.pid, startMs: round3(now() - t0), ...(await node.readyInfo()),
  });
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', line => {
    if (line.trim() === '') return;
    dispatch(line).catch(fatal);
  });
  rl.on('close', () => shutdown(0));
}

main().catch(fatal);
