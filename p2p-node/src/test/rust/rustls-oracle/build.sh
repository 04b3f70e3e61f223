#!/usr/bin/env bash
# Builds the rustls oracle offline from repository snapshots; prints the binary's path.
#   build.sh [OUT_DIR] [RUSTLS_TAG]      e.g. build.sh /tmp/rustls-oracle v/0.23.27
# Needs snapshots (the `fetch` tool) of rustls/rustls, briansmith/ring, rustls/webpki, rustls/pki-types,
# dalek-cryptography/subtle, RustCrypto/utils, matklad/once_cell, rust-random/getrandom, rust-lang/libc,
# rust-lang/cfg-if, rust-lang/cc-rs, comex/rust-shlex, briansmith/untrusted under $MIRROR; cargo, a C compiler, perl.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/rustls-oracle}
tag=${2:-v/0.23.42}
rm -rf "$out"
python3 "$here/vendor.py" "${MIRROR:-/work/.mirror}" "$out" "$tag"
(cd "$out/oracle" && cargo build --offline --release --quiet)
echo "$out/oracle/target/release/rustls-oracle"
