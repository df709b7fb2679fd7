#!/usr/bin/env python3
"""Writes crates/tidings/src/lang/franc_data.rs: the trigram profiles of the languages
whatlang does not know, taken from franc-all 7.2.0 (MIT; profiles made from the Universal
Declaration of Human Rights, the same source as whatlang's own).
Usage:
    npm pack franc-all@7.2.0 && tar xzf franc-all-7.2.0.tgz
    python3 tools/franc/gen_data.py package/data.js > crates/tidings/src/lang/franc_data.rs && cargo fmt
"""
import re, sys

# Our code (ISO 639-3 as NTREX and whatlang write it) -> franc's code, per franc script
# group. franc names individual languages where NTREX names the macrolanguage
# (swh for swa, plt for mlg, gaz for orm, als for sqi, zlm for msa, khk for mon, pbu
# for pus); hmn is Hmong Daw in NTREX, franc has the close Hmong Njua (hnj); fuc
# (Pulaar) takes Nigerian Fulfulde (fuv), the nearest franc has.
EXTRA = {
    'LATIN': [('bos', 'bos'), ('eus', 'eus'), ('ewe', 'ewe'), ('fao', 'fao'), ('fij', 'fij'),
              ('fuc', 'fuv'), ('gle', 'gle'), ('glg', 'glg'), ('hau', 'hau'), ('hmn', 'hnj'),
              ('ibo', 'ibo'), ('isl', 'isl'), ('kin', 'kin'), ('ltz', 'ltz'), ('mlg', 'plt'), ('mlt', 'mlt'),
              ('mri', 'mri'), ('msa', 'zlm'), ('nno', 'nno'), ('nso', 'nso'), ('nya', 'nya'),
              ('orm', 'gaz'), ('smo', 'smo'), ('som', 'som'), ('sqi', 'als'), ('ssw', 'ssw'),
              ('swa', 'swh'), ('tah', 'tah'), ('ton', 'ton'), ('tsn', 'tsn'), ('ven', 'ven'),
              ('wol', 'wol'), ('xho', 'xho'), ('yor', 'yor')],
    'CYRILLIC': [('kaz', 'kaz'), ('kir', 'kir'), ('tat', 'tat'), ('tgk', 'tgk'), ('mon', 'khk')],
    'ARABIC': [('pus', 'pbu'), ('uig', 'uig'), ('prs', 'prs')],
    'TIBETAN': [('bod', 'bod'), ('dzo', 'dzo')],
}
GROUP = {'LATIN': 'Latin', 'CYRILLIC': 'Cyrillic', 'ARABIC': 'Arabic', 'TIBETAN': 'Tibetan'}

src = open(sys.argv[1]).read()
groups = {}
for m in re.finditer(r"^  ([A-Za-z]+): \{(.*?)^  \}", src, re.M | re.S):
    groups[m.group(1)] = dict(re.findall(r"^    ([a-z]{3}): '(.*?)',?$", m.group(2), re.M))


def esc(s):
    return ''.join('\\u{%x}' % ord(c) if c in '"\\' or not c.isprintable() else c for c in s)


out = [open(__file__.replace('gen_data.py', 'header.rs')).read().rstrip('\n')]
for name, pairs in EXTRA.items():
    out.append('')
    out.append('/// %s-script profiles: (our code, its 300 trigrams, most frequent first).' % GROUP[name])
    out.append('pub(super) static %s: &[(&str, &str)] = &[' % name)
    for ours, franc in pairs:
        tris = groups[GROUP[name]][franc].split('|')
        assert len(tris) == 300 and all(len(t) == 3 for t in tris), (ours, franc)
        out.append('    ("%s", "%s"),' % (ours, esc(''.join(tris))))
    out.append('];')
print('\n'.join(out))
