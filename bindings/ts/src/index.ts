/* liblatch for TypeScript: the latch engine (include/latch.h) through
 * koffi, a maintained FFI with prebuilt binaries on npm.
 *
 *   const p = Policy.load('default', { workdir: '/path/to/project' });
 *   p.check(['rm', '-rf', '/']).rule      // 'rm-outside-roots'
 *   const s = await p.spawn(['npm', 'test']); // in a sandbox; latch supervises
 *   await s.wait();                       // the command's exit status
 *
 * The shared library is liblatch.so.0 from the loader's search path, or
 * the file named by $LATCH_LIBRARY, or by openLibrary(path) before first
 * use. Decisions run on the calling thread (they take microseconds);
 * spawn() and wait() run on koffi's worker threads and resolve Promises.
 */
import koffi from 'koffi';
import { constants } from 'node:os';

export type Action = 'allow' | 'log' | 'snapshot' | 'ask' | 'deny';

/** The decision for one exec, as `latch check --json` gives it. */
export interface Decision {
  action: Action;
  rule: string | null;   // the deciding rule's id
  reason: string | null; // what the user reads
  source: string | null; // FILE:LINE of the rule
  argv: string[];
  cwd: string;
  workdir: string;
  home: string | null;
  packs: string[];
  disabled: string[];
}

/** Whether the sandbox may read, write or execute a path (`latch why --json`). */
export interface PathAnswer {
  path: string;
  resolved: string;
  op: 'read' | 'write' | 'exec';
  allowed: boolean;
  reason: string;
  by?: string;
  rule_path?: string;
}

export interface SpawnOptions {
  cwd?: string;                 // default: this process's
  env?: Record<string, string>; // default: this process's (the profile filters it)
  stdin?: number;               // descriptors; default: this process's own
  stdout?: number;
  stderr?: number;
  monitor?: boolean;            // log refusals, refuse nothing
  helper?: string;              // the latch program; default: beside liblatch
}

/** A failure of liblatch: its code (a latch_code) and its sentence. */
export class LatchError extends Error {
  readonly code: number;
  readonly codeName: string;

  constructor(code: number, message: string) {
    super(message);
    this.name = 'LatchError';
    this.code = code;
    this.codeName = lib ? lib.codeName(code) : 'unknown';
  }
}

/* A function of the library, as koffi gives it (typed loosely: koffi's own
 * KoffiFunction type is not exported). */
type Fn = ((...args: any[]) => any) & { async: (...args: any[]) => void };

interface Lib {
  version: Fn;
  codeName: Fn;
  policyLoad: Fn;
  policyLoadYaml: Fn;
  policyFree: Fn;
  policyJson: Fn;
  checkJson: Fn;
  whyJson: Fn;
  spawn: Fn;
  childPid: Fn;
  childKill: Fn;
  wait: Fn;
  auditPath: Fn;
  session: Fn;
  childFree: Fn;
}

let lib: Lib | undefined;
let freeString: Fn | undefined; // latch_free of the library opened last

/* koffi's types are named once per process. */
let typesMade = false;
function makeTypes(): void {
  if (typesMade)
    return;
  koffi.disposable('latch_str', 'str', (p: unknown) => freeString?.(p));
  koffi.struct('latch_error', { code: 'int', message: koffi.array('char', 1024, 'String') });
  koffi.struct('latch_spawn_opts', {
    cwd: 'const char *', envp: 'const char **',
    stdin_fd: 'int', stdout_fd: 'int', stderr_fd: 'int',
    monitor: 'int', helper: 'const char *',
  });
  typesMade = true;
}

/** Load liblatch from `path` (default: $LATCH_LIBRARY, else liblatch.so.0). */
export function openLibrary(path?: string): void {
  const so = koffi.load(path ?? process.env.LATCH_LIBRARY ?? 'liblatch.so.0');

  makeTypes();
  freeString = so.func('void latch_free(void *s)');
  lib = {
    version: so.func('const char *latch_version(void)'),
    codeName: so.func('const char *latch_code_name(int code)'),
    policyLoad: so.func('int latch_policy_load(const char *profile, const char *workdir, _Out_ uint32_t *out, _Out_ latch_error *err)'),
    policyLoadYaml: so.func('int latch_policy_load_yaml(const char *yaml, const char *name, const char *workdir, _Out_ uint32_t *out, _Out_ latch_error *err)'),
    policyFree: so.func('int latch_policy_free(uint32_t p, _Out_ latch_error *err)'),
    policyJson: so.func('latch_str latch_policy_json(uint32_t p, _Out_ latch_error *err)'),
    checkJson: so.func('latch_str latch_check_json(uint32_t p, const char **argv, size_t argc, const char *cwd, _Out_ latch_error *err)'),
    whyJson: so.func('latch_str latch_policy_why_json(uint32_t p, const char *path, int op, _Out_ latch_error *err)'),
    spawn: so.func('int latch_spawn(uint32_t p, const char **argv, const latch_spawn_opts *opts, _Out_ uint32_t *out, _Out_ latch_error *err)'),
    childPid: so.func('int latch_child_pid(uint32_t c, _Out_ latch_error *err)'),
    childKill: so.func('int latch_child_kill(uint32_t c, int sig, _Out_ latch_error *err)'),
    wait: so.func('int latch_wait(uint32_t c, _Out_ int *status, _Out_ latch_error *err)'),
    auditPath: so.func('latch_str latch_child_audit_path(uint32_t c, _Out_ latch_error *err)'),
    session: so.func('latch_str latch_child_session(uint32_t c, _Out_ latch_error *err)'),
    childFree: so.func('int latch_child_free(uint32_t c, _Out_ latch_error *err)'),
  };
}

