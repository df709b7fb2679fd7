//! whatlang's answer, computed faster: the same language and confidence as
//! `whatlang::Detector::detect` with our allow-list, to the bit.
//!
//! whatlang scores a text in a script shared by several languages (Latin, Cyrillic,
//! Arabic, Devanagari, Hebrew) by looking each of the 300 trigrams of every allowed
//! language's profile up in a hash map of the text's trigrams: about 9,000 lookups
//! for a Latin text, 70% of the time analysis spent on a news article. Here the
//! profiles are inverted once (trigram → the profiles holding it, with its rank), so a
//! text costs one lookup per distinct trigram of its own (at most 600), and in the
//! scripts where franc's profiles compete that one lookup serves both sets.
//! Everything else (script, alphabet scores, the trigram order, the weighting, the
//! sorts and the confidence) follows whatlang's code step by step, in the same order
//! and with the same arithmetic, so ties and rounding come out the same (the text's
//! trigrams are ranked by a counting sort, into the same total order); the oracle
//! test below compares the two on every corpus at hand and on random text.

use super::franc_data as franc;
use super::scripts::{detect_script, is_stop_char};
use super::whatlang_data as data;
use super::Lang;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::sync::LazyLock;
use whatlang::{Lang as Wl, Script};

/// whatlang's `MAX_TRIGRAM_DISTANCE`: the distance of a profile trigram the text lacks.
const MAX_TRIGRAM_DISTANCE: u32 = 300;
/// whatlang's `MAX_TOTAL_DISTANCE`.
const MAX_TOTAL_DISTANCE: u32 = MAX_TRIGRAM_DISTANCE * MAX_TRIGRAM_DISTANCE;
/// whatlang's `TEXT_TRIGRAMS_SIZE`: how many of the text's trigrams are ranked.
const TEXT_TRIGRAMS_SIZE: usize = 600;

/// A trigram as one number: three 21-bit characters, the first highest, so numbers
/// order as whatlang's `Trigram(char, char, char)` does.
fn trigram_key(a: char, b: char, c: char) -> u64 {
    (u64::from(a) << 42) | (u64::from(b) << 21) | u64::from(c)
}

/// A script's letters and which languages' alphabets hold them (whatlang's inverted
/// alphabet map, restricted to the allowed languages).
struct Alphabets {
    /// The letters of every alphabet of the script, sorted.
    chars: Vec<char>,
    /// Per letter: in every alphabet of the script (then it scores for all alike).
    common: Vec<bool>,
    /// Per letter: the allowed languages (indices into `langs`) whose alphabet has it.
    langs_of: Vec<Vec<usize>>,
    /// Position in `chars` of each ASCII letter that is one.
    ascii: [Option<u16>; 128],
    /// The allowed languages, in whatlang's order for the script.
    langs: Vec<Wl>,
}

impl Alphabets {
    fn new(alphabets: &[(Wl, &str)], script_langs: &[Wl], allowed: &[Wl]) -> Alphabets {
        let langs: Vec<Wl> = script_langs
            .iter()
            .copied()
            .filter(|l| allowed.contains(l))
            .collect();
        let mut by_char: FxHashMap<char, Vec<Wl>> = FxHashMap::default();
        for &(lang, alphabet) in alphabets {
            for c in alphabet.chars() {
                by_char.entry(c).or_default().push(lang);
            }
        }
        let mut chars: Vec<char> = by_char.keys().copied().collect();
        chars.sort_unstable();
        let common = chars
            .iter()
            .map(|c| by_char[c].len() == script_langs.len())
            .collect();
        let langs_of = chars
            .iter()
            .map(|c| {
                by_char[c]
                    .iter()
                    .filter_map(|l| langs.iter().position(|a| a == l))
                    .collect()
            })
            .collect();
        let mut ascii = [None; 128];
        for (i, &c) in chars.iter().enumerate() {
            if c.is_ascii() {
                ascii[c as usize] = u16::try_from(i).ok();
            }
        }
        Alphabets {
            chars,
            common,
            langs_of,
            ascii,
            langs,
        }
    }

    /// whatlang's `generic_alphabet_calculate_scores`: (normalized scores sorted best
    /// first, the number of letters counted).
    ///
    /// `letters`, where given, are the letters of `lower` with their counts
    /// ([`Trigrams::letters`]): each letter is then found once, not at each
    /// occurrence (the scores are sums).
    fn scores(&self, lower: &str, letters: Option<&[(char, u32)]>) -> (Vec<(Wl, f64)>, usize) {
        let mut char_scores = vec![0usize; self.chars.len()];
        let mut max_raw_score = 0usize;
        let mut count = |c: char, n: usize| {
            max_raw_score += n;
            let pos = if c.is_ascii() {
                self.ascii[c as usize].map(usize::from)
            } else {
                self.chars.binary_search(&c).ok()
            };
            if let Some(p) = pos {
                char_scores[p] += 2 * n;
            }
        };
        match letters {
            Some(letters) => {
                for &(c, n) in letters {
                    count(c, n as usize);
                }
            }
            None => {
                for c in lower.chars().filter(|&c| !is_stop_char(c)) {
                    count(c, 1);
                }
            }
        }
        let mut lang_scores = vec![0usize; self.langs.len()];
        let mut common_score = 0usize;
        for (p, &s) in char_scores.iter().enumerate() {
            if s == 0 {
                continue;
            }
            if self.common[p] {
                common_score += s;
            } else {
                for &l in &self.langs_of[p] {
                    lang_scores[l] += s;
                }
            }
        }
        let mut raw: Vec<(Wl, usize)> = self
            .langs
            .iter()
            .zip(&lang_scores)
            .map(|(&l, &s)| (l, (s + common_score).saturating_sub(max_raw_score)))
            .collect();
        raw.sort_unstable_by_key(|&(_, s)| Reverse(s));
        let scores = raw
            .into_iter()
            .map(|(l, s)| (l, s as f64 / max_raw_score as f64))
            .collect();
        (scores, max_raw_score)
    }
}

/// Trigram profiles of one script, inverted; `T` names a profile's language
/// (whatlang's, or ours for the extended detector).
struct Profiles<T> {
    /// The languages with a profile, in the order given, and each profile's length.
    langs: Vec<(T, u32)>,
    /// Trigram → its run of `hits`: one lookup, then contiguous reads (a `Vec` per
    /// trigram cost a second cache miss per lookup).
    index: FxHashMap<u64, (u32, u32)>,
    /// (index into `langs`, rank in that profile), grouped by trigram.
    hits: Vec<(u16, u16)>,
}

