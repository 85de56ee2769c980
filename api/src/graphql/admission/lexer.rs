//! A single pass over the document text, before it is parsed: the parser's work and stack grow
//! with the number of tokens and the nesting of braces, so both are bounded first.

/// What the pass found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextShape {
    /// Lexical tokens: names, numbers, strings and punctuators (`...` is one).
    pub tokens: usize,
    /// Deepest nesting of `{`, `(` and `[`.
    pub nesting: usize,
}

/// Counts tokens and nesting, stopping early once either passes its bound (the caller refuses
/// the document then, so the rest need not be read).
pub fn scan(text: &str, max_tokens: usize, max_nesting: usize) -> TextShape {
    let bytes = text.as_bytes();
    let (mut i, mut tokens, mut depth, mut nesting) = (0, 0, 0usize, 0);
    while i < bytes.len() && tokens <= max_tokens && nesting <= max_nesting {
        let b = bytes[i];
        match b {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => i += 1,
            0xEF if bytes[i..].starts_with("\u{feff}".as_bytes()) => i += 3,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' => {
                tokens += 1;
                i = skip_string(bytes, i);
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                tokens += 1;
                i += 3;
            }
            b'{' | b'(' | b'[' => {
                tokens += 1;
                depth += 1;
                nesting = nesting.max(depth);
                i += 1;
            }
            b'}' | b')' | b']' => {
                tokens += 1;
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' => {
                tokens += 1;
                while i < bytes.len() && is_word(bytes[i]) {
                    i += 1;
                }
            }
            _ => {
                tokens += 1;
                i += 1;
            }
        }
    }
    TextShape { tokens, nesting }
}

/// Names and numbers (with their signs, dots and exponents) are runs of these.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'+' | b'-')
}

/// The index just past the string (plain or block) that starts at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    if bytes[start..].starts_with(b"\"\"\"") {
        let mut i = start + 3;
        while i < bytes.len() {
            if bytes[i] == b'\\' && bytes[i + 1..].starts_with(b"\"\"\"") {
                i += 4;
            } else if bytes[i..].starts_with(b"\"\"\"") {
                return i + 3;
            } else {
                i += 1;
            }
        }
        return i;
    }
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' | b'\n' | b'\r' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::{TextShape, scan};

    fn shape(text: &str) -> TextShape {
        scan(text, usize::MAX, usize::MAX)
    }

    #[test]
    fn counts_the_tokens_a_parser_sees() {
        // { me ( a : "x, y" ) { ...F } } # comment
        assert_eq!(
            shape("{ me(a: \"x, y\") { ...F } } # { a b c"),
            TextShape {
                tokens: 12,
                nesting: 2
            }
        );
        assert_eq!(shape("query($n: Int = -1.5e3) { a }").tokens, 12);
        assert_eq!(shape("{ a(s: \"\"\"b \\\"\"\" c\"\"\") }").tokens, 8);
    }

    #[test]
    fn nesting_counts_every_bracket_kind() {
        assert_eq!(shape("{ a(x: [[1]]) { b { c } } }").nesting, 4);
        assert_eq!(shape(&"{a".repeat(50)).nesting, 50);
    }

    #[test]
    fn stops_early_past_a_bound() {
        let long = "{ a } ".repeat(100_000);
        assert_eq!(scan(&long, 10, usize::MAX).tokens, 11);
    }
}
