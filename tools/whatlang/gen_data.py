#!/usr/bin/env python3
"""Writes crates/tidings/src/lang/whatlang_data.rs from the whatlang 0.18.0 sources in the cargo
registry (run after `cargo fetch`): its trigram profiles and alphabets, for lang/detect.rs.
Usage: python3 tools/whatlang/gen_data.py > crates/tidings/src/lang/whatlang_data.rs && cargo fmt
Re-run (and re-check detect.rs against the new version) when whatlang is upgraded: the test
`detection_matches_whatlang` fails until then."""
import re, sys, glob
src = glob.glob('/root/.cargo/registry/src/index.crates.io-*/whatlang-0.18.0/src/')[0]
prof = open(src + 'trigrams/profiles.rs').read()
def esc(s):
    out = []
    for c in s:
        if c in '"\\' or not c.isprintable() or ord(c) > 0xffff:
            out.append('\\u{%x}' % ord(c))
        else:
            out.append(c)
    return ''.join(out)
lines = []
for m in re.finditer(r'pub static (\w+)_LANGS: LangProfileList = &\[(.*?)\n\];', prof, re.S):
    script, body = m.group(1), m.group(2)
    lines.append('/// Trigram profiles of the %s script, in whatlang\'s order.' % script.title())
    lines.append('pub(super) static %s: &[(Wl, &str)] = &[' % script)
    for lm in re.finditer(r'Lang::(\w+),\s*&\[(.*?)\]', body, re.S):
        lang, tris = lm.group(1), lm.group(2)
        ts = re.findall(r"Trigram\('(.|\\u\{[0-9a-f]+\}|\\.)', '(.|\\u\{[0-9a-f]+\}|\\.)', '(.|\\u\{[0-9a-f]+\}|\\.)'\)", tris)
        n = tris.count('Trigram(')
        assert len(ts) == n, (lang, len(ts), n)
        def unesc(c):
            if c.startswith('\\u{'): return chr(int(c[3:-1], 16))
            if c.startswith('\\'): return {'\\\\': '\\', "\\'": "'", '\\n': '\n'}[c]
            return c
        s = ''.join(unesc(c) for t in ts for c in t)
        assert len(s) == 3 * n
        lines.append('    (Wl::%s, "%s"),' % (lang, esc(s)))
    lines.append('];')
    lines.append('')
al = open(src + 'alphabets/latin.rs').read() + open(src + 'alphabets/cyrillic.rs').read()
for name in ['LATIN', 'CYRILLIC']:
    m = re.search(name + r'_ALPHABETS: &\[\(Lang, &str\)\] = &\[(.*?)\];', al, re.S)
    lines.append('/// Alphabets of the %s script\'s languages, all of them: a letter in every one' % name.title())
    lines.append('/// of them scores for none.')
    lines.append('pub(super) static %s_ALPHABETS: &[(Wl, &str)] = &[' % name)
    for lang, const in re.findall(r'\(Lang::(\w+), (\w+)\)', m.group(1)):
        v = re.search(r'const ' + const + r': &str =\s*"(.*?)";', al, re.S).group(1)
        lines.append('    (Wl::%s, "%s"),' % (lang, esc(v)))
    lines.append('];')
    lines.append('')
lm = open(src + 'scripts/lang_mapping.rs').read()
for name in ['LATIN', 'CYRILLIC']:
    m = re.search(r'const ' + name + r'_LANGS: \[Lang; \d+\] = \[(.*?)\];', lm, re.S)
    langs = re.findall(r'Lang::(\w+)', m.group(1))
    lines.append('/// The %s script\'s languages in whatlang\'s order.' % name.title())
    lines.append('pub(super) static %s_LANGS: &[Wl] = &[%s];' % (name, ', '.join('Wl::' + l for l in langs)))
    lines.append('')
HEADER = open(__file__.replace('gen_data.py', 'header.rs')).read()
print(HEADER + '\n'.join(lines))
