//! Reading a tracepoint's `format` file from tracefs: where each field of the raw record sits
//! (offsets and sizes differ between kernels and architectures) and the names the kernel gives
//! to a field's values in its print format (`__print_symbolic(REC->reason, { 2,
//! "NOT_SPECIFIED" }, …)`), so a newer kernel's drop and reset reasons are named without a
//! rebuild. Every tracepoint decoder of `tcpstate trace` builds its layout from here.

/// Where one field sits in the raw record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub offset: usize,
    pub size: usize,
}

impl Field {
    /// The end of the field: the shortest record that holds it.
    pub fn end(&self) -> usize {
        self.offset + self.size
    }
}

/// What is wrong with a `format` file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error("the tracepoint {event} has no field '{field}' (this kernel's version of it differs)")]
    Missing {
        event: &'static str,
        field: &'static str,
    },
    #[error("the tracepoint {event}'s field '{field}' is {size} bytes, expected {expected}")]
    Size {
        event: &'static str,
        field: &'static str,
        size: usize,
        expected: &'static str,
    },
}

/// A parsed `format` file: its fields and its print format.
#[derive(Debug, Clone, Default)]
pub struct EventFormat {
    /// The tracepoint's name, for messages (`sock:inet_sock_set_state`).
    pub event: &'static str,
    fields: Vec<(String, Field)>,
    print: String,
}

impl EventFormat {
    /// Parse the text of a `format` file of the tracepoint `event`.
    pub fn parse(event: &'static str, text: &str) -> EventFormat {
        let mut fields = Vec::new();
        let mut print = String::new();
        for line in text.lines() {
            let line = line.trim();
            if let Some(p) = line.strip_prefix("print fmt:") {
                print = p.trim().to_string();
                continue;
            }
            let Some(rest) = line.strip_prefix("field:") else {
                continue;
            };
            let mut decl = None;
            let mut offset = None;
            let mut size = None;
            for (i, part) in rest.split(';').enumerate() {
                let part = part.trim();
                if i == 0 {
                    decl = Some(part);
                } else if let Some(v) = part.strip_prefix("offset:") {
                    offset = v.trim().parse().ok();
                } else if let Some(v) = part.strip_prefix("size:") {
                    size = v.trim().parse().ok();
                }
            }
            let (Some(decl), Some(offset), Some(size)) = (decl, offset, size) else {
                continue;
            };
            let name = decl
                .rsplit(|c: char| c.is_whitespace() || c == '*')
                .next()
                .unwrap_or("");
            let name = name.split('[').next().unwrap_or(name);
            fields.push((name.to_string(), Field { offset, size }));
        }
        EventFormat {
            event,
            fields,
            print,
        }
    }

    /// A field, if the tracepoint has it.
    pub fn get(&self, name: &str) -> Option<Field> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, f)| *f)
    }

    /// A field that must be there, with one of the `sizes`.
    pub fn field(
        &self,
        name: &'static str,
        sizes: &[usize],
        expected: &'static str,
    ) -> Result<Field, FormatError> {
        let f = self.get(name).ok_or(FormatError::Missing {
            event: self.event,
            field: name,
        })?;
        if !sizes.contains(&f.size) {
            return Err(FormatError::Size {
                event: self.event,
                field: name,
                size: f.size,
                expected,
            });
        }
        Ok(f)
    }

    /// A field that may be missing (older kernels), but when present has one of the `sizes`.
    pub fn optional(
        &self,
        name: &'static str,
        sizes: &[usize],
        expected: &'static str,
    ) -> Result<Option<Field>, FormatError> {
        match self.get(name) {
            None => Ok(None),
            Some(_) => self.field(name, sizes, expected).map(Some),
        }
    }

    /// The names the print format gives to the numeric values of `field`
    /// (`__print_symbolic(REC->field, { 1, "A" }, { 2, "B" })`), sorted by value. Entries
    /// whose value is a kernel constant's name rather than a number are skipped.
    pub fn symbols(&self, field: &str) -> Vec<(u64, String)> {
        let needle = format!("__print_symbolic(REC->{field},");
        let Some(at) = self.print.find(&needle) else {
            return Vec::new();
        };
        let mut rest = &self.print[at + needle.len()..];
        let mut out = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            let Some(body) = rest.strip_prefix('{') else {
                break;
            };
            let Some(end) = body.find('}') else {
                break;
            };
            let entry = &body[..end];
            rest = &body[end + 1..];
            let Some((value, name)) = entry.split_once(',') else {
                continue;
            };
            let value = value.trim();
            let parsed = match value.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16).ok(),
                None => value.parse().ok(),
            };
            let name = name.trim().trim_matches('"');
            if let Some(v) = parsed
                && !name.is_empty()
            {
                out.push((v, name.to_string()));
            }
        }
        out.sort_by_key(|(v, _)| *v);
        out
    }
}

/// Names of a field's values, looked up by number.
#[derive(Debug, Clone, Default)]
pub struct Symbols(Vec<(u64, String)>);

impl Symbols {
    pub fn new(v: Vec<(u64, String)>) -> Symbols {
        Symbols(v)
    }

    pub fn name(&self, value: u64) -> Option<&str> {
        self.0
            .binary_search_by_key(&value, |(v, _)| *v)
            .ok()
            .map(|i| self.0[i].1.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The value named `name`.
    pub fn value_of(&self, name: &str) -> Option<u64> {
        self.0.iter().find(|(_, n)| n == name).map(|(v, _)| *v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KFREE: &str = "name: kfree_skb
ID: 2310
format:
\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
\tfield:void * skbaddr;\toffset:8;\tsize:8;\tsigned:0;
\tfield:void * location;\toffset:16;\tsize:8;\tsigned:0;
\tfield:void * rx_sk;\toffset:24;\tsize:8;\tsigned:0;
\tfield:unsigned short protocol;\toffset:32;\tsize:2;\tsigned:0;
\tfield:enum skb_drop_reason reason;\toffset:36;\tsize:4;\tsigned:0;

print fmt: \"skbaddr=%p rx_sk=%p protocol=%u location=%pS reason: %s\", REC->skbaddr, REC->rx_sk, REC->protocol, REC->location, __print_symbolic(REC->reason, { 2, \"NOT_SPECIFIED\" }, { 3, \"NO_SOCKET\" }, { 12, \"NETFILTER_DROP\" }, { 0x20, \"HEX\" }, { SKB_X, \"NAMED\" })
";

    #[test]
    fn fields_and_symbols() {
        let f = EventFormat::parse("skb:kfree_skb", KFREE);
        assert_eq!(
            f.get("rx_sk"),
            Some(Field {
                offset: 24,
                size: 8
            })
        );
        assert_eq!(f.field("reason", &[4], "4").unwrap().end(), 40);
        assert!(matches!(
            f.field("protocol", &[4], "4"),
            Err(FormatError::Size { size: 2, .. })
        ));
        assert_eq!(f.optional("nope", &[4], "4"), Ok(None));
        let s = Symbols::new(f.symbols("reason"));
        assert_eq!(s.name(12), Some("NETFILTER_DROP"));
        assert_eq!(s.name(0x20), Some("HEX"));
        assert_eq!(s.name(4), None);
        assert_eq!(s.value_of("NO_SOCKET"), Some(3));
        assert!(f.symbols("protocol").is_empty());
    }
}
