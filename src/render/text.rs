//! Plain-text layout shared by every text renderer (explain, fsm, check, …): display width as
//! a terminal shows it (the Unicode East Asian Width rules of the `unicode-width` crate: CJK
//! characters take two columns, arrows, `≥` and other "ambiguous" symbols one), padding, and
//! word wrapping that breaks English at spaces and Chinese between characters, never before
//! closing punctuation. This is the only place that measures or wraps text.

use unicode_width::UnicodeWidthChar;

/// Lines are wrapped to this many columns.
pub const WIDTH: usize = 80;

/// Columns `c` takes in a terminal (control characters count as none).
pub fn char_width(c: char) -> usize {
    c.width().unwrap_or(0)
}

/// Whether `c` takes two columns in a terminal.
fn is_wide(c: char) -> bool {
    char_width(c) >= 2
}

/// Punctuation that must not start a line.
fn no_line_start(c: char) -> bool {
    "，。、；：！？）」』》】”’…—,.;:!?)".contains(c)
}

/// Punctuation that must not end a line.
fn no_line_end(c: char) -> bool {
    "（「『《【“‘(".contains(c)
}

/// Columns `s` takes in a terminal.
pub fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` padded with spaces to `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
}

struct Atom {
    text: String,
    /// Columns of space between it and the atom before, when both are on one line.
    spaces_before: usize,
    /// A line may break before it.
    breakable: bool,
}

fn atoms(text: &str) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    // The run of whitespace before the next atom: a run of spaces keeps its length (aligned
    // columns inside a sentence), any other whitespace counts as one space.
    let mut spaces = 0;
    let mut other_space = false;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() {
            spaces += 1;
            other_space |= c != ' ';
            prev = Some(' ');
            continue;
        }
        let space = spaces > 0;
        let joins_word = !space
            && !is_wide(c)
            && prev.is_some_and(|p| !is_wide(p) && p != ' ')
            && !out.is_empty();
        let sticks = !space && (no_line_start(c) || prev.is_some_and(no_line_end));
        match out.last_mut() {
            Some(last) if joins_word || sticks => last.text.push(c),
            _ => out.push(Atom {
                text: c.to_string(),
                spaces_before: match (out.is_empty(), other_space) {
                    (true, _) => 0,
                    (false, true) => 1,
                    (false, false) => spaces,
                },
                breakable: true,
            }),
        }
        spaces = 0;
        other_space = false;
        prev = Some(c);
    }
    for a in out.iter_mut().take(1) {
        a.breakable = false;
    }
    out
}

/// `text` broken into lines of at most `max` columns (a word longer than that gets a line of
/// its own). Whitespace at a break is dropped; inside a line a run of spaces is kept and any
/// other whitespace becomes one space. Empty text is one empty line.
pub fn wrap(text: &str, max: usize) -> Vec<String> {
    wrap_first(text, max, max)
}

/// `wrap` with a first line of at most `first_max` columns.
pub fn wrap_first(text: &str, first_max: usize, max: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut w = 0;
    for a in atoms(text) {
        let aw = width(&a.text);
        let limit = if lines.is_empty() { first_max } else { max };
        let sep = if line.is_empty() { 0 } else { a.spaces_before };
        if !line.is_empty() && a.breakable && w + sep + aw > limit {
            lines.push(std::mem::take(&mut line));
            w = 0;
        } else {
            line.extend(std::iter::repeat_n(' ', sep));
            w += sep;
        }
        line.push_str(&a.text);
        w += aw;
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `text` wrapped to `WIDTH` after the label `first` on the first line, the following lines
/// indented by `indent` columns. A label narrower than `indent` is padded to it.
pub fn block(first: &str, text: &str, indent: usize) -> String {
    let first = pad(first, indent);
    let lines = wrap_first(
        text,
        WIDTH.saturating_sub(width(&first)).max(20),
        WIDTH.saturating_sub(indent).max(20),
    );
    let lead = " ".repeat(indent);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(if i == 0 { &first } else { &lead });
        out.push_str(l);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths() {
        assert_eq!(width("TIME_WAIT"), 9);
        assert_eq!(width("已关闭"), 6);
        assert_eq!(width("已关闭：A"), 9);
        assert_eq!(pad("已", 4), "已  ");
    }

    #[test]
    fn arrows_and_comparisons_are_one_column_cjk_two() {
        for c in ['→', '≥', '≤', '←', '·', 'a', '-'] {
            assert_eq!(char_width(c), 1, "{c}");
        }
        for c in ['中', '关', '，', '。', '：', '（', '한', 'カ'] {
            assert_eq!(char_width(c), 2, "{c}");
        }
        assert_eq!(width("SYN_SENT → ESTABLISHED"), 22);
        assert_eq!(width("≥ 80%"), 5);
        assert_eq!(width("已关闭 → 监听"), 13);
    }

    #[test]
    fn a_wrapped_chinese_paragraph_never_exceeds_the_width() {
        let t = "对端已经关闭了它那一侧的连接，而本机的应用程序还没有调用 close()。内核永远不会让\
                 这些套接字超时：只有应用程序能够结束它们。查找读到文件结束后仍保留连接的代码路径\
                 （错误分支里漏掉的 close()、连接池泄漏的连接、阻塞在别处的线程）。数量 ≥ 100 → 告警。";
        for max in [10, 11, 17, 20, 33, 40, 61, 80] {
            let lines = wrap(t, max);
            for l in &lines {
                assert!(width(l) <= max, "{max}: {l:?} is {} wide", width(l));
                let first = l.chars().next().expect("no empty line");
                assert!(!no_line_start(first), "{max}: {l:?}");
            }
            assert_eq!(lines.concat().replace(' ', ""), t.replace(' ', ""));
        }
    }

    #[test]
    fn runs_of_spaces_inside_a_line_are_kept() {
        assert_eq!(
            wrap("10.0.0.1:80  5 sockets", 40),
            ["10.0.0.1:80  5 sockets"]
        );
        assert_eq!(wrap("a\n b", 40), ["a b"]);
        assert_eq!(wrap("aaaa  bbbb", 6), ["aaaa", "bbbb"]);
        assert_eq!(wrap("", 6), [""]);
    }

    #[test]
    fn wraps_english_at_spaces() {
        let l = wrap("the quick brown fox jumps over the lazy dog", 15);
        assert_eq!(l, ["the quick brown", "fox jumps over", "the lazy dog"]);
        assert!(l.iter().all(|l| width(l) <= 15));
    }

    #[test]
    fn wraps_chinese_between_characters() {
        let t = "对方已关闭；本方应用还没有关闭，内核在等待 close() 调用。";
        let l = wrap(t, 20);
        assert!(l.iter().all(|l| width(l) <= 20), "{l:?}");
        assert_eq!(l.concat().replace(' ', ""), t.replace(' ', ""));
        for line in &l {
            let first = line.chars().next().unwrap();
            assert!(!no_line_start(first), "{l:?}");
        }
    }

    #[test]
    fn hanging_blocks() {
        let b = block("On a web node: ", &"word ".repeat(40), 4);
        let lines: Vec<_> = b.lines().collect();
        assert!(lines[0].starts_with("On a web node: word"));
        assert!(lines[1].starts_with("    word"));
        assert!(lines.iter().all(|l| width(l) <= WIDTH));
        assert_eq!(block("  ", "short", 4), "    short\n");
    }
}
