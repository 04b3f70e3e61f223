#!/bin/sh
# Regenerates the test certificates (see README.md). Run in this directory.
set -e
DAYS=36500
SAN="subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
ca() { # name
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=kafka-connect-iroh $1" -days $DAYS -out "$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
}
leaf() { # name ca algorithm-args...
  name=$1; issuer=$2; shift 2
  openssl genpkey "$@" -out "$name.key"
  openssl req -new -key "$name.key" -subj "/CN=localhost" -out "$name.csr"
  printf '%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$SAN" > "$name.ext"
  openssl x509 -req -in "$name.csr" -CA "$issuer.pem" -CAkey "$issuer.key" -CAcreateserial -days $DAYS \
    -extfile "$name.ext" -out "$name.pem"
  rm -f "$name.csr" "$name.ext"
}
ca ca
ca other-ca
leaf server ca -algorithm EC -pkeyopt ec_paramgen_curve:P-256
leaf server-ed25519 ca -algorithm ED25519
leaf untrusted other-ca -algorithm EC -pkeyopt ec_paramgen_curve:P-256
rm -f ca.key other-ca.key ./*.srl
