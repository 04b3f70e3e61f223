// Independent mainline DHT nodes for the Java tests (never our code): npm bittorrent-dht 11 (BEP 5 + BEP 44),
// mutable items signed with node:crypto Ed25519. Usage: node oracles/dht.mjs <count> [bootstrap ip:port,...]
// Starts <count> nodes on 127.0.0.1 (each also bootstrapped from the ones started before it), prints
// {"ready":true,"nodes":[{"port","id"}...]}, then answers one JSON command per stdin line with one JSON line:
//   {"op":"put","node":i,"seed":hex,"seq":n,"v":hex}      -> {"target","stored"} or {"error"}
//   {"op":"get","node":i,"target":hex}                    -> {"found":bool,"seq","v","k"}
//   {"op":"announce","node":i,"infoHash":hex,"port":n}    -> {"ok":true} or {"error"}
//   {"op":"lookup","node":i,"infoHash":hex}               -> {"peers":["ip:port",...]}
//   {"op":"addNode","node":i,"host":ip,"port":n}          -> {"ok":true}
//   {"op":"nodes","node":i}                               -> {"count":n}
import crypto from 'node:crypto'
import readline from 'node:readline'
import DHT from 'bittorrent-dht'

const SPKI = Buffer.from('302a300506032b6570032100', 'hex')
const PKCS8 = Buffer.from('302e020100300506032b657004220420', 'hex')

function verify (sig, msg, pk) {
  try {
    const key = crypto.createPublicKey({ key: Buffer.concat([SPKI, pk]), format: 'der', type: 'spki' })
    return crypto.verify(null, msg, key, sig)
  } catch (e) {
    return false
  }
}

const count = Number(process.argv[2] || 1)
const given = (process.argv[3] || '').split(',').filter(s => s.length > 0)
const nodes = []

async function startNode (bootstrap) {
  // No 'host' option: with it, bittorrent-dht also stores its own announces, hiding whether a remote node did.
  const dht = new DHT({ bootstrap: bootstrap.length ? bootstrap : false, verify })
  dht.on('error', e => process.stderr.write('dht error: ' + e.message + '\n'))
  await new Promise(resolve => dht.listen(0, '127.0.0.1', resolve))
  // 'ready' follows the bootstrap lookup; the timeout only guards against a bootstrap that never settles.
  await new Promise(resolve => {
    if (dht.ready) return resolve()
    dht.once('ready', resolve)
    setTimeout(resolve, 10000)
  })
  return dht
}

function out (o) {
  process.stdout.write(JSON.stringify(o) + '\n')
}

async function handle (c) {
  const dht = nodes[c.node || 0]
  switch (c.op) {
    case 'put': {
      const seed = Buffer.from(c.seed, 'hex')
      const priv = crypto.createPrivateKey({ key: Buffer.concat([PKCS8, seed]), format: 'der', type: 'pkcs8' })
      const k = crypto.createPublicKey(priv).export({ format: 'der', type: 'spki' }).subarray(12)
      const v = Buffer.from(c.v, 'hex')
      return new Promise(resolve => {
        try {
          dht.put({ k, v, seq: c.seq, sign: buf => crypto.sign(null, buf, priv) }, (err, hash, n) => {
            if (err) resolve({ error: err.message, stored: n })
            else resolve({ target: hash.toString('hex'), stored: n })
          })
        } catch (e) {
          resolve({ error: e.message })
        }
      })
    }
    case 'get':
      return new Promise(resolve => dht.get(Buffer.from(c.target, 'hex'), { cache: false }, (err, res) => {
        if (err) resolve({ error: err.message })
        else if (!res) resolve({ found: false })
        else resolve({ found: true, seq: res.seq, v: Buffer.from(res.v).toString('hex'), k: Buffer.from(res.k).toString('hex') })
      }))
    case 'announce':
      return new Promise(resolve => dht.announce(Buffer.from(c.infoHash, 'hex'), c.port || 0, err =>
        resolve(err ? { error: err.message } : { ok: true })))
    case 'lookup': {
      const peers = new Set()
      const onPeer = (peer, ih) => { if (ih.toString('hex') === c.infoHash) peers.add(peer.host + ':' + peer.port) }
      dht.on('peer', onPeer)
      return new Promise(resolve => dht.lookup(Buffer.from(c.infoHash, 'hex'), err => {
        dht.removeListener('peer', onPeer)
        resolve(err ? { error: err.message } : { peers: [...peers] })
      }))
    }
    case 'addNode':
      dht.addNode({ host: c.host, port: c.port })
      return { ok: true }
    case 'nodes':
      return { count: dht.toJSON().nodes.length }
    default:
      return { error: 'unknown op ' + c.op }
  }
}

for (let i = 0; i < count; i++) {
  const mine = nodes.map(d => '127.0.0.1:' + d.address().port)
  nodes.push(await startNode(given.concat(mine)))
}
out({ ready: true, nodes: nodes.map(d => ({ port: d.address().port, id: d.nodeId.toString('hex') })) })

const rl = readline.createInterface({ input: process.stdin })
let queue = Promise.resolve()
rl.on('line', line => {
  queue = queue.then(async () => {
    try {
      out(await handle(JSON.parse(line)))
    } catch (e) {
      out({ error: e.message })
    }
  })
})
rl.on('close', () => {
  queue.then(() => {
    for (const d of nodes) d.destroy()
    process.exit(0)
  })
})