impl<T: Copy> Profiles<T> {
    fn new<'a>(profiles: impl IntoIterator<Item = (T, &'a str)>) -> Profiles<T> {
        let mut langs = Vec::new();
        let mut by_trigram: FxHashMap<u64, Vec<(u16, u16)>> = FxHashMap::default();
        for (lang, trigrams) in profiles {
            let chars: Vec<char> = trigrams.chars().collect();
            let slot = langs.len() as u16;
            for (rank, t) in chars.chunks_exact(3).enumerate() {
                by_trigram
                    .entry(trigram_key(t[0], t[1], t[2]))
                    .or_default()
                    .push((slot, rank as u16));
            }
            langs.push((lang, (chars.len() / 3) as u32));
        }
        let mut keys: Vec<u64> = by_trigram.keys().copied().collect();
        keys.sort_unstable();
        let (mut index, mut hits) = (FxHashMap::default(), Vec::new());
        for key in keys {
            let run = &by_trigram[&key];
            index.insert(key, (hits.len() as u32, run.len() as u32));
            hits.extend_from_slice(run);
        }
        Profiles { langs, index, hits }
    }

    /// Per profile, what the text's shared trigrams save of the full distance
    /// (see [`Profiles::scores`]).
    fn saved(&self, ranked: &[u64]) -> Vec<i64> {
        let mut saved = vec![0i64; self.langs.len()];
        let found = found_in(&self.index, ranked);
        read_runs(&self.hits, found.iter().map(|&(_, (start, _))| start));
        for (n, (start, len)) in found {
            add_saved(
                &mut saved,
                n,
                &self.hits[start as usize..(start + len) as usize],
            );
        }
        saved
    }

    /// whatlang's `calculate_scores_in_profiles`: (scores sorted best first, the
    /// number of distinct trigrams ranked).
    fn scores(&self, ranked: &[u64]) -> (Vec<(T, f64)>, usize) {
        self.scores_from(&self.saved(ranked), ranked.len())
    }

    /// [`Profiles::scores`] from [`Profiles::saved`] over `count` ranked trigrams.
    fn scores_from(&self, saved: &[i64], count: usize) -> (Vec<(T, f64)>, usize) {
        let count32 = count as u32;
        // A profile's distance is the sum over its trigrams of |text rank - profile
        // rank|, or MAX_TRIGRAM_DISTANCE where the text lacks it: the full distance less
        // what each shared trigram saves.
        let mut distances: Vec<(T, u32)> = self
            .langs
            .iter()
            .zip(saved)
            .map(|(&(lang, len), &saved)| {
                // Never negative: every term of whatlang's sum is.
                let mut total = (i64::from(len * MAX_TRIGRAM_DISTANCE) - saved) as u32;
                if MAX_TRIGRAM_DISTANCE > count32 {
                    let delta = MAX_TRIGRAM_DISTANCE - count32;
                    total = total.wrapping_sub(delta * MAX_TRIGRAM_DISTANCE);
                }
                (lang, total.min(MAX_TOTAL_DISTANCE))
            })
            .collect();
        distances.sort_unstable_by_key(|&(_, d)| d);
        let max_dist = count32 * MAX_TRIGRAM_DISTANCE;
        let scores = distances
            .into_iter()
            .map(|(l, d)| (l, f64::from(max_dist.wrapping_sub(d)) / f64::from(max_dist)))
            .collect();
        (scores, count)
    }
}

/// The ranked trigrams `index` holds, with their ranks. The text's trigrams are
/// looked up first, their runs of hits read next ([`read_runs`]), and only then
/// added: each of these loops makes one likely cache miss per trigram and none
/// waits on another's, so the misses overlap, where adding a run's hits as each is
/// found (a loop of the run's length after each lookup) waited on them one at a
/// time. `detect_lang` over 10k yardstick texts (best of seven passes, builds
/// alternating): 49-62 → 45-52 µs a text.
fn found_in<V: Copy>(index: &FxHashMap<u64, V>, ranked: &[u64]) -> Vec<(usize, V)> {
    ranked
        .iter()
        .enumerate()
        .filter_map(|(n, key)| Some((n, *index.get(key)?)))
        .collect()
}

/// Reads the first hit of each run, for [`found_in`]. By index, not through
/// `memory::touch_first` of the run's slice: slicing each run first cost 59 M more
/// instructions over 5,000 yardstick texts (callgrind).
fn read_runs(hits: &[(u16, u16)], starts: impl Iterator<Item = u32>) {
    for start in starts {
        std::hint::black_box(hits.get(start as usize).copied());
    }
}

/// Adds what the text's trigram of rank `n` saves to each profile holding it.
fn add_saved(saved: &mut [i64], n: usize, hits: &[(u16, u16)]) {
    for &(slot, rank) in hits {
        let d = (n as i64 - i64::from(rank)).abs();
        saved[usize::from(slot)] += i64::from(MAX_TRIGRAM_DISTANCE) - d;
    }
}

/// whatlang's profiles of a script and franc's of its other languages in one
/// table: the extended detector scores a text against both, and each of its
/// trigrams is looked up once (two lookups, each a likely cache miss, were a third
/// of language identification on the crawl yardstick).
struct JointProfiles {
    /// Trigram → its run of `hits`: that many of whatlang's, then franc's.
    index: FxHashMap<u64, (u32, u16, u16)>,
    hits: Vec<(u16, u16)>,
    whatlang_langs: usize,
    franc_langs: usize,
}

impl JointProfiles {
    fn new<A: Copy, B: Copy>(whatlang: &Profiles<A>, franc: &Profiles<B>) -> JointProfiles {
        let mut keys: Vec<u64> = whatlang
            .index
            .keys()
            .chain(franc.index.keys())
            .copied()
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let run = |p: &[(u16, u16)], at: Option<&(u32, u32)>| -> Vec<(u16, u16)> {
            at.map_or(Vec::new(), |&(s, l)| {
                p[s as usize..(s + l) as usize].to_vec()
            })
        };
        let (mut index, mut hits) = (FxHashMap::default(), Vec::new());
        for key in keys {
            let a = run(&whatlang.hits, whatlang.index.get(&key));
            let b = run(&franc.hits, franc.index.get(&key));
            index.insert(key, (hits.len() as u32, a.len() as u16, b.len() as u16));
            hits.extend(a);
            hits.extend(b);
        }
        JointProfiles {
            index,
            hits,
            whatlang_langs: whatlang.langs.len(),
            franc_langs: franc.langs.len(),
        }
    }