function api(): Lib {
  if (!lib)
    openLibrary();
  return lib as Lib;
}

interface ErrOut { code?: number; message?: string }

/** Throw the library's error unless `rc` is LATCH_OK (0). */
function check(rc: number, err: ErrOut): void {
  if (rc !== 0)
    throw new LatchError(rc, err.message ?? `liblatch error ${rc}`);
}

/** A string a function returned; its error thrown if none. */
function text(s: string | null, err: ErrOut): string {
  if (s === null)
    throw new LatchError(err.code ?? -4, err.message ?? 'liblatch returned nothing');
  return s;
}

/** The JSON text a function returned, parsed. */
function parsed<T>(s: string | null, err: ErrOut): T {
  return JSON.parse(text(s, err)) as T;
}

/** liblatch's version, the same as `latch --version`. */
export function version(): string {
  return api().version();
}

const OPS = { read: 1, write: 2, exec: 4 } as const;

const policies = new FinalizationRegistry<number>((h) => {
  api().policyFree(h, {});
});

/** A loaded profile: its capability set and its rule packs. */
export class Policy {
  #handle: number;

  private constructor(handle: number) {
    this.#handle = handle;
    policies.register(this, handle, this);
  }

  /** A profile by name (the user's, then latch's shipped ones) or path. */
  static load(profile: string, opts: { workdir?: string } = {}): Policy {
    const out = [0], err: ErrOut = {};

    check(api().policyLoad(profile, opts.workdir ?? null, out, err), err);
    return new Policy(out[0]);
  }

  /** A profile given as YAML text (`extends: default` and so on). */
  static fromYaml(yaml: string, opts: { name?: string; workdir?: string } = {}): Policy {
    const out = [0], err: ErrOut = {};

    check(api().policyLoadYaml(yaml, opts.name ?? null, opts.workdir ?? null, out, err), err);
    return new Policy(out[0]);
  }

  /** What latch would decide for an exec of `argv` in `cwd` (default: the workdir). */
  check(argv: string[], opts: { cwd?: string } = {}): Decision {
    const err: ErrOut = {};

    return parsed<Decision>(api().checkJson(this.#handle, argv, argv.length, opts.cwd ?? null, err), err);
  }

  /** Whether the sandbox may `op` `path`, and which grant or deny decides. */
  why(path: string, op: keyof typeof OPS): PathAnswer {
    const err: ErrOut = {};

    if (!Object.hasOwn(OPS, op))
      throw new LatchError(-1, `op must be read, write or exec, not '${op}'`);
    return parsed<PathAnswer>(api().whyJson(this.#handle, path, OPS[op], err), err);
  }

  /** The capability set, as `latch profile show --json` prints it. */
  capabilities(): Record<string, unknown> {
    const err: ErrOut = {};

    return parsed<Record<string, unknown>>(api().policyJson(this.#handle, err), err);
  }

  /** Start `argv` in a sandbox of this profile, under `latch run`; resolves
   * once the session has begun (its audit log exists). */
  async spawn(argv: string[], opts: SpawnOptions = {}): Promise<Session> {
    const out = [0], err: ErrOut = {};
    const env = opts.env && [...Object.entries(opts.env).map(([k, v]) => `${k}=${v}`), null];
    const so = {
      cwd: opts.cwd ?? null, envp: env ?? null,
      stdin_fd: opts.stdin ?? -1, stdout_fd: opts.stdout ?? -1, stderr_fd: opts.stderr ?? -1,
      monitor: opts.monitor ? 1 : 0, helper: opts.helper ?? null,
    };

    const rc = await new Promise<number>((resolve, reject) => {
      api().spawn.async(this.#handle, [...argv, null], so, out, err,
        (e: unknown, r: number) => (e ? reject(e) : resolve(r)));
    });

    check(rc, err);
    return new Session(out[0]);
  }

  /** Free the policy now (else when it is garbage-collected); sessions live on. */
  free(): void {
    const err: ErrOut = {};

    policies.unregister(this);
    check(api().policyFree(this.#handle, err), err);
  }
}

/** A command running in a sandbox, with latch as its supervisor. */
export class Session {
  #handle: number;
  /** The supervisor's pid: signals sent to it reach the command. */
  readonly pid: number;
  /** The session's id and its audit log (JSON lines). */
  readonly id: string;
  readonly auditPath: string;

  constructor(handle: number) {
    const err: ErrOut = {};

    this.#handle = handle;
    try {
      this.pid = api().childPid(handle, err);
      this.id = text(api().session(handle, err), err);
      this.auditPath = text(api().auditPath(handle, err), err);
    } catch (e) {
      api().childFree(handle, {});
      throw e;
    }
  }

  /** Latch's exit status: the command's own, 128+N after signal N. */
  async wait(): Promise<number> {
    const status = [0], err: ErrOut = {};
    const rc = await new Promise<number>((resolve, reject) => {
      api().wait.async(this.#handle, status, err,
        (e: unknown, r: number) => (e ? reject(e) : resolve(r)));
    });

    check(rc, err);
    return status[0];
  }

  /** Send a signal (a name or a number; default SIGTERM) to the supervisor. */
  kill(signal: NodeJS.Signals | number = 'SIGTERM'): void {
    const err: ErrOut = {};
    const n = typeof signal === 'number' ? signal
      : Object.hasOwn(constants.signals, signal) ? constants.signals[signal] : undefined;

    if (n === undefined)
      throw new LatchError(-1, `no signal named '${signal}'`);
    check(api().childKill(this.#handle, n, err), err);
  }

  /** Free the session; one still running gets SIGTERM (SIGKILL after 3 s). */
  free(): void {
    const err: ErrOut = {};

    check(api().childFree(this.#handle, err), err);
  }
}
