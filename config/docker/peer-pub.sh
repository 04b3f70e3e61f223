#!/usr/bin/env bash
# docker-compose peer-pub: publishes a line every 2 s on gossip topic kafka-connect-iroh-demo, dialing the source
# task's node (demo key d3…, id b4740ba4…) in the connect container on UDP 4450. Demo keys only: never reuse them.
set -euo pipefail
source_id=b4740ba4e0f7e0576f11e8149dbbb2529c212213db679831fb5d1b221e84552d
until ip=$(getent hosts connect | cut -d' ' -f1) && [ -n "$ip" ]; do sleep 1; done
while true; do echo "hello from peer-pub at $(date +%T)"; sleep 2; done |
  exec java --add-modules jdk.incubator.vector -jar /opt/p2p-node/p2p-node-cli.jar gossip publish \
    --topic kafka-connect-iroh-demo --bind 0.0.0.0:4460 \
    --secret d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1d1 \
    --peer "$source_id@$ip:4450" --join-timeout 300s
