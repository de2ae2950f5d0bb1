//! Hash maps keyed by kernel pointers, pids and ports: one multiply per key instead of
//! SipHash, whose flood resistance buys nothing against keys the kernel chooses.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// A hasher for kernel pointers and pids: one multiply, the high bits folded down (hash
/// tables index with the low bits and tag with the high ones). SipHash's flood resistance
/// buys nothing against keys the kernel chooses.
#[derive(Debug, Default, Clone, Copy)]
pub struct PtrHasher(u64);

impl Hasher for PtrHasher {
    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0 ^ v).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u32(&mut self, v: u32) {
        self.write_u64(u64::from(v));
    }
    fn write_u16(&mut self, v: u16) {
        self.write_u64(u64::from(v));
    }
}

/// A map keyed by kernel pointers, pids or ports.
pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<PtrHasher>>;
