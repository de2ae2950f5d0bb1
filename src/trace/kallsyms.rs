//! Naming kernel code addresses: `/proc/kallsyms` read once (text symbols only, sorted by
//! address) so the place where the kernel dropped a packet (`skb:kfree_skb`'s `location`)
//! reads `tcp_v4_rcv+0x1a4` rather than a number. When the kernel hides addresses (every one
//! reads 0: `kernel.kptr_restrict`, or no privilege) nothing is named and the address stays
//! unknown rather than guessed.

use std::path::Path;

/// Kernel text symbols by address.
#[derive(Debug, Clone, Default)]
pub struct Kallsyms {
    /// (address, name), sorted by address.
    syms: Vec<(u64, Box<str>)>,
}

impl Kallsyms {
    /// Read `/proc/kallsyms`; empty (naming nothing) when it cannot be read or hides
    /// addresses.
    pub fn load() -> Kallsyms {
        Kallsyms::from_file(Path::new("/proc/kallsyms"))
    }

    pub fn from_file(path: &Path) -> Kallsyms {
        std::fs::read_to_string(path)
            .map(|t| Kallsyms::parse(&t))
            .unwrap_or_default()
    }

    /// Parse the text of a kallsyms file: `ffffffff81000000 T _stext [module]`.
    pub fn parse(text: &str) -> Kallsyms {
        let mut syms: Vec<(u64, Box<str>)> = text
            .lines()
            .filter_map(|line| {
                let mut w = line.split_whitespace();
                let addr = u64::from_str_radix(w.next()?, 16).ok()?;
                let kind = w.next()?;
                let name = w.next()?;
                (addr != 0 && matches!(kind, "T" | "t")).then(|| (addr, name.into()))
            })
            .collect();
        syms.sort_by_key(|(a, _)| *a);
        Kallsyms { syms }
    }

    /// Whether any symbol is known (false when the kernel hides its addresses).
    pub fn available(&self) -> bool {
        !self.syms.is_empty()
    }

    /// The symbol holding `addr`, and the offset into it.
    pub fn lookup(&self, addr: u64) -> Option<(&str, u64)> {
        let i = self.syms.partition_point(|(a, _)| *a <= addr);
        let (start, name) = self.syms.get(i.checked_sub(1)?)?;
        Some((name, addr - start))
    }

    /// `symbol+0xoffset`, or `None` when nothing holds `addr`.
    pub fn name(&self, addr: u64) -> Option<String> {
        self.lookup(addr).map(|(n, off)| format!("{n}+{off:#x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_addresses() {
        let k = Kallsyms::parse(
            "ffffffff81a00100 T tcp_v4_rcv\nffffffff81a00000 t tcp_drop_reason\n\
             ffffffff82000000 D some_data\nffffffffc0001000 t nft_do_chain\t[nf_tables]\nbad line\n",
        );
        assert!(k.available());
        assert_eq!(
            k.name(0xffff_ffff_81a0_01a4).as_deref(),
            Some("tcp_v4_rcv+0xa4")
        );
        assert_eq!(
            k.lookup(0xffff_ffff_81a0_0000),
            Some(("tcp_drop_reason", 0))
        );
        assert_eq!(k.name(0x1000), None);
        assert_eq!(
            k.lookup(0xffff_ffff_c000_1010),
            Some(("nft_do_chain", 0x10))
        );
        let hidden = Kallsyms::parse("0000000000000000 T tcp_v4_rcv\n");
        assert!(!hidden.available());
        assert_eq!(hidden.name(0xffff_ffff_81a0_01a4), None);
    }
}
