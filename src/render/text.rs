//! Plain-text layout shared by the text renderers: display width (CJK characters take two
//! columns), padding, and word wrapping that breaks English at spaces and Chinese between
//! characters, never before closing punctuation.

/// Lines are wrapped to this many columns.
pub const WIDTH: usize = 80;

/// Whether `c` takes two columns in a terminal.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6)
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
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

/// `s` padded with spaces to `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', w.saturating_sub(width(s))));
    out
}

struct Atom {
    text: String,
    /// A space separated it from the atom before.
    space_before: bool,
    /// A line may break before it.
    breakable: bool,
}

fn atoms(text: &str) -> Vec<Atom> {
    let mut out: Vec<Atom> = Vec::new();
    let mut space = false;
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
            prev = Some(' ');
            continue;
        }
        let joins_word = !space
            && !is_wide(c)
            && prev.is_some_and(|p| !is_wide(p) && p != ' ')
            && !out.is_empty();
        let sticks = !space && (no_line_start(c) || prev.is_some_and(no_line_end));
        match out.last_mut() {
            Some(last) if joins_word || sticks => last.text.push(c),
            _ => out.push(Atom {
                text: c.to_string(),
                space_before: space && !out.is_empty(),
                breakable: true,
            }),
        }
        space = false;
        prev = Some(c);
    }
    for a in out.iter_mut().take(1) {
        a.breakable = false;
    }
    out
}

/// `text` broken into lines of at most `max` columns (a word longer than that gets a line of
/// its own). Runs of whitespace become one space.
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
        let sep = usize::from(a.space_before && !line.is_empty());
        if !line.is_empty() && a.breakable && w + sep + aw > limit {
            lines.push(std::mem::take(&mut line));
            w = 0;
        } else if sep == 1 {
            line.push(' ');
            w += 1;
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
