import { describe, expect, it } from 'vitest';
import {
  bwrapArgs,
  dropPrivilegesArgs,
  MERGED_USR_ENTRIES,
  type BwrapHost,
} from '../../../../src-main/core/kernel/sandbox/bwrap-args.js';
import type { RunSpec } from '../../../../src-main/core/kernel/types.js';

const host: BwrapHost = {
  passwdFile: '/tmp/cell0-sandbox-x/passwd',
  groupFile: '/tmp/cell0-sandbox-x/group',
  rootEntries: MERGED_USR_ENTRIES,
  workspaceSource: '/home/alice/project',
  tmpBytes: 1024,
  shmBytes: 512,
};

const spec: RunSpec = { argv: ['ls', '-la'], workspace: '/home/alice/project', network: false };

/** The value(s) following each occurrence of a flag. */
function after(args: string[], flag: string, count = 1): string[][] {
  const found: string[][] = [];
  args.forEach((arg, i) => {
    if (arg === flag) found.push(args.slice(i + 1, i + 1 + count));
  });
  return found;
}

function options(args: string[]): string[] {
  return args.slice(0, args.indexOf('--'));
}

describe('bwrapArgs', () => {
  it('unshares every namespace, keeps the network out, and forbids nested user namespaces', () => {
    const args = options(bwrapArgs(spec, host));
    expect(args).toContain('--unshare-all');
    expect(args).toContain('--unshare-user');
    expect(args).toContain('--disable-userns');
    expect(args).not.toContain('--share-net');
  });

  it('dies with its parent, starts a new session (no TIOCSTI) and drops every capability', () => {
    const args = options(bwrapArgs(spec, host));
    expect(args).toContain('--die-with-parent');
    expect(args).toContain('--new-session');
    expect(after(args, '--cap-drop')).toEqual([['ALL']]);
    expect(after(args, '--hostname')).toEqual([['cell0-sandbox']]);
  });

  it('binds the system read-only and recreates the merged-usr symlinks', () => {
    const args = options(bwrapArgs(spec, host));
    expect(after(args, '--ro-bind', 2)).toContainEqual(['/usr', '/usr']);
    expect(after(args, '--symlink', 2)).toEqual([
      ['usr/bin', '/bin'],
      ['usr/lib', '/lib'],
      ['usr/lib64', '/lib64'],
      ['usr/sbin', '/sbin'],
    ]);
  });

  it('binds a real top-level directory read-only where the host has one instead of a symlink', () => {
    const args = options(bwrapArgs(spec, { ...host, rootEntries: [{ path: '/lib32', symlink: null }] }));
    expect(after(args, '--ro-bind', 2)).toContainEqual(['/lib32', '/lib32']);
  });

  it('makes the workspace the only writable bind, at the same path, and the working directory', () => {
    const args = options(bwrapArgs(spec, { ...host, workspaceSource: '/real/project' }));
    expect(after(args, '--bind', 2)).toEqual([['/real/project', '/home/alice/project']]);
    expect(after(args, '--dev-bind', 2)).toEqual([]);
    expect(after(args, '--bind-try', 2)).toEqual([]);
    expect(after(args, '--chdir')).toEqual([['/home/alice/project']]);
  });

  it('shows a generated passwd and group and only harmless /etc files', () => {
    const args = options(bwrapArgs(spec, host));
    const ro = after(args, '--ro-bind', 2);
    expect(ro).toContainEqual(['/tmp/cell0-sandbox-x/passwd', '/etc/passwd']);
    expect(ro).toContainEqual(['/tmp/cell0-sandbox-x/group', '/etc/group']);
    const etc = after(args, '--ro-bind-try', 2).map(([source]) => source);
    expect(etc).toEqual(['/etc/ld.so.cache', '/etc/alternatives', '/etc/localtime']);
    const everything = args.join(' ');
    expect(everything).not.toMatch(/\/etc\/shadow|\/etc\/resolv\.conf|\/home\/alice(?!\/project)/);
  });

  it('never exposes /run, /sys, /home, /root, /var or the host /tmp', () => {
    const sources = [
      ...after(bwrapArgs(spec, host), '--ro-bind', 2),
      ...after(bwrapArgs(spec, host), '--bind', 2),
      ...after(bwrapArgs(spec, host), '--ro-bind-try', 2),
    ].map(([source]) => source);
    for (const source of sources)
      expect(source).not.toMatch(/^\/(run|sys|root|var|tmp\/\.X11|home\/(?!alice\/project))/);
  });

  it('mounts a fresh /proc, a minimal /dev, and size-capped private /tmp and /dev/shm', () => {
    const args = options(bwrapArgs(spec, host));
    expect(after(args, '--proc')).toEqual([['/proc']]);
    expect(after(args, '--dev')).toEqual([['/dev']]);
    expect(after(args, '--size', 3)).toEqual([
      ['512', '--tmpfs', '/dev/shm'],
      ['1024', '--tmpfs', '/tmp'],
    ]);
    expect(after(args, '--remount-ro')).toEqual([['/dev'], ['/']]);
  });

  it('clears the environment and sets only the sandbox variables', () => {
    const args = options(bwrapArgs(spec, host));
    expect(args.indexOf('--clearenv')).toBeLessThan(args.indexOf('--setenv'));
    expect(after(args, '--setenv', 2)).toEqual([
      ['PATH', '/usr/local/bin:/usr/bin:/bin'],
      ['HOME', '/home/alice/project'],
      ['LANG', 'C.UTF-8'],
      ['TMPDIR', '/tmp'],
      ['NODE_OPTIONS', '--disable-wasm-trap-handler'],
    ]);
  });

  it('sets TERM only under a terminal', () => {
    const args = options(bwrapArgs({ ...spec, tty: true }, host));
    expect(after(args, '--setenv', 2)).toContainEqual(['TERM', 'xterm-256color']);
  });

  it('never shares the host network: a granted call gets the egress proxy socket, the proxy variables and TLS trust', () => {
    const without = options(bwrapArgs(spec, host));
    const args = options(
      bwrapArgs({ ...spec, network: true }, { ...host, egressSocket: '/run/x/egress-1.sock' }),
    );
    for (const a of [without, args]) {
      expect(a).toContain('--unshare-all');
      expect(a).not.toContain('--share-net');
    }
    expect(after(args, '--ro-bind', 2)).toContainEqual(['/run/x/egress-1.sock', '/run/cell0/egress.sock']);
    expect(after(without, '--ro-bind', 2).some(([from]) => from!.includes('egress'))).toBe(false);
    const env = Object.fromEntries(after(args, '--setenv', 2));
    expect(env).toMatchObject({
      HTTP_PROXY: 'http://127.0.0.1:3128',
      http_proxy: 'http://127.0.0.1:3128',
      HTTPS_PROXY: 'http://127.0.0.1:3128',
      ALL_PROXY: 'socks5h://127.0.0.1:3128',
    });
    expect(Object.keys(Object.fromEntries(after(without, '--setenv', 2)))).not.toContain('HTTP_PROXY');
    const etc = after(args, '--ro-bind-try', 2);
    for (const path of ['/etc/hosts', '/etc/ssl/certs', '/etc/ca-certificates']) {
      expect(etc).toContainEqual([path, path]);
    }
    // Names are resolved by the proxy, outside: the sandbox gets no resolver of its own.
    expect(etc).not.toContainEqual(['/etc/resolv.conf', '/etc/resolv.conf']);
    expect(after(args, '--bind', 2)).toHaveLength(1);
  });

  it('passes the command after -- untouched, even when it looks like an option', () => {
    const args = bwrapArgs({ ...spec, argv: ['--bind', '/', '/', ';rm -rf /'] }, host);
    expect(args.slice(args.indexOf('--') + 1)).toEqual(['--bind', '/', '/', ';rm -rf /']);
    expect(after(options(args), '--bind', 2)).toEqual([['/home/alice/project', '/home/alice/project']]);
  });
});

describe('dropPrivilegesArgs', () => {
  it('switches to the sandbox uid and gid with no groups, no capabilities and no new privileges', () => {
    expect(dropPrivilegesArgs(65534, 65534)).toEqual([
      '--reuid=65534',
      '--regid=65534',
      '--clear-groups',
      '--inh-caps=-all',
      '--bounding-set=-all',
      '--no-new-privs',
    ]);
  });
});
