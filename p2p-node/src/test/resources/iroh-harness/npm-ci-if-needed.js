#!/usr/bin/env node
// Maven runs this in generate-test-resources: `npm ci` here, unless node_modules was already installed from
// exactly this package-lock.json (a stamp holds the lockfile's sha256), so repeated builds cost nothing.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const dir = __dirname;
const lockfile = path.join(dir, 'package-lock.json');
const stamp = path.join(dir, 'node_modules', '.iroh-harness-lock.sha256');
const lockHash = () => crypto.createHash('sha256').update(fs.readFileSync(lockfile)).digest('hex');
const lock = JSON.parse(fs.readFileSync(lockfile, 'utf8'));
const aliases = ['iroh1', 'iroh035'];

/** The installed aliases carry exactly the versions the lockfile names. */
function installedAsLocked() {
  return aliases.every(a => {
    const pj = path.join(dir, 'node_modules', a, 'package.json');
    const want = lock.packages[`node_modules/${a}`];
    return want && fs.existsSync(pj) && JSON.parse(fs.readFileSync(pj, 'utf8')).version === want.version;
  });
}

const want = lockHash();
const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : null;
if (have === want && installedAsLocked()) {
  console.log(`iroh harness: node_modules matches package-lock.json (${want.slice(0, 12)}), skipping npm ci`);
  process.exit(0);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Runs npm; its stderr is kept back so a known, handled failure does not flood the build log. */
function npmRun(args) {
  console.log(`iroh harness: npm ${args.join(' ')} in ${dir}`);
  const r = spawnSync(npm, args, { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'], shell: process.platform === 'win32' });
  if (r.error) {
    console.error(`iroh harness: could not run npm: ${r.error.message}`);
    process.exit(1);
  }
  r.stderr = r.stderr || '';
  return r;
}

// @number0/iroh lists platform packages that were never published (android, windows, ...). npm 11 keeps
// them as inert placeholders and `npm ci` then rejects the lockfile `npm install` itself wrote
// (npm/cli#9846). Only in exactly that case we install the locked versions with `npm install --no-save`.
function isUnpublishedOptionalOnly(stderr) {
  const missing = stderr.split('\n').filter(l => /Missing: .* from lock file/.test(l));
  return /EUSAGE/.test(stderr) && missing.length > 0 && !/Invalid: /.test(stderr)
    && missing.every(l => /Missing: @number0\/iroh-[a-z0-9-]+@ from lock file/.test(l));
}

let r = npmRun(['ci', '--no-audit', '--no-fund']);
if (r.status !== 0 && isUnpublishedOptionalOnly(r.stderr)) {
  console.log('iroh harness: npm ci tripped over npm/cli#9846 (unpublished optional @number0/iroh-* packages);'
    + ' installing the locked versions with npm install --no-save instead');
  r = npmRun(['install', '--no-audit', '--no-fund', '--no-save']);
  if (r.status === 0) process.stderr.write(r.stderr);
  if (r.status === 0 && lockHash() !== want) {
    console.error('iroh harness: npm install changed package-lock.json, so it does not match package.json;'
      + ' run `npm install` in this folder and commit the lockfile');
    process.exit(1);
  }
}
if (r.status !== 0) {
  process.stderr.write(r.stderr);
  process.exit(r.status === null ? 1 : r.status);
}
if (!installedAsLocked()) {
  console.error('iroh harness: after install, node_modules/iroh1 and iroh035 do not carry the locked versions');
  process.exit(1);
}
fs.writeFileSync(stamp, want + '\n');
