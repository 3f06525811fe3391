/* npm test: the binding over the real liblatch ($LATCH_LIBRARY, else the
 * build tree's build/liblatch.so.0), in scratch directories of its own
 * under $LATCH_TEST_ROOT (else the package directory: never under /tmp,
 * which the default profile grants). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { LatchError, Policy, openLibrary, version } from '../src/index';

const pkg = path.resolve(__dirname, '..', '..');
openLibrary(process.env.LATCH_LIBRARY ?? path.resolve(pkg, '..', '..', 'build', 'liblatch.so.0'));

/** A scratch tree: home/, work/ and victim/precious.txt; HOME points at home. */
function scratch(): { root: string; work: string; victim: string } {
  const base = process.env.LATCH_TEST_ROOT ?? pkg;
  const root = fs.mkdtempSync(path.join(base, '.latch-ts-'));
  const work = path.join(root, 'work'), victim = path.join(root, 'victim');

  fs.mkdirSync(path.join(root, 'home'));
  fs.mkdirSync(work);
  fs.mkdirSync(victim);
  fs.writeFileSync(path.join(victim, 'precious.txt'), 'precious\n');
  process.env.HOME = path.join(root, 'home');
  for (const v of ['XDG_STATE_HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME', 'XDG_DATA_HOME', 'XDG_RUNTIME_DIR'])
    delete process.env[v];
  return { root, work, victim };
}

test('the version is latch\'s', () => {
  assert.match(version(), /^\d+\.\d+\.\d+$/);
});

test('check names the rule that refuses rm -rf', () => {
  const { root, work } = scratch();
  const p = Policy.load('default', { workdir: work });
  const d = p.check(['rm', '-rf', os.homedir()]);

  assert.equal(d.action, 'deny');
  assert.equal(d.rule, 'rm-outside-roots');
  assert.match(d.source ?? '', /destructive\.yaml:\d+$/);
  assert.equal(p.check(['ls', '-la']).action, 'allow');
  assert.equal(p.why(path.join(os.homedir(), '.ssh', 'id_rsa'), 'read').allowed, false);
  assert.throws(() => p.why('/tmp', 'constructor' as 'read'), (e: LatchError) => e.codeName === 'argument');
  p.free();
  assert.throws(() => p.free(), (e: LatchError) => e.codeName === 'handle');
  fs.rmSync(root, { recursive: true });
});

test('a profile that does not load says where', () => {
  assert.throws(() => Policy.fromYaml('filesystem:\n  alow: []\n', { name: 'mine' }),
    (e: LatchError) => e.codeName === 'profile' && e.message === "<mine>:2: unknown key 'alow' (did you mean 'allow'?)");
});

test('spawn runs ls in a sandbox', async () => {
  const { root, work } = scratch();
  const out = path.join(root, 'out');
  const fd = fs.openSync(out, 'w');
  fs.writeFileSync(path.join(work, 'hello.txt'), 'hi\n');
  const p = Policy.load('default', { workdir: work });
  const s = await p.spawn(['ls'], { cwd: work, stdout: fd });

  fs.closeSync(fd);
  assert.equal(await s.wait(), 0);
  assert.equal(fs.readFileSync(out, 'utf8'), 'hello.txt\n');
  assert.match(fs.readFileSync(s.auditPath, 'utf8'), /"event":"exec".*"ls"/);
  s.free();
  p.free();
  fs.rmSync(root, { recursive: true });
});

test('a sandboxed rm -rf is refused with its rule id, and nothing is lost', async () => {
  const { root, work, victim } = scratch();
  const errPath = path.join(root, 'err');
  const fd = fs.openSync(errPath, 'w');
  const p = Policy.load('default', { workdir: work });
  const s = await p.spawn(['rm', '-rf', victim], { cwd: work, stderr: fd });

  fs.closeSync(fd);
  assert.notEqual(await s.wait(), 0);
  assert.equal(fs.readFileSync(path.join(victim, 'precious.txt'), 'utf8'), 'precious\n');
  assert.match(fs.readFileSync(errPath, 'utf8'), /rule rm-outside-roots/);
  assert.match(fs.readFileSync(s.auditPath, 'utf8'), /"decision":"deny".*"rule":"rm-outside-roots"/);
  s.free();
  p.free();
  fs.rmSync(root, { recursive: true });
});

test('the environment given to spawn is the one the command starts from', async () => {
  const { root, work } = scratch();
  const out = path.join(root, 'out');
  const fd = fs.openSync(out, 'w');
  const p = Policy.load('default', { workdir: work });
  const s = await p.spawn(['sh', '-c', 'echo "$GREETING"'], {
    cwd: work, stdout: fd,
    env: { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/', GREETING: 'hello from the sandbox' },
  });

  fs.closeSync(fd);
  assert.equal(await s.wait(), 0);
  assert.equal(fs.readFileSync(out, 'utf8'), 'hello from the sandbox\n');
  s.free();
  p.free();
  fs.rmSync(root, { recursive: true });
});
