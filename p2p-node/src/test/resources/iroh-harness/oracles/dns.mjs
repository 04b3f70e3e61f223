// An independent DNS client for the Java tests: npm dns-packet over node:dgram (never our code).
//   query <ip> <port> <name> <type>   -> {rcode, flags, answers: [{name, type, ttl, data}]}
import dgram from 'node:dgram'
import dns from 'dns-packet'

const [cmd, ip, port, name, type] = process.argv.slice(2)
if (cmd !== 'query') {
  console.error('usage: dns.mjs query <ip> <port> <name> <type>')
  process.exit(2)
}
const sock = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4')
const id = Math.floor(Math.random() * 65536)
const timer = setTimeout(() => { console.error('no answer'); process.exit(1) }, 10000)
sock.on('message', msg => {
  const m = dns.decode(msg)
  if (m.id !== id) return
  clearTimeout(timer)
  console.log(JSON.stringify({
    rcode: m.rcode,
    flags: m.flags,
    answers: m.answers.map(a => ({
      name: a.name,
      type: a.type,
      ttl: a.ttl,
      data: a.type === 'TXT' ? a.data.map(d => Buffer.from(d).toString('utf8')) : a.data
    })),
    authorities: m.authorities.map(a => ({ name: a.name, type: a.type }))
  }))
  sock.close()
})
sock.send(dns.encode({ type: 'query', id, flags: dns.RECURSION_DESIRED, questions: [{ type, name }] }), Number(port), ip)
