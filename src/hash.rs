//! FNV-1a, the one content hash of the project: stable across builds and machines, for
//! cache-busting asset names, translation staleness, search shards, and the hash maps of the
//! search indexer (short keys, no untrusted input: FNV is several times faster than the
//! standard library's SipHash there). Not for security.
//! In: bytes. Out: a 64-bit or 32-bit hash.

use std::hash::{BuildHasherDefault, Hasher};

/// Streaming FNV-1a, 64-bit: feed it pieces (`Hasher::write`), read the hash of their
/// concatenation (`Hasher::finish`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Fnv64(u64);

impl Default for Fnv64 {
    /// The hash of nothing (the FNV offset basis).
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// Hash maps keyed by FNV-1a.
pub(crate) type FnvBuild = BuildHasherDefault<Fnv64>;

/// A `HashMap` keyed by FNV-1a.
pub(crate) type FnvMap<K, V> = std::collections::HashMap<K, V, FnvBuild>;

/// A `HashSet` keyed by FNV-1a.
pub(crate) type FnvSet<T> = std::collections::HashSet<T, FnvBuild>;

/// FNV-1a, 64-bit, of `bytes`.
pub(crate) fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash = Fnv64::default();
    hash.write(bytes);
    hash.finish()
}

/// FNV-1a, 32-bit, of the UTF-8 bytes of `text`: which search shard holds a term. The browser
/// computes the same (`fnv1a32` in `search.js`).
pub fn fnv1a32(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_reference_vectors() {
        // Vectors from the FNV reference (draft-eastlake-fnv): "", "a" and "foobar".
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        assert_eq!(fnv1a32(""), 0x811c_9dc5);
        assert_eq!(fnv1a32("a"), 0xe40c_292c);
        assert_eq!(fnv1a32("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn streaming_equals_one_piece() {
        let mut hash = Fnv64::default();
        hash.write(b"foo");
        hash.write(b"bar");
        assert_eq!(hash.finish(), fnv1a64(b"foobar"));
    }
}
