// Independent pkarr implementations for the Java tests (never our code): node:crypto Ed25519 with npm dns-packet,
// and npm pkarr 1.3.0 (sodium). One command per run, JSON on stdout.
//   verify <full packet hex>                         -> {crypto, pkarr, z32, ts, answers[]}
//   sign <seed hex> <ts µs> <ttl> <txt>...           -> {packet} signed with node:crypto, DNS by dns-packet
//   pkarr-sign <seed hex> <ts µs> <ttl> <txt>...     -> {packet} signed by npm pkarr's SignedPacket.fromPacket
//   put <relay base URL> <full packet hex>           -> {status}: PUT <base>/<z32> with the relay payload, as iroh
import crypto from 'node:crypto'
import dns from 'dns-packet'
import sodium from 'sodium-universal'
import z32 from 'z32'
import { SignedPacket } from 'pkarr'

const SPKI = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')

function signable (seq, v) {
  return Buffer.concat([Buffer.from(`3:seqi${seq}e1:v${v.length}:`), v])
}

function answersOf (v) {
  return dns.decode(v).answers.map(a => ({
    name: a.name,
    type: a.type,
    ttl: a.ttl,
    data: a.type === 'TXT' ? a.data.map(d => Buffer.from(d).toString('utf8')) : String(a.data)
  }))
}

function verify (hex) {
  const b = Buffer.from(hex, 'hex')
  const out = { length: b.length }
  const pk = b.subarray(0, 32)
  const sig = b.subarray(32, 96)
  const ts = b.readBigUInt64BE(96)
  const v = b.subarray(104)
  out.z32 = z32.encode(pk)
  out.ts = ts.toString()
  try {
    const key = crypto.createPublicKey({ key: Buffer.concat([SPKI, pk]), format: 'der', type: 'spki' })
    out.crypto = crypto.verify(null, signable(ts, v), key, sig)
  } catch (e) {
    out.crypto = false
    out.cryptoError = e.message
  }
  try {
    out.answers = answersOf(v)
  } catch (e) {
    out.dnsError = e.message
  }
  try {
    const p = SignedPacket.fromBytes(pk, b.subarray(32))
    out.pkarr = 'ok'
    out.pkarrTs = String(p.timestamp())
  } catch (e) {
    out.pkarr = e.message
  }
  return out
}

function packetOf (seed, ttl, strings) {
  const pk = Buffer.alloc(32)
  const sk = Buffer.alloc(64)
  sodium.crypto_sign_seed_keypair(pk, sk, seed)
  const name = '_iroh.' + z32.encode(pk)
  return {
    pk,
    sk,
    packet: {
      type: 'response',
      id: 0,
      answers: strings.map(s => ({ name, type: 'TXT', class: 'IN', ttl, data: [Buffer.from(s)] }))
    }
  }
}

function sign (seedHex, ts, ttl, strings) {
  const seed = Buffer.from(seedHex, 'hex')
  const { pk, packet } = packetOf(seed, ttl, strings)
  const v = dns.encode(packet)
  const key = crypto.createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' })
  const sig = crypto.sign(null, signable(BigInt(ts), v), key)
  const t = Buffer.alloc(8)
  t.writeBigUInt64BE(BigInt(ts))
  return { packet: Buffer.concat([pk, sig, t, v]).toString('hex') }
}

function pkarrSign (seedHex, ts, ttl, strings) {
  const seed = Buffer.from(seedHex, 'hex')
  const { pk, sk, packet } = packetOf(seed, ttl, strings)
  const p = SignedPacket.fromPacket({ publicKey: pk, secretKey: sk }, packet, { timestamp: Number(ts) })
  return { packet: Buffer.concat([pk, p.bytes()]).toString('hex') }
}

async function put (base, hex) {
  // as iroh's PkarrRelayClient: the payload without the key, no content type
  const b = Buffer.from(hex, 'hex')
  const res = await fetch(`${base}/${z32.encode(b.subarray(0, 32))}`, { method: 'PUT', body: b.subarray(32) })
  return { status: res.status }
}

const [cmd, ...args] = process.argv.slice(2)
let result
if (cmd === 'verify') {
  result = verify(args[0])
} else if (cmd === 'sign') {
  result = sign(args[0], args[1], Number(args[2]), args.slice(3))
} else if (cmd === 'pkarr-sign') {
  result = pkarrSign(args[0], args[1], Number(args[2]), args.slice(3))
} else if (cmd === 'put') {
  result = await put(args[0], args[1])
} else {
  console.error('usage: pkarr.mjs verify|sign|pkarr-sign|put ...')
  process.exit(2)
}
console.log(JSON.stringify(result))
