//! Feature ids held as 32-bit numbers ([`FeatureKey`]). A document's features are
//! kept from its analysis until its vector is made, for every document of a run
//! (244 of them a document on the 50k crawl yardstick, 298 in the synthetic
//! corpora), and their 64-bit ids were two thirds of those 12-byte entries: with
//! 32-bit keys an entry took 8 bytes, 1.2 GB less at the analysis's peak on a
//! million documents (and a [`super::FeatureList`] writes each key in 2 or 3 bytes).
//!
//! One table for the process, filled as features are first met and never
//! emptied, so a key means the same feature in every thread and every run of the
//! process. Which feature gets which number depends on which thread met it
//! first: nothing may depend on the keys' order. A document's features are
//! sorted by id before they are keyed, the vectors' dimensions are ranks of ids,
//! and stage files and pickles hold the ids ([`DocFeatures`]'s serde), so every
//! output is what it was with the ids held.
//!
//! A key is read back ([`id_of`]) without a lock: the ids sit in chunks that are
//! made once and never move, and a key reaches a reader only after its id was
//! written (the thread that made the key hands it on through the pool or a
//! channel, which orders the write before the read).
//!
//! [`DocFeatures`]: super::DocFeatures

use super::FeatureId;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{LazyLock, Mutex, OnceLock, PoisonError};

/// A feature id's number in this process's table ([`intern`], [`id_of`]). Not
/// ordered: the numbers' order is the order threads met the features.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FeatureKey(u32);

impl FeatureKey {
    /// The key's number (what a [`super::FeatureList`] writes).
    #[inline]
    pub(super) fn number(self) -> u32 {
        self.0
    }

    /// The key numbered `n` (read back from a [`super::FeatureList`]).
    #[inline]
    pub(super) fn from_number(n: u32) -> FeatureKey {
        FeatureKey(n)
    }
}

/// Keys a chunk of the table holds.
const CHUNK: usize = 1 << 18;

/// The table's ids, a chunk of [`CHUNK`] made when its first key is: 2³² keys in
/// all, more distinct features than a run's memory could hold documents for.
static IDS: [OnceLock<Box<[AtomicU64]>>; 1 << 14] = [const { OnceLock::new() }; 1 << 14];

/// Each id's key, and so how many there are. Taken only for an id this thread
/// has not keyed before ([`NEAR`]).
static KEYS: LazyLock<Mutex<FxHashMap<FeatureId, FeatureKey>>> = LazyLock::new(Mutex::default);

thread_local! {
    /// The keys this thread has made or read: most lookups stop here, with no lock.
    static NEAR: RefCell<FxHashMap<FeatureId, FeatureKey>> = RefCell::default();
}

/// The key of `id`, made if it has none yet.
pub fn intern(id: FeatureId) -> FeatureKey {
    with_keys(|keys| keys.key(id))
}

/// Runs `f` with this thread's keys borrowed once, for a document's features.
pub fn with_keys<R>(f: impl FnOnce(&mut Keys<'_>) -> R) -> R {
    NEAR.with(|near| f(&mut Keys(&mut near.borrow_mut())))
}

/// This thread's keys ([`with_keys`]).
pub struct Keys<'a>(&'a mut FxHashMap<FeatureId, FeatureKey>);

impl Keys<'_> {
    /// The key of `id`, made if it has none yet.
    #[inline]
    pub fn key(&mut self, id: FeatureId) -> FeatureKey {
        *self.0.entry(id).or_insert_with(|| intern_shared(id))
    }
}

fn intern_shared(id: FeatureId) -> FeatureKey {
    // The one panic while the lock is held (past 2³² keys) comes before anything
    // is changed, and the map's inserts abort on a failed allocation: a poisoned
    // lock holds a whole table.
    let mut keys = KEYS.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(&key) = keys.get(&id) {
        return key;
    }
    let n = keys.len();
    let key = FeatureKey(u32::try_from(n).expect("fewer than 2^32 distinct features"));
    let chunk = IDS[n / CHUNK].get_or_init(|| (0..CHUNK).map(|_| AtomicU64::new(0)).collect());
    chunk[n % CHUNK].store(id, Ordering::Relaxed);
    keys.insert(id, key);
    key
}

/// The id `key` was made for.
#[inline]
pub fn id_of(key: FeatureKey) -> FeatureId {
    let k = key.0 as usize;
    let chunk = IDS[k / CHUNK]
        .get()
        .expect("a key's chunk was made before the key");
    chunk[k % CHUNK].load(Ordering::Relaxed)
}

/// Drops this thread's and the pool's [`NEAR`] maps (the table stays): after the
/// analysis only a stage file or pickle read keys ids again.
pub fn release_near() {
    let release = || NEAR.with(|near| *near.borrow_mut() = FxHashMap::default());
    rayon::broadcast(|_| release());
    release();
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key reads back its id, in any thread, and an id keyed twice, in two
    /// threads, gets one key.
    #[test]
    fn keys_read_back_their_ids_in_every_thread() {
        let ids: Vec<FeatureId> = (0..200_000u64)
            .map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15))
            .collect();
        let (a, b) = std::thread::scope(|s| {
            let one = s.spawn(|| ids.iter().map(|&i| intern(i)).collect::<Vec<_>>());
            let two = s.spawn(|| ids.iter().rev().map(|&i| intern(i)).collect::<Vec<_>>());
            (one.join().unwrap(), two.join().unwrap())
        });
        let b: Vec<FeatureKey> = b.into_iter().rev().collect();
        assert_eq!(a, b);
        assert!(a.iter().zip(&ids).all(|(&k, &id)| id_of(k) == id));
        release_near();
        assert_eq!(intern(ids[7]), a[7]);
    }
}
