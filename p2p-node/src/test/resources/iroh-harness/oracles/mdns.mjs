// An independent mDNS peer for the Java local-discovery tests (never our code): npm multicast-dns 7.2.5 (which
// reads and writes with dns-packet), speaking swarm-discovery's format as iroh does (wire map §7).
//   decode <hex>                                  -> {id, flags, questions[], answers[], additionals[]} (one shot)
//   announce-bytes <service> <label> <port> <ip>  -> {packet: hex} iroh's response, encoded by dns-packet (one shot)
//   live <service> <label> <port> <ip>            -> runs on 224.0.0.251:5353 until stdin closes:
//       prints {event:'ready'}; every response naming <service> as {event:'response', from, packet};
//       every PTR query for <service> as {event:'query', from}, answered in iroh's format (SRV+TXT, A);
//       stdin {cmd:'query'} sends swarm-discovery's query, {cmd:'announce'} sends the response unasked.
import dns from 'dns-packet'
import makeMdns from 'multicast-dns'
import readline from 'node:readline'

function recordOf (r) {
  const out = { name: r.name, type: r.type, class: r.class, flush: !!r.flush, ttl: r.ttl }
  if (r.type === 'TXT') out.data = r.data.map(d => Buffer.from(d).toString('utf8'))
  else if (r.type === 'SRV') out.data = { priority: r.data.priority, weight: r.data.weight, port: r.data.port, target: r.data.target }
  else out.data = typeof r.data === 'string' ? r.data : String(r.data)
  return out
}

function decoded (p) {
  return {
    id: p.id,
    flags: p.flags,
    type: p.type,
    questions: p.questions.map(q => ({ name: q.name, type: q.type, class: q.class })),
    answers: p.answers.map(recordOf),
    additionals: p.additionals.map(recordOf)
  }
}

// swarm-discovery's response (SD sender.rs::make_response): SRV and TXT under <label>.<service>, A under
// <label>-<port>.local, TTL 0, class IN without the cache-flush bit.
function announcement (service, label, port, ip) {
  const instance = `${label}.${service}`
  const target = `${label}-${port}.local`
  return {
    answers: [
      { name: instance, type: 'SRV', class: 'IN', flush: false, ttl: 0, data: { priority: 0, weight: 0, port, target } },
      { name: instance, type: 'TXT', class: 'IN', flush: false, ttl: 0, data: ['user-data=from-multicast-dns'] }
    ],
    additionals: [
      { name: target, type: ip.includes(':') ? 'AAAA' : 'A', class: 'IN', flush: false, ttl: 0, data: ip }
    ]
  }
}

const [cmd, ...args] = process.argv.slice(2)
if (cmd === 'decode') {
  console.log(JSON.stringify(decoded(dns.decode(Buffer.from(args[0], 'hex')))))
} else if (cmd === 'announce-bytes') {
  const [service, label, port, ip] = args
  const a = announcement(service, label, Number(port), ip)
  const bytes = dns.encode({ type: 'response', id: 0, flags: dns.AUTHORITATIVE_ANSWER, ...a })
  console.log(JSON.stringify({ packet: bytes.toString('hex') }))
} else if (cmd === 'live') {
  const [service, label, port, ip] = args
  const mdns = makeMdns({ reuseAddr: true, loopback: true })
  const mine = announcement(service, label, Number(port), ip)
  const print = o => console.log(JSON.stringify(o))
  mdns.on('ready', () => print({ event: 'ready' }))
  mdns.on('response', (p, rinfo) => {
    if (p.answers.some(a => a.name.toLowerCase().endsWith('.' + service.toLowerCase()))) {
      print({ event: 'response', from: rinfo.address, packet: decoded(p) })
    }
  })
  mdns.on('query', (p, rinfo) => {
    if (p.questions.some(q => q.type === 'PTR' && q.name.toLowerCase() === service.toLowerCase())) {
      print({ event: 'query', from: rinfo.address })
      mdns.respond(mine)
    }
  })
  mdns.on('warning', e => process.stderr.write('warning: ' + e.message + '\n'))
  mdns.on('error', e => process.stderr.write('error: ' + e.message + '\n'))
  readline.createInterface({ input: process.stdin }).on('line', line => {
    const c = JSON.parse(line)
    if (c.cmd === 'query') mdns.query({ questions: [{ name: service, type: 'PTR', class: 'IN' }] })
    else if (c.cmd === 'announce') mdns.respond(mine)
  }).on('close', () => mdns.destroy(() => process.exit(0)))
} else {
  process.stderr.write('usage: mdns.mjs decode <hex> | announce-bytes <service> <label> <port> <ip> | live <service> <label> <port> <ip>\n')
  process.exit(2)
}
