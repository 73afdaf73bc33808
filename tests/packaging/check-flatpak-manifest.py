#!/usr/bin/env python3
# check-flatpak-manifest.py: the Flatpak manifest parses, names the build's
# application ID and executable, pins every source, and keeps finish-args
# narrow (no home or host files, no session or system bus, no device=all).
#
#   check-flatpak-manifest.py MANIFEST --app-id ID --command NAME
#       --desktop DESKTOP_FILE --options MESON_OPTIONS_TXT [--executable PATH]
import argparse
import json
import os
import re
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print('FAIL: ' + msg, file=sys.stderr)


def load(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    if path.endswith(('.yml', '.yaml')):
        import yaml  # python3-yaml; only for a YAML manifest
        return yaml.safe_load(text)
    return json.loads(text)


FORBIDDEN_ARGS = [
    (re.compile(r'^--filesystem=(home|host|host-os|host-etc|~)(/|:|$)'), 'home or host files: use the file chooser portal'),
    (re.compile(r'^--filesystem=/'), 'an absolute host path'),
    (re.compile(r'^--socket=(session-bus|system-bus)$'), 'the whole D-Bus bus'),
    (re.compile(r'^--socket=x11$'), 'X11 always: use --socket=fallback-x11 beside wayland'),
    (re.compile(r'^--device=all$'), 'every device: the camera goes through the camera portal'),
    (re.compile(r'^--talk-name=org\.freedesktop\.Flatpak$'), 'a way out of the sandbox'),
    (re.compile(r'^--(own-name|talk-name)=\*?$'), 'any bus name'),
]
REQUIRED_ARGS = ['--share=network', '--socket=wayland', '--socket=fallback-x11', '--socket=pulseaudio']


def check_source(module, src, manifest_dir, project_root):
    kind = src.get('type')
    where = 'module %s, %s source' % (module, kind)
    if kind in ('archive', 'file'):
        url = src.get('url', '')
        if not url.startswith('https://'):
            fail('%s: url %r is not https' % (where, url))
        if not re.fullmatch(r'[0-9a-f]{64}', src.get('sha256', '')):
            fail('%s %s has no sha256' % (where, url))
    elif kind == 'git':
        if not re.fullmatch(r'[0-9a-f]{40}', src.get('commit', '')):
            fail('%s %s is not pinned to a commit' % (where, src.get('url')))
    elif kind == 'dir':
        path = os.path.normpath(os.path.join(manifest_dir, src.get('path', '')))
        if os.path.realpath(path) != os.path.realpath(project_root):
            fail('%s: %s is not the project tree' % (where, path))
    elif kind == 'patch':
        if 'path' in src:
            if not os.path.exists(os.path.join(manifest_dir, src['path'])):
                fail('%s: %s does not exist' % (where, src['path']))
        elif not re.fullmatch(r'[0-9a-f]{64}', src.get('sha256', '')):
            fail('%s has neither a local path nor a sha256' % where)
    else:
        fail('%s: source type %r cannot be pinned; use archive, file, git or dir' % (where, kind))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('manifest')
    ap.add_argument('--app-id', required=True)
    ap.add_argument('--command', required=True)
    ap.add_argument('--desktop', required=True)
    ap.add_argument('--options', required=True)
    ap.add_argument('--executable')
    args = ap.parse_args()

    try:
        m = load(args.manifest)
    except (OSError, ValueError) as e:
        sys.exit('FAIL: %s does not parse: %s' % (args.manifest, e))
    manifest_dir = os.path.dirname(os.path.abspath(args.manifest))
    project_root = os.path.dirname(os.path.abspath(args.options))

    app_id = m.get('id', m.get('app-id'))
    if app_id != args.app_id:
        fail('the manifest builds %r, meson builds %r' % (app_id, args.app_id))
    if os.path.basename(args.manifest).rsplit('.', 1)[0] != args.app_id:
        fail('the manifest file should be named after the app ID')
    if m.get('runtime') != 'org.gnome.Platform' or m.get('sdk') != 'org.gnome.Sdk':
        fail('runtime/sdk are %r/%r, not the GNOME ones' % (m.get('runtime'), m.get('sdk')))
    if not re.fullmatch(r'\d+', str(m.get('runtime-version', ''))):
        fail('runtime-version %r is not a stable GNOME release' % m.get('runtime-version'))

    command = m.get('command')
    if command != args.command:
        fail('the manifest runs %r, the client is %r' % (command, args.command))
    with open(args.desktop, encoding='utf-8') as f:
        execs = [l.split('=', 1)[1].split()[0] for l in f if l.startswith('Exec=')]
    if execs != [command]:
        fail('the desktop file runs %r, the manifest %r' % (execs, command))
    if args.executable and os.path.basename(args.executable) != command:
        fail('the build makes %r, the manifest runs %r' % (os.path.basename(args.executable), command))

    finish = m.get('finish-args', [])
    for a in finish:
        for pattern, why in FORBIDDEN_ARGS:
            if pattern.search(a):
                fail('finish-args has %s (%s)' % (a, why))
    for a in REQUIRED_ARGS:
        if a not in finish:
            fail('finish-args lacks %s' % a)

    with open(args.options, encoding='utf-8') as f:
        options = set(re.findall(r"option\(\s*'([^']+)'", f.read()))
    modules = m.get('modules', [])
    if not modules:
        fail('no modules')
    app_modules = 0
    for mod in modules:
        if not isinstance(mod, dict):
            fail('module %r is an external file; keep modules inline so this check sees them' % mod)
            continue
        name = mod.get('name', '?')
        if not mod.get('sources'):
            fail('module %s has no sources' % name)
        for src in mod.get('sources', []):
            if not isinstance(src, dict):
                fail('module %s: source %r is an external file' % (name, src))
                continue
            check_source(name, src, manifest_dir, project_root)
        if any(isinstance(s, dict) and s.get('type') == 'dir' for s in mod.get('sources', [])):
            app_modules += 1
            if mod is not modules[-1]:
                fail('the app module %s should be the last one' % name)
            for opt in mod.get('config-opts', []):
                mo = re.match(r'-D([a-z0-9_-]+)=', opt)
                if mo and mo.group(1) not in options:
                    fail('module %s passes -D%s, which meson_options.txt does not have' % (name, mo.group(1)))
    if app_modules != 1:
        fail('%d modules build the local tree; exactly one should' % app_modules)

    if failures:
        sys.exit(1)
    print('%s: %s on %s//%s, command %s, %d modules pinned, %d finish-args' % (
        os.path.basename(args.manifest), app_id, m['runtime'], m['runtime-version'], command,
        len(modules), len(finish)))


main()