    /// [`Profiles::saved`] of both sets: (whatlang's, franc's).
    fn saved(&self, ranked: &[u64]) -> (Vec<i64>, Vec<i64>) {
        let mut a = vec![0i64; self.whatlang_langs];
        let mut b = vec![0i64; self.franc_langs];
        let found = found_in(&self.index, ranked);
        read_runs(&self.hits, found.iter().map(|&(_, (start, _, _))| start));
        for (n, (start, na, nb)) in found {
            let (start, mid) = (start as usize, start as usize + usize::from(na));
            add_saved(&mut a, n, &self.hits[start..mid]);
            add_saved(&mut b, n, &self.hits[mid..mid + usize::from(nb)]);
        }
        (a, b)
    }
}

/// `text.to_lowercase()`, with each run of ASCII copied and lowercased in bulk:
/// the standard library's does that for a text's ASCII start only, then decodes
/// and encodes every character after the first that is not ASCII, which for news
/// in most Latin-script languages is nearly all of it (208 M instructions against
/// 90 M on 5,000 yardstick texts, callgrind). Each character lowers as
/// `char::to_lowercase` does, which is `str::to_lowercase` but for Σ (lowered by
/// its place in a word), so a text with Σ is left to the standard library.
fn lowercase(text: &str) -> String {
    if text.contains('Σ') {
        return text.to_lowercase();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|b| !b.is_ascii())
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(ascii);
        let start = out.len();
        out.push_str(run);
        out[start..].make_ascii_lowercase();
        let mut chars = tail.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_lowercase());
        }
        rest = chars.as_str();
    }
    out
}

/// The trigram counts of one text: open addressing with linear probing over
/// `u64` keys (a trigram key is never 0: every character is at least a space),
/// reused by the thread from one text to the next, only the used slots cleared.
/// With an `FxHashMap` made for each text, `ranked_trigrams` took 892 M of
/// language identification's 1,968 M instructions on 5,000 yardstick texts; with
/// this table, 733 M (callgrind; BENCHMARKS.md, nineteenth round).
#[derive(Default)]
struct TrigramCounts {
    keys: Vec<u64>,
    counts: Vec<u32>,
    /// The slots in use, in the order they were filled.
    used: Vec<u32>,
}

impl TrigramCounts {
    /// Empties the table and makes room for `n` distinct trigrams at a load of at
    /// most a half.
    fn reset(&mut self, n: usize) {
        for &slot in &self.used {
            self.keys[slot as usize] = 0;
        }
        self.used.clear();
        let size = (2 * n).next_power_of_two().max(64);
        if self.keys.len() < size {
            self.keys = vec![0; size];
            self.counts = vec![0; size];
        }
    }

