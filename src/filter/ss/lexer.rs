//! The words of ss's filter language: the command line's trailing arguments are split into
//! tokens (words, parentheses, comparison and logic operators) that remember which argument
//! they came from, so an error can point at the word the user typed. ss accepts the
//! expression as one quoted argument or as many; both give the same tokens here.

/// One token and where it was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// The text as typed.
    pub text: String,
    /// Index of the command-line word it came from.
    pub word: usize,
}

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A keyword or a value (`sport`, `:80`, `10.0.0.0/8`, `established`).
    Word,
    Open,
    Close,
    Not,
    And,
    Or,
    /// A comparison: `=`, `!=`, `<`, `>`, `<=`, `>=` (or their word forms).
    Cmp(Cmp),
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
}

/// The kind a bare word stands for: the word forms of the operators.
fn word_kind(w: &str) -> Kind {
    match w {
        "and" => Kind::And,
        "or" => Kind::Or,
        "not" => Kind::Not,
        "eq" => Kind::Cmp(Cmp::Eq),
        "neq" | "ne" => Kind::Cmp(Cmp::Ne),
        "lt" => Kind::Cmp(Cmp::Lt),
        "gt" => Kind::Cmp(Cmp::Gt),
        "le" | "leq" => Kind::Cmp(Cmp::Le),
        "ge" | "geq" => Kind::Cmp(Cmp::Ge),
        _ => Kind::Word,
    }
}

/// The operator spelt by the punctuation at the start of `s`, with its length.
fn punct(s: &str) -> Option<(Kind, usize)> {
    let two = s.get(..2);
    Some(match two {
        Some("&&") => (Kind::And, 2),
        Some("||") => (Kind::Or, 2),
        Some("==") => (Kind::Cmp(Cmp::Eq), 2),
        Some("!=") => (Kind::Cmp(Cmp::Ne), 2),
        Some("<=") => (Kind::Cmp(Cmp::Le), 2),
        Some(">=") => (Kind::Cmp(Cmp::Ge), 2),
        _ => match s.as_bytes().first()? {
            b'(' => (Kind::Open, 1),
            b')' => (Kind::Close, 1),
            b'!' => (Kind::Not, 1),
            b'&' => (Kind::And, 1),
            b'|' => (Kind::Or, 1),
            b'=' => (Kind::Cmp(Cmp::Eq), 1),
            b'<' => (Kind::Cmp(Cmp::Lt), 1),
            b'>' => (Kind::Cmp(Cmp::Gt), 1),
            _ => return None,
        },
    })
}

/// Split the command-line words into tokens.
pub fn tokens<S: AsRef<str>>(words: &[S]) -> Vec<Token> {
    let mut out = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let mut rest = w.as_ref();
        loop {
            rest = rest.trim_start();
            if rest.is_empty() {
                break;
            }
            if let Some((kind, n)) = punct(rest) {
                out.push(Token {
                    kind,
                    text: rest[..n].to_string(),
                    word: i,
                });
                rest = &rest[n..];
                continue;
            }
            let end = rest
                .find(|c: char| c.is_whitespace() || "()!&|=<>".contains(c))
                .unwrap_or(rest.len());
            let text = &rest[..end];
            out.push(Token {
                kind: word_kind(text),
                text: text.to_string(),
                word: i,
            });
            rest = &rest[end..];
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(words: &[&str]) -> Vec<(Kind, String)> {
        tokens(words)
            .into_iter()
            .map(|t| (t.kind, t.text))
            .collect()
    }

    #[test]
    fn one_word_or_many_give_the_same_tokens() {
        let one = kinds(&["( dport = :5432 or sport=:5432 )"]);
        let many = kinds(&["(", "dport", "=", ":5432", "or", "sport", "=", ":5432", ")"]);
        assert_eq!(one, many);
        assert_eq!(one[2], (Kind::Cmp(Cmp::Eq), "=".into()));
        assert_eq!(one[7], (Kind::Word, ":5432".into()));
    }

    #[test]
    fn operators_and_their_word_forms() {
        let k: Vec<Kind> = tokens(&["!= neq <= le >= ge < lt > gt && and || or ! not =="])
            .into_iter()
            .map(|t| t.kind)
            .collect();
        use Cmp::*;
        assert_eq!(
            k,
            [
                Kind::Cmp(Ne),
                Kind::Cmp(Ne),
                Kind::Cmp(Le),
                Kind::Cmp(Le),
                Kind::Cmp(Ge),
                Kind::Cmp(Ge),
                Kind::Cmp(Lt),
                Kind::Cmp(Lt),
                Kind::Cmp(Gt),
                Kind::Cmp(Gt),
                Kind::And,
                Kind::And,
                Kind::Or,
                Kind::Or,
                Kind::Not,
                Kind::Not,
                Kind::Cmp(Eq),
            ]
        );
    }

    #[test]
    fn brackets_and_slashes_stay_in_a_word() {
        let t = tokens(&["dst [::1]:80", "src 10.0.0.0/8"]);
        assert_eq!(t[1].text, "[::1]:80");
        assert_eq!(t[3].text, "10.0.0.0/8");
        assert_eq!(t[3].word, 1);
    }
}
