#!/usr/bin/env python3
"""Lays out rustls and its dependencies from git snapshots so that the oracle builds with `cargo --offline`.

crates.io is not reachable here, so each crate is exported from a snapshot of its repository (as the `fetch`
tool leaves them under MIRROR/<owner>+<name>/repo) and its manifest is rewritten: path dependencies instead of
registry ones, no dev-dependencies, no dependencies for other platforms, no features we do not build.

usage: vendor.py MIRROR OUT RUSTLS_TAG
"""
import os
import re
import subprocess
import sys

MIRROR, OUT, RUSTLS_TAG = sys.argv[1:4]
V = os.path.join(OUT, 'vendor')

# crate dir -> (repository, ref, paths to export or None for all)
CRATES = {
    'rustls': ('rustls+rustls', RUSTLS_TAG, ['rustls', 'Cargo.toml']),
    'ring': ('briansmith+ring', '2723abbca', None),  # ring 0.17.14
    'webpki': ('rustls+webpki', 'v/0.103.13', ['Cargo.toml', 'src', 'README.md']),
    'pki-types': ('rustls+pki-types', 'v/1.14.0', None),
    'subtle': ('dalek-cryptography+subtle', '2.5.0', None),
    'zeroize': ('RustCrypto+utils', 'zeroize-v1.8.2', ['zeroize']),
    'once_cell': ('matklad+once_cell', 'v1.21.3', None),
    'getrandom': ('rust-random+getrandom', 'v0.2.17', None),
    'libc': ('rust-lang+libc', '0.2.174', None),
    'cfg-if': ('rust-lang+cfg-if', 'v1.0.4', None),
    'cc': ('rust-lang+cc-rs', 'cc-v1.2.20', None),
    'shlex': ('comex+rust-shlex', '1.3.0', None),
    'untrusted': ('briansmith+untrusted', 'b7c4aea', None),  # untrusted 0.9.0
}
# where each crate's manifest ends up
MANIFEST_DIR = {'rustls': 'rustls/rustls', 'zeroize': 'zeroize/zeroize'}
PACKAGE_DIR = {
    'ring': 'ring', 'rustls-webpki': 'webpki', 'rustls-pki-types': 'pki-types', 'subtle': 'subtle',
    'zeroize': 'zeroize/zeroize', 'once_cell': 'once_cell', 'getrandom': 'getrandom', 'libc': 'libc',
    'cfg-if': 'cfg-if', 'cc': 'cc', 'shlex': 'shlex', 'untrusted': 'untrusted',
}


def export(name, repo, ref, paths):
    dest = os.path.join(V, name)
    os.makedirs(dest, exist_ok=True)
    git = subprocess.run(['git', '-C', os.path.join(MIRROR, repo, 'repo'), 'archive', ref] + (paths or []),
                         check=True, capture_output=True)
    subprocess.run(['tar', '-x', '-C', dest], input=git.stdout, check=True)


def sections(text):
    out, cur, buf = [], None, []
    for line in text.splitlines(keepends=True):
        if re.match(r'^\s*\[\[?[^\]]+\]\]?\s*$', line):
            out.append((cur, buf))
            cur, buf = line.strip(), [line]
        else:
            buf.append(line)
    out.append((cur, buf))
    return out


def rewrite(path, workspace_deps):
    res = []
    for name, buf in sections(open(path).read()):
        if name is None:
            res.extend(buf)
            continue
        n = name.strip('[]')
        if name.startswith('[[') or 'dev-dependencies' in n or n.startswith(('workspace', 'lints', 'patch')):
            continue
        if n.startswith('target.') and n.endswith('dependencies') and 'cfg(unix)' not in n:
            continue
        if n.endswith('dependencies'):
            out = [buf[0]]
            for line in buf[1:]:
                m = re.match(r'^([\w-]+)\s*=\s*(.*)$', line.strip())
                if m:
                    key, val = m.groups()
                    if 'workspace = true' in val:
                        if 'optional = true' in val and key not in ('ring',):
                            continue  # optional dependencies we never enable
                        base = workspace_deps[key]
                        extra = re.sub(r'workspace\s*=\s*true\s*,?\s*', '', val).strip('{} ,')
                        body = base[1:-1].strip() if base.startswith('{') else 'version = ' + base
                        val = '{ ' + body + (', ' + extra if extra else '') + ' }'
                    pkg = re.search(r'package\s*=\s*"([^"]+)"', val)
                    crate = pkg.group(1) if pkg else key
                    if crate in PACKAGE_DIR:
                        p = os.path.join(V, PACKAGE_DIR[crate])
                        val = ('{ path = "%s", ' % p + val[1:].lstrip()) if val.startswith('{') \
                            else '{ path = "%s", version = %s }' % (p, val)
                    line = '%s = %s\n' % (key, val)
                out.append(line)
            buf = out
        res.extend(buf)
    text = ''.join(res)
    open(path, 'w').write(text)
    return text


def set_features(path, features):
    text = open(path).read()
    text = re.sub(r'\[features\].*?(?=\n\[|\Z)', '[features]\n' + features, text, flags=re.S)
    open(path, 'w').write(text)


for name, (repo, ref, paths) in CRATES.items():
    export(name, repo, ref, paths)

root = open(os.path.join(V, 'rustls', 'Cargo.toml')).read()
ws = {}
block = re.search(r'\[workspace\.dependencies\](.*?)(\n\[|\Z)', root, re.S).group(1)
for line in block.splitlines():
    m = re.match(r'^([\w-]+)\s*=\s*(.*)$', line.strip())
    if m:
        ws[m.group(1)] = m.group(2)
os.remove(os.path.join(V, 'rustls', 'Cargo.toml'))  # the workspace root lists members we did not export

for name in CRATES:
    rewrite(os.path.join(V, MANIFEST_DIR.get(name, name), 'Cargo.toml'), ws)

rustls_manifest = os.path.join(V, 'rustls', 'rustls', 'Cargo.toml')
set_features(rustls_manifest, 'default = ["std", "tls12"]\ncustom-provider = []\nlogging = []\n'
             'ring = ["dep:ring", "webpki/ring"]\nstd = ["webpki/std", "pki-types/std", "once_cell/std"]\ntls12 = []\n')
text = open(rustls_manifest).read()
open(rustls_manifest, 'w').write(re.sub(r'\[build-dependencies\].*?(?=\n\[)', '', text, flags=re.S))
set_features(os.path.join(V, 'pki-types', 'Cargo.toml'), 'default = ["alloc"]\nalloc = ["dep:zeroize"]\nstd = ["alloc"]\n')
set_features(os.path.join(V, 'getrandom', 'Cargo.toml'), 'std = []\nlinux_disable_fallback = []\nrdrand = []\ncustom = []\n')
# ring generates its assembly with perl when it sees a .git directory (there is no pregenerated/ in git).
os.makedirs(os.path.join(V, 'ring', '.git'), exist_ok=True)

oracle = os.path.join(OUT, 'oracle')
os.makedirs(os.path.join(oracle, 'src'), exist_ok=True)
here = os.path.dirname(os.path.abspath(__file__))
template = open(os.path.join(here, 'Cargo.toml.in')).read().replace('@VENDOR@', V)
open(os.path.join(oracle, 'Cargo.toml'), 'w').write(template)
open(os.path.join(oracle, 'src', 'main.rs'), 'w').write(open(os.path.join(here, 'src', 'main.rs')).read())
