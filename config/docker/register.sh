#!/bin/sh
# docker-compose register: waits for the Connect worker, registers the source and the sink from config/*.json (the
# demo identities and the peers' addresses filled in), then produces a few records for the sink. POST /connectors
# takes the files as they are ({"name": …, "config": {…}}).
set -eu
rest=http://connect:8083
until wget -q -O /dev/null "$rest/connector-plugins"; do echo "waiting for $rest"; sleep 2; done
sub_ip=$(getent hosts peer-sub | cut -d' ' -f1)
pub_ip=$(getent hosts peer-pub | cut -d' ' -f1)
# Demo keys (never reuse): source d3… (id b4740ba4…), sink d4…; peer-pub d1… (6ee091fd…), peer-sub d2… (41e8fde1…).
register() { # file secret peers
  sed "s#\"iroh.peers\": \"\"#\"iroh.peers\": \"$3\", \"iroh.secret.key\": \"$2\", \"iroh.data.dir\": \"/var/lib/kafka-connect-iroh\"#" \
    "$1" > /tmp/connector.json
  wget -q -O - --header='Content-Type: application/json' --post-file=/tmp/connector.json "$rest/connectors" || true
  echo
}
register /opt/demo/config/source-gossip.json d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3d3 \
  "6ee091fd280a9b68554fa73c588125d47d3425c68a26ba236b4dad90f90a8f92@$pub_ip:4460"
register /opt/demo/config/sink-gossip.json d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4d4 \
  "41e8fde132ad670e534cd8b275d2cd7eec77733c66f8db48a1cada7fabfc4555@$sub_ip:4461"
# The doc-mode sink creates a document (its read ticket is in the connect service's log: "readers join with doc…").
register /opt/demo/config/sink-doc.json d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5 ""
for i in 1 2 3 4 5; do echo "record $i from Kafka"; done |
  /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server kafka:9092 --topic iroh-demo-out
for i in 1 2 3 4 5; do echo "order-$i:order $i from Kafka"; done |
  /opt/kafka/bin/kafka-console-producer.sh --bootstrap-server kafka:9092 --topic iroh-demo-docs \
    --property parse.key=true --property key.separator=:
echo "registered: peer-sub prints the records; Kafka topic iroh.gossip.<id> receives peer-pub's lines;"
echo "the document of iroh-sink-doc holds order-1..5: p2p-node doc join <the ticket in the connect log>"