    #[inline]
    fn add(&mut self, key: u64) {
        let mask = self.keys.len() - 1;
        // Fibonacci hashing: the high bits of the product, folded into the mask.
        let mut slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
        loop {
            let k = self.keys[slot];
            if k == key {
                self.counts[slot] += 1;
                return;
            }
            if k == 0 {
                self.keys[slot] = key;
                self.counts[slot] = 1;
                self.used.push(slot as u32);
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /// Each distinct trigram and its count, in no particular order.
    fn iter(&self) -> impl Iterator<Item = (u64, u32)> + '_ {
        self.used
            .iter()
            .map(|&s| (self.keys[s as usize], self.counts[s as usize]))
    }
}

thread_local! {
    static TRIGRAM_TABLES: std::cell::RefCell<TrigramTables> = Default::default();
}

/// whatlang's `get_trigrams_with_positions`: the text's distinct trigrams (letters
/// only, other characters read as spaces, no trigram centred on a space next to a
/// space) by falling count, then by falling trigram, the first 600.
fn ranked_trigrams(lower: &str) -> Trigrams {
    let hashed = |counts: &mut TrigramCounts| Trigrams {
        ranked: ranked_trigrams_hashed(lower, counts),
        letters: None,
    };
    // Documents are read on a prefix (`detect_lang`); a longer text gets a table
    // of its own, so that no thread keeps a large one.
    if lower.len() > SHARED_COUNTS_BYTES {
        return hashed(&mut TrigramCounts::default());
    }
    TRIGRAM_TABLES.with(|t| {
        let t = &mut *t.borrow_mut();
        t.ranked(lower).unwrap_or_else(|| hashed(&mut t.hashed))
    })
}

/// A text's trigrams ranked ([`ranked_trigrams`]), and its letters if the
/// counting saw them.
struct Trigrams {
    ranked: Vec<u64>,
    /// Each letter of the text (no stop character) with how often it occurs, by
    /// character order; `None` where the trigrams were counted in a hash table.
    /// The alphabet scores are sums over the letters ([`Alphabets::scores`]).
    letters: Option<Vec<(char, u32)>>,
}

/// [`ranked_trigrams`] with every trigram counted in `counts`, then ranked by
/// [`rank_counted`]: for the texts [`TrigramTables`] cannot count, and the oracle
/// its tests compare it with.
fn ranked_trigrams_hashed(lower: &str, counts: &mut TrigramCounts) -> Vec<u64> {
    // A text of n bytes has at most n + 1 trigrams.
    counts.reset(lower.len() + 1);
    let to_char = |c: char| if is_stop_char(c) { ' ' } else { c };
    let mut chars = lower.chars().map(to_char).chain(Some(' '));
    let mut c1 = ' ';
    let mut c2 = chars.next().unwrap_or(' ');
    for c3 in chars {
        if !(c2 == ' ' && (c1 == ' ' || c3 == ' ')) {
            counts.add(trigram_key(c1, c2, c3));
        }
        c1 = c2;
        c2 = c3;
    }
    rank_counted(counts)
}

/// The most distinct letters (the space among them) a text may have for
/// [`TrigramTables`]: a letter's number then takes 6 bits, a trigram's 18.
const MAX_TEXT_LETTERS: usize = 64;

/// A thread's tables for ranking a text's trigrams ([`ranked_trigrams`]), reused
/// from one text to the next.
///
/// A text of a few hundred words has few distinct letters (about 30 to 50 in an
/// alphabet). Each letter is numbered by its place among the text's letters in
/// character order, so a trigram of numbers `(a, b, c)` has the 18-bit number
/// `a << 12 | b << 6 | c`, which orders as the trigram does. Its count is kept in an
/// array at that number, and one bit per trigram, one 64-bit word per pair `(a, b)`,
/// says which are counted: read word by word, the bits give the trigrams in rising
/// order, and a counting sort by count ranks them, with no hash table and no
/// sort of the trigrams themselves. Counting them in a hash table and sorting each
/// run of one count was 35% of language identification's instructions on 5,000
/// yardstick texts (callgrind).
struct TrigramTables {
    /// The number given to each ASCII character in the text, or `NO_LETTER`.
    ascii: [u8; 128],
    /// The other characters numbered so far, with their numbers: few per text, so
    /// a list searched from the front.
    others: Vec<(char, u8)>,
    /// The first of them with each low byte (`'\0'`: none), looked up first.
    by_low_byte: [(char, u8); 256],
    /// The text's letters by number of first appearance.
    letters: Vec<char>,
    /// The text's characters as those numbers.
    text: Vec<u8>,
    /// Trigram counts by trigram number; zero again after each text.
    counts: Vec<u16>,
    /// Bit `c` of word `a << 6 | b`: trigram `(a, b, c)` is counted.
    seen: Vec<u64>,
    /// Bit `w % 64` of word `w / 64`: word `w` of `seen` has a bit set.
    words: Vec<u64>,
    /// Scratch: (trigram, count) by rising trigram.
    rising: Vec<(u64, u32)>,
    /// The table of [`ranked_trigrams_hashed`], for texts with more letters.
    hashed: TrigramCounts,
}

const NO_LETTER: u8 = u8::MAX;

impl Default for TrigramTables {
    fn default() -> Self {
        let trigrams = MAX_TEXT_LETTERS.pow(3);
        TrigramTables {
            ascii: [NO_LETTER; 128],
            others: Vec::new(),
            by_low_byte: [('\0', 0); 256],
            letters: Vec::new(),
            text: Vec::new(),
            counts: vec![0; trigrams],
            seen: vec![0; trigrams / 64],
            words: vec![0; trigrams / 64 / 64],
            rising: Vec::new(),
            hashed: TrigramCounts::default(),
        }
    }
}

impl TrigramTables {
    /// [`ranked_trigrams`] of a text of at most [`SHARED_COUNTS_BYTES`] (no count
    /// passes a `u16`); `None` if it has more than [`MAX_TEXT_LETTERS`] letters.
    fn ranked(&mut self, lower: &str) -> Option<Trigrams> {
        debug_assert!(lower.len() <= SHARED_COUNTS_BYTES);
        let numbered = self.number(lower);
        // Whatever happened, the next text finds no letter numbered.
        for &c in &self.letters {
            if c.is_ascii() {
                self.ascii[c as usize] = NO_LETTER;
            } else {
                self.by_low_byte[c as usize & 0xFF] = ('\0', 0);
            }
        }
        self.others.clear();
        if !numbered {
            return None;
        }
        // Numbers by character order: the space (the smallest letter: every
        // character below `A` is a stop character) becomes 0.
        let mut order: Vec<(char, u8)> = self
            .letters
            .iter()
            .enumerate()
            .map(|(n, &c)| (c, n as u8))
            .collect();
        order.sort_unstable();
        let mut place = [0u8; MAX_TEXT_LETTERS];
        for (p, &(_, n)) in order.iter().enumerate() {
            place[usize::from(n)] = p as u8;
        }
        let (mut a, mut b) = (0usize, 0usize);
        let mut occurs = [0u32; MAX_TEXT_LETTERS];
        for &n in &self.text {
            let c = usize::from(place[usize::from(n)]);
            occurs[c] += 1;
            if !(b == 0 && (a == 0 || c == 0)) {
                let w = a << 6 | b;
                self.counts[w << 6 | c] += 1;
                self.seen[w] |= 1 << c;
                self.words[w >> 6] |= 1 << (w & 63);
            }
            (a, b) = (b, c);
        }
        // The counted trigrams by rising number, their counts and bits cleared as
        // they are read.
        let key_of = |p: usize| u64::from(order[p].0);
        self.rising.clear();
        for (hi, summary) in self.words.iter_mut().enumerate() {
            let mut ws = std::mem::take(summary);
            while ws != 0 {
                let w = hi << 6 | ws.trailing_zeros() as usize;
                ws &= ws - 1;
                let mut bits = std::mem::take(&mut self.seen[w]);
                let ab = key_of(w >> 6) << 42 | key_of(w & 63) << 21;
                while bits != 0 {
                    let c = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    let n = std::mem::take(&mut self.counts[w << 6 | c]);
                    self.rising.push((ab | key_of(c), u32::from(n)));
                }
            }
        }
        let letters = order
            .iter()
            .zip(occurs)
            .skip(1)
            .map(|(&(c, _), n)| (c, n))
            .collect();
        Some(Trigrams {
            ranked: rank_rising(&self.rising),
            letters: Some(letters),
        })
    }

    /// Numbers the letters of `lower` (stop characters read as the space, which is
    /// number 0) by first appearance into `letters`, and writes the text, with a space after it, as
    /// those numbers into `text`; `false` if it has more than
    /// [`MAX_TEXT_LETTERS`] letters.
    fn number(&mut self, lower: &str) -> bool {
        self.letters.clear();
        self.text.clear();
        self.text.reserve(lower.len() + 1);
        self.letters.push(' ');
        self.ascii[usize::from(b' ')] = 0;
        let mut rest = lower;
        while !rest.is_empty() {
            // A run of ASCII bytes, each its own character, then one other.
            let ascii = rest.bytes().take_while(u8::is_ascii).count();
            for &b in &rest.as_bytes()[..ascii] {
                let b = if is_stop_char(char::from(b)) { b' ' } else { b };
                let slot = &mut self.ascii[usize::from(b)];
                if *slot == NO_LETTER {
                    *slot = self.letters.len() as u8;
                    self.letters.push(char::from(b));
                }
                self.text.push(*slot);
            }
            let mut chars = rest[ascii..].chars();
            if let Some(c) = chars.next() {
                // Looked up by its low byte first: a script's letters lie in one
                // block, where the low bytes differ.
                let slot = &mut self.by_low_byte[c as usize & 0xFF];
                let n = if slot.0 == c {
                    slot.1
                } else if let Some(&(_, n)) = self.others.iter().find(|&&(o, _)| o == c) {
                    n
                } else {
                    let n = self.letters.len() as u8;
                    self.others.push((c, n));
                    self.letters.push(c);
                    if slot.0 == '\0' {
                        *slot = (c, n);
                    }
                    n
                };
                self.text.push(n);
            }
            if self.letters.len() > MAX_TEXT_LETTERS {
                return false;
            }
            rest = chars.as_str();
        }
        self.text.push(0);
        true
    }
}

/// (trigram, count) pairs by rising trigram, ranked by falling count, then by
/// falling trigram, the first [`TEXT_TRIGRAMS_SIZE`]: a counting sort by count,
/// fed the pairs from the highest trigram down, which leaves each count's
/// trigrams falling with no sort of their own.
fn rank_rising(rising: &[(u64, u32)]) -> Vec<u64> {
    let max = rising.iter().map(|&(_, n)| n).max().unwrap_or(0) as usize;
    let mut next = run_starts(rising.iter().map(|&(_, n)| n), max);
    let keep = rising.len().min(TEXT_TRIGRAMS_SIZE);
    let mut ranked = vec![0u64; keep];
    for &(key, n) in rising.iter().rev() {
        let slot = &mut next[n as usize];
        if *slot < keep {
            ranked[*slot] = key;
        }
        *slot += 1;
    }
    ranked
}

/// Where the runs of a counting sort by falling count begin: `starts[c]` for the
/// trigrams seen `c` times, of counts at most `max`.
fn run_starts(counts: impl Iterator<Item = u32>, max: usize) -> Vec<usize> {
    let mut starts = vec![0usize; max + 1];
    for n in counts {
        starts[n as usize] += 1;
    }
    let mut at = 0;
    for c in (1..=max).rev() {
        let len = starts[c];
        starts[c] = at;
        at += len;
    }
    starts
}

/// The longest text counted in the thread's own [`TrigramTables`] (no count passes
/// a `u16`; the hash table of a text with too many letters then holds at most
/// 32,768 slots, 384 KB, where a 1,200-byte prefix needs 4,096).
const SHARED_COUNTS_BYTES: usize = 8 * 1024;

/// The trigrams of `counts` by falling count, then by falling trigram, the first
/// [`TEXT_TRIGRAMS_SIZE`]. Their order in `counts` does not matter: each run of
/// one count is sorted, or its highest selected and sorted, before it is cut.
fn rank_counted(counts: &TrigramCounts) -> Vec<u64> {
    // By falling count, by a counting sort (counts are small: most trigrams of a
    // text occur once), then each run of one count by falling trigram; of the run
    // the limit cuts, only its highest trigrams are sorted. One sort of (count,
    // trigram) pairs as u128 was a sixth of language identification's
    // instructions; ranked this way, the ranking takes a tenth fewer (callgrind,
    // 1,000 yardstick texts).
    let max = counts.iter().map(|(_, n)| n).max().unwrap_or(0) as usize;
    let starts = run_starts(counts.iter().map(|(_, n)| n), max);
    let mut ranked = vec![0u64; counts.used.len()];
    let mut next = starts.clone();
    for (t, n) in counts.iter() {
        ranked[next[n as usize]] = t;
        next[n as usize] += 1;
    }
    let keep = ranked.len().min(TEXT_TRIGRAMS_SIZE);
    for c in (1..=max).rev() {
        let (start, end) = (starts[c], next[c]);
        if start >= keep {
            break;
        }
        let run = &mut ranked[start..end];
        let wanted = keep - start;
        if wanted < run.len() {
            run.select_nth_unstable_by(wanted, |a, b| b.cmp(a));
            run[..wanted].sort_unstable_by(|a, b| b.cmp(a));
        } else {
            run.sort_unstable_by(|a, b| b.cmp(a));
        }
    }
    ranked.truncate(keep);
    ranked
}

/// whatlang's profiles of the allowed languages, in whatlang's order.
fn whatlang_profiles(profiles: &[(Wl, &'static str)], allowed: &[Wl]) -> Profiles<Wl> {
    Profiles::new(
        profiles
            .iter()
            .copied()
            .filter(|(l, _)| allowed.contains(l)),
    )
}

/// One script shared by several languages.
struct ScriptModel {
    /// Alphabet scores; `None` where whatlang gives every allowed language 1.0.
    alphabets: Option<Alphabets>,
    /// The languages of a script without alphabet scores, allowed ones only.
    fixed: Vec<Wl>,
    profiles: Profiles<Wl>,
}

impl ScriptModel {
    fn with_alphabets(
        alphabets: &[(Wl, &str)],
        script_langs: &[Wl],
        profiles: &[(Wl, &'static str)],
        allowed: &[Wl],
    ) -> ScriptModel {
        ScriptModel {
            alphabets: Some(Alphabets::new(alphabets, script_langs, allowed)),
            fixed: Vec::new(),
            profiles: whatlang_profiles(profiles, allowed),
        }
    }

    fn fixed(langs: &[Wl], profiles: &[(Wl, &'static str)], allowed: &[Wl]) -> ScriptModel {
        ScriptModel {
            alphabets: None,
            fixed: langs
                .iter()
                .copied()
                .filter(|l| allowed.contains(l))
                .collect(),
            profiles: whatlang_profiles(profiles, allowed),
        }
    }

    /// whatlang's `combined::detect`: the best language and its confidence.
    fn detect(&self, text: &str) -> Option<(Wl, f64)> {
        let lower = lowercase(text);
        self.detect_ranked(&lower, &ranked_trigrams(&lower)).0
    }

    /// [`ScriptModel::detect`] on the lowercased text and its ranked trigrams;
    /// also the best trigram score of the script's profiles (which the extended
    /// detector compares with franc's profiles).
    fn detect_ranked(&self, lower: &str, trigrams: &Trigrams) -> (Option<(Wl, f64)>, f64) {
        self.detect_scored(lower, trigrams, self.profiles.scores(&trigrams.ranked))
    }

    /// [`ScriptModel::detect_ranked`] with the trigram scores of its profiles
    /// given ([`Profiles::scores`]).
    fn detect_scored(
        &self,
        lower: &str,
        trigrams: &Trigrams,
        (trigram, trigram_count): (Vec<(Wl, f64)>, usize),
    ) -> (Option<(Wl, f64)>, f64) {
        let (alphabet, alphabet_count) = match &self.alphabets {
            Some(a) => a.scores(lower, trigrams.letters.as_deref()),
            None => (self.fixed.iter().map(|&l| (l, 1.0)).collect(), 1),
        };
        let best_trigram = trigram.first().map_or(0.0, |x| x.1);
        // Each language's score in each list, by its number (the first where a
        // list names it twice), and whether `all` has it: looked up in the lists
        // for each language, they were 2% of analyzing the crawl yardstick
        // (callgrind).
        let (mut by_alphabet, mut by_trigram) = ([0.0f64; WL_SLOTS], [0.0f64; WL_SLOTS]);
        for (list, by) in [(&alphabet, &mut by_alphabet), (&trigram, &mut by_trigram)] {
            for &(l, s) in list.iter().rev() {
                by[l as usize] = s;
            }
        }
        let mut listed = [false; WL_SLOTS];
        let mut all: Vec<Wl> = Vec::with_capacity(alphabet.len() + trigram.len());
        for l in alphabet.iter().chain(&trigram).map(|x| x.0) {
            if !std::mem::replace(&mut listed[l as usize], true) {
                all.push(l);
            }
        }
        let alphabet_weight =
            (-(alphabet_count as f64 / 300.0) + 2.0 / 3.0).clamp(1.0 / 3.0, 2.0 / 3.0);
        let trigram_weight = 1.0 - alphabet_weight;
        let mut scores: Vec<(Wl, f64)> = all
            .into_iter()
            .map(|l| {
                let (a, t) = (by_alphabet[l as usize], by_trigram[l as usize]);
                (l, a * alphabet_weight + t * trigram_weight)
            })
            .collect();
        scores.sort_unstable_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Less));
        let mut it = scores.into_iter();
        let Some((lang, first)) = it.next() else {
            return (None, best_trigram);
        };
        let confidence = match it.next() {
            Some((_, second)) => confidence(first, second, trigram_count),
            None => 1.0,
        };
        (Some((lang, confidence)), best_trigram)
    }
}

/// Slots for whatlang's languages by number (`Wl as usize`): it has 69.
const WL_SLOTS: usize = 128;

/// whatlang's `calculate_confidence`.
fn confidence(highest: f64, second: f64, count: usize) -> f64 {
    if highest == 0.0 {
        return 0.0;
    }
    if second == 0.0 {
        return highest;
    }
    let confident_rate = (3.0 / count as f64) + 0.015;
    let rate = (highest - second) / second;
    if rate > confident_rate {
        1.0
    } else {
        rate / confident_rate
    }
}

/// The multi-language scripts' models for an allow-list.
pub(super) struct Detector {
    latin: ScriptModel,
    cyrillic: ScriptModel,
    arabic: ScriptModel,
    devanagari: ScriptModel,
    hebrew: ScriptModel,
    /// whatlang itself, for the scripts of one language (and Han, which whatlang
    /// tells from Japanese by its own rule): cheap there.
    whatlang: whatlang::Detector,
}

impl Detector {
    pub(super) fn new(allowed: Vec<Wl>) -> Detector {
        let a = &allowed;
        Detector {
            latin: ScriptModel::with_alphabets(
                data::LATIN_ALPHABETS,
                data::LATIN_LANGS,
                data::LATIN,
                a,
            ),
            cyrillic: ScriptModel::with_alphabets(
                data::CYRILLIC_ALPHABETS,
                data::CYRILLIC_LANGS,
                data::CYRILLIC,
                a,
            ),
            arabic: ScriptModel::fixed(&[Wl::Ara, Wl::Urd, Wl::Pes], data::ARABIC, a),
            devanagari: ScriptModel::fixed(&[Wl::Hin, Wl::Mar, Wl::Nep], data::DEVANAGARI, a),
            hebrew: ScriptModel::fixed(&[Wl::Heb, Wl::Yid], data::HEBREW, a),
            whatlang: whatlang::Detector::with_allowlist(allowed),
        }
    }

    /// Our model of a script shared by several languages; `None` for the scripts
    /// whatlang itself reads.
    fn model_of(&self, script: Script) -> Option<&ScriptModel> {
        match script {
            Script::Latin => Some(&self.latin),
            Script::Cyrillic => Some(&self.cyrillic),
            Script::Arabic => Some(&self.arabic),
            Script::Devanagari => Some(&self.devanagari),
            Script::Hebrew => Some(&self.hebrew),
            _ => None,
        }
    }

    /// What `whatlang::Detector::detect` answers: the language and its confidence.
    pub(super) fn detect(&self, text: &str) -> Option<(Wl, f64)> {
        self.detect_in(detect_script(text)?, text)
    }

    /// [`Detector::detect`] for a text whatlang reads as `script`.
    fn detect_in(&self, script: Script, text: &str) -> Option<(Wl, f64)> {
        match self.model_of(script) {
            Some(model) => model.detect(text),
            None => self
                .whatlang
                .detect(text)
                .map(|i| (i.lang(), i.confidence())),
        }
    }
}

/// The detector for our allow-list, built on first use.
pub(super) static DETECTOR: LazyLock<Detector> =
    LazyLock::new(|| Detector::new(super::LANGS.iter().filter_map(|p| p.whatlang).collect()));

/// The scripts the extended detector tells apart before asking anyone: those with
/// languages whatlang does not know (Thaana, Lao and Tibetan it does not read at all).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Route {
    Latin,
    Cyrillic,
    Arabic,
    Ethiopic,
    Tibetan,
    Thaana,
    Lao,
    /// Any other script: whatlang's answer stands.
    Other,
}

const ROUTES: [Route; 8] = [
    Route::Latin,
    Route::Cyrillic,
    Route::Arabic,
    Route::Ethiopic,
    Route::Tibetan,
    Route::Thaana,
    Route::Lao,
    Route::Other,
];

fn route_of(c: char) -> Option<Route> {
    // An ASCII character is a Latin letter or no letter.
    if c.is_ascii() {
        return c.is_ascii_alphabetic().then_some(Route::Latin);
    }
    Some(match c as u32 {
        0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F | 0x1E00..=0x1EFF => Route::Latin,
        0x0400..=0x052F => Route::Cyrillic,
        0x0600..=0x06FF | 0x0750..=0x077F | 0x08A0..=0x08FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Route::Arabic
        }
        0x1200..=0x139F | 0x2D80..=0x2DDF => Route::Ethiopic,
        0x0F00..=0x0FFF => Route::Tibetan,
        0x0780..=0x07BF => Route::Thaana,
        0x0E80..=0x0EFF => Route::Lao,
        _ if c.is_alphabetic() => Route::Other,
        _ => return None,
    })
}

/// The route with the most letters in `text`; `None` without letters.
fn dominant_route(text: &str) -> Option<Route> {
    let mut counts = [0usize; ROUTES.len()];
    for r in text.chars().filter_map(route_of) {
        counts[r as usize] += 1;
    }
    let (best, &n) = counts
        .iter()
        .enumerate()
        .max_by_key(|&(i, n)| (*n, Reverse(i)))?;
    (n > 0).then(|| ROUTES[best])
}

/// franc's profiles of one script's languages that whatlang does not know.
struct Extras {
    profiles: Profiles<Lang>,
    /// These profiles with whatlang's of the same script, where it has a model of
    /// its own ([`Detector::model_of`]).
    joint: Option<JointProfiles>,
}

impl Extras {
    fn new(franc: &[(&str, &'static str)], script: Option<Script>) -> Extras {
        let profiles = Profiles::new(
            franc
                .iter()
                .filter_map(|&(code, t)| Some((Lang::from_code(code)?, t))),
        );
        let joint = script
            .and_then(|s| DETECTOR.model_of(s))
            .map(|model| JointProfiles::new(&model.profiles, &profiles));
        Extras { profiles, joint }
    }

    /// The best of these profiles, if its trigram score beats `rival` (the best of
    /// whatlang's profiles of the script, 0 without them), with whatlang's
    /// confidence rule over the runner-up of both sets. `saved` is
    /// [`Profiles::saved`] of these profiles over `count` ranked trigrams.
    fn best(&self, saved: &[i64], count: usize, rival: f64) -> Option<(Lang, f64)> {
        let (scores, count) = self.profiles.scores_from(saved, count);
        let (lang, first) = *scores.first()?;
        if first <= rival {
            return None;
        }
        let second = scores.get(1).map_or(0.0, |x| x.1).max(rival);
        Some((lang, confidence(first, second, count)))
    }
}

/// Amharic or Tigrinya, by the letters that tell them apart: Tigrinya writes an
/// initial a as ኣ and has ሕ often, Amharic writes አ and has the plural ending ች.
/// franc's profiles (from one text each) read most Amharic news as Tigrinya.
fn ethiopic_lang(text: &str) -> &'static str {
    let (mut amh, mut tir) = (0usize, 0usize);
    for c in text.chars() {
        match c {
            'አ' | 'ች' => amh += 1,
            'ኣ' | 'ሕ' => tir += 1,
            _ => {}
        }
    }
    if tir > amh {
        "tir"
    } else {
        "amh"
    }
}

/// whatlang's answer, widened to the languages it does not know: Thaana and Lao by
/// their script alone; Amharic and Tigrinya by their letters; Tibetan and Dzongkha
/// by franc's profiles; in Latin, Cyrillic and Arabic script franc's profiles of
/// the other languages compete with whatlang's profiles of its own, and win only
/// where their trigram distance is the smallest. Elsewhere whatlang's answer
/// stands, as it did.
pub(super) struct Extended {
    latin: Extras,
    cyrillic: Extras,
    arabic: Extras,
    tibetan: Extras,
}

impl Extended {
    fn new() -> Extended {
        Extended {
            latin: Extras::new(franc::LATIN, Some(Script::Latin)),
            cyrillic: Extras::new(franc::CYRILLIC, Some(Script::Cyrillic)),
            arabic: Extras::new(franc::ARABIC, Some(Script::Arabic)),
            tibetan: Extras::new(franc::TIBETAN, None),
        }
    }

    /// The language of `text` and the confidence of the answer. The text is
    /// lowercased and its trigrams ranked once, for whatlang's profiles and franc's.
    pub(super) fn detect(&self, text: &str) -> Option<(Lang, f64)> {
        let single = |code| Lang::from_code(code).map(|l| (l, 1.0));
        let from_whatlang = |answer: Option<(Wl, f64)>| {
            answer.and_then(|(wl, c)| Some((Lang::from_whatlang(wl)?, c)))
        };
        let route = dominant_route(text)?;
        let extras = match route {
            Route::Thaana => return single("div"),
            Route::Lao => return single("lao"),
            Route::Ethiopic => return single(ethiopic_lang(text)),
            Route::Tibetan => &self.tibetan,
            Route::Latin => &self.latin,
            Route::Cyrillic => &self.cyrillic,
            Route::Arabic => &self.arabic,
            Route::Other => return from_whatlang(DETECTOR.detect(text)),
        };
        let lower = lowercase(text);
        let trigrams = ranked_trigrams(&lower);
        let ranked = &trigrams.ranked;
        // whatlang's answer on the same text. Where whatlang reads the route's own
        // script, its model scores the trigrams ranked here and its best profile is
        // franc's rival; a text that mixes scripts has none.
        let same_script = |s: Script| {
            matches!(
                (s, route),
                (Script::Latin, Route::Latin)
                    | (Script::Cyrillic, Route::Cyrillic)
                    | (Script::Arabic, Route::Arabic)
            )
        };
        // The route's script is the model's whose profiles `extras.joint` holds.
        let (answer, rival, franc) = match detect_script(text) {
            Some(s) if same_script(s) => match (DETECTOR.model_of(s), &extras.joint) {
                (Some(model), Some(joint)) => {
                    let (own, franc) = joint.saved(ranked);
                    let scores = model.profiles.scores_from(&own, ranked.len());
                    let (answer, rival) = model.detect_scored(&lower, &trigrams, scores);
                    (answer, rival, Some(franc))
                }
                (Some(model), None) => {
                    let (answer, rival) = model.detect_ranked(&lower, &trigrams);
                    (answer, rival, None)
                }
                (None, _) => (DETECTOR.detect_in(s, text), 0.0, None),
            },
            Some(s) => (DETECTOR.detect_in(s, text), 0.0, None),
            None => (None, 0.0, None),
        };
        let franc = franc.unwrap_or_else(|| extras.profiles.saved(ranked));
        extras
            .best(&franc, ranked.len(), rival)
            .or_else(|| from_whatlang(answer))
    }
}

/// The extended detector, built on first use.
pub(super) static EXTENDED: LazyLock<Extended> = LazyLock::new(Extended::new);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Every whatlang language has a slot in `detect_scored`'s arrays.
    #[test]
    fn every_whatlang_language_has_a_slot() {
        assert!(Wl::all().iter().all(|&l| (l as usize) < WL_SLOTS));
    }

    fn allowed() -> Vec<Wl> {
        super::super::LANGS
            .iter()
            .filter_map(|p| p.whatlang)
            .collect()
    }

    static WHATLANG: LazyLock<whatlang::Detector> =
        LazyLock::new(|| whatlang::Detector::with_allowlist(allowed()));

    fn check(text: &str) {
        let want = WHATLANG
            .detect(text)
            .map(|i| (i.lang(), i.confidence().to_bits()));
        let got = DETECTOR.detect(text).map(|(l, c)| (l, c.to_bits()));
        assert_eq!(got, want, "{text:?}");
    }

    /// The oracle: whatlang itself, on the project's corpora (their first 1,200
    /// bytes, as `detect_lang` reads them, and their first 80, where ties and short
    /// texts are) and on short cases.
    #[test]
    fn answers_as_whatlang_does() {
        let texts = super::super::corpus_texts();
        for text in &texts {
            for max in [80, 1200] {
                check(crate::lang::prefix(text, max));
            }
        }
        assert!(!texts.is_empty());
        for text in [
            "",
            "Brexit",
            "Brexit vote",
            "123 !!",
            "Привет",
            "שלום עולם",
            "नमस्ते दुनिया",
            "سلام دنیا",
            "Ελλάδα",
            "東京の天気",
            "ə̇ ş̇",
        ] {
            check(text);
        }
    }

    proptest! {
        #[test]
        fn lowercase_is_the_standard_librarys(text in "(ΣΑΣ|Σ|[a-zA-Z]{1,4}|[À-ɏ]{1,2}|[Ѐ-ӿ]{1,2}|[Ͱ-Ͽ]{1,2}|İ|ẞ|[ .,]){0,30}") {
            prop_assert_eq!(lowercase(&text), text.to_lowercase());
        }

        #[test]
        fn lowercase_of_any_string(text in "\\PC{0,80}") {
            prop_assert_eq!(lowercase(&text), text.to_lowercase());
        }
    }

    /// The thread's tables rank a text's trigrams as counting them all in one hash
    /// table and sorting each run does, and count its letters as a walk over its
    /// characters does.
    fn check_ranked(text: &str) {
        let lower = lowercase(text);
        let want = ranked_trigrams_hashed(&lower, &mut TrigramCounts::default());
        let got = ranked_trigrams(&lower);
        assert_eq!(got.ranked, want, "{text:?}");
        if let Some(letters) = got.letters {
            let mut counted = std::collections::BTreeMap::new();
            for c in lower.chars().filter(|&c| !is_stop_char(c)) {
                *counted.entry(c).or_insert(0u32) += 1;
            }
            assert_eq!(letters, counted.into_iter().collect::<Vec<_>>(), "{text:?}");
        }
    }

    /// On the project's corpora (their first 1,200 bytes, as `detect_lang` reads
    /// them, and their first 80), on texts at the tables' limits, and below on
    /// random text.
    #[test]
    fn trigram_tables_rank_as_the_hash_table() {
        let texts = super::super::corpus_texts();
        assert!(!texts.is_empty());
        for text in &texts {
            for max in [80, 1200] {
                check_ranked(crate::lang::prefix(text, max));
            }
        }
        for text in ["", " ", "a", "ab", "abc", "zzz zzz zzz", "a\u{7f}b", "ﬁ ǅ"] {
            check_ranked(text);
        }
        // More than 600 distinct trigrams: the cut falls inside a run.
        let many: String = (0..2000)
            .map(|i| {
                let l = |n: usize| char::from(b'a' + (n % 26) as u8);
                format!("{}{}{} ", l(i), l(i / 26), l(i / 676))
            })
            .collect();
        check_ranked(&many[..8000]);
        // 63 letters and the space fit the tables; one more does not.
        for n in [63, 64] {
            let letters: String = ('\u{4e00}'..).take(n).collect();
            let text = format!("{letters} {}", letters.chars().rev().collect::<String>());
            check_ranked(&text);
            let fits = TRIGRAM_TABLES.with(|t| t.borrow_mut().ranked(&text).is_some());
            assert_eq!(fits, n < MAX_TEXT_LETTERS, "{n} letters");
        }
    }

    /// One lookup in the joint table finds what the two sets of profiles find
    /// on their own, for every script where franc's compete with whatlang's.
    fn check_joint(text: &str) {
        let lower = text.to_lowercase();
        let ranked = ranked_trigrams(&lower).ranked;
        let e = &*EXTENDED;
        for (extras, script) in [
            (&e.latin, Script::Latin),
            (&e.cyrillic, Script::Cyrillic),
            (&e.arabic, Script::Arabic),
        ] {
            let own = &DETECTOR.model_of(script).unwrap().profiles;
            let joint = extras.joint.as_ref().unwrap();
            let separate = (own.saved(&ranked), extras.profiles.saved(&ranked));
            assert_eq!(joint.saved(&ranked), separate, "{script:?} {text:?}");
        }
        assert!(e.tibetan.joint.is_none());
    }

    #[test]
    fn joint_profiles_find_what_each_set_finds() {
        let sample = include_str!("../../../../data/sample.jsonl");
        for line in sample.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            check_joint(crate::lang::prefix(v["text"].as_str().unwrap_or(""), 1200));
        }
        for text in ["", "Привет мир", "سلام دنیا", "Habari za dunia leo"] {
            check_joint(text);
        }
    }

    const MIXED: &str =
        "([a-zA-ZÀ-ɏ]{1,8}|[Ѐ-ӿ]{1,8}|[ء-ي]{1,8}|[א-ת]{1,8}|[क-ह\u{093E}-\u{094D}]{1,8}\
                         |[一-鿿]{1,4}|[0-9]{1,3}|[ .,'\n]{1,3}){0,60}";

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_text_answers_as_whatlang(text in MIXED) {
            check(&text);
        }

        #[test]
        fn any_string_answers_as_whatlang(text in "\\PC{0,120}") {
            check(&text);
        }

        #[test]
        fn trigram_tables_on_random_text(text in MIXED) {
            check_ranked(&text);
        }

        #[test]
        fn trigram_tables_on_any_string(text in "\\PC{0,300}") {
            check_ranked(&text);
        }

        #[test]
        fn joint_profiles_on_random_text(text in MIXED) {
            check_joint(&text);
        }
    }
}
