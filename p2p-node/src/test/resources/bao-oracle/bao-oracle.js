// Asks a real iroh 0.35 provider for BAO responses over a raw /iroh-bytes/4 stream, for BaoIrohInteropTest.
// Usage: node bao-oracle.js <outDir> <sizes comma-separated> <name=rangeSpecHex,...>
// Blob i of size n holds byte (i*7 + (i>>8) + (i>>16)) & 0xff at offset i. Writes <outDir>/<size>_<name>.bin
// (the raw response), hashes.json (size -> hex hash) and keeps the provider's store in <outDir>/store.
const iroh = require('iroh035');
const fs = require('fs');
const [outDir, sizesArg, queriesArg] = process.argv.slice(2);
const sizes = sizesArg.split(',').map(Number);
const queries = Object.fromEntries(queriesArg.split(',').map(q => q.split('=')));
function data(n) {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 8) + (i >> 16)) & 0xff;
  return b;
}
(async () => {
  const provider = await iroh.Iroh.persistent(outDir + '/store', { nodeDiscovery: 'None', ipv4Addr: '127.0.0.1:0' });
  const client = await iroh.Iroh.memory({ nodeDiscovery: 'None', ipv4Addr: '127.0.0.1:0' });
  const addr = await provider.net.nodeAddr();
  const conn = await client.node.endpoint().connect(
    { nodeId: addr.nodeId, addresses: addr.addresses.filter(x => x.startsWith('127')) }, Buffer.from('/iroh-bytes/4'));
  const hashes = {};
  for (const n of sizes) {
    const added = await provider.blobs.addBytes(Array.from(data(n)));
    const hash = Buffer.from(iroh.Hash.fromString(added.hash).toBytes());
    hashes[n] = hash.toString('hex');
    for (const [name, spec] of Object.entries(queries)) {
      // Request::Get(GetRequest { hash, ranges: RangeSpecSeq [(0, spec), (1, EMPTY)] }), then FIN.
      const req = Buffer.concat([Buffer.from([0]), hash, Buffer.from('0200' + spec + '0100', 'hex')]);
      const bi = await conn.openBi();
      await bi.send.writeAll(req);
      await bi.send.finish();
      fs.writeFileSync(`${outDir}/${n}_${name}.bin`, await bi.recv.readToEnd(200e6));
    }
  }
  fs.writeFileSync(outDir + '/hashes.json', JSON.stringify(hashes));
  await provider.node.shutdown();
  await client.node.shutdown();
  process.exit(0);
})().catch(e => { console.error('bao-oracle:', e); process.exit(1); });
