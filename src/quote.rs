//! Values quoted back in messages: a value read from a file or a flag can
//! be a megabyte, and a message stays one readable line.

/// Characters of a value a message quotes.
pub const MAX_QUOTED_CHARS: usize = 80;

/// `text` cut to `max_chars` characters, with "... (cut)" when it was cut.
pub fn cut(text: &str, max_chars: usize) -> String {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => format!("{}... (cut)", &text[..at]),
        None => text.to_string(),
    }
}

/// A number as a person reads it: as written below a million ("89",
/// "0.5"), in powers of ten above ("-1e300"), never 300 digits.
pub fn number(value: f64) -> String {
    if value.is_finite() && value.abs() >= 1e6 {
        format!("{value:e}")
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_on_a_character_and_say_so() {
        assert_eq!(cut("short", 80), "short");
        assert_eq!(cut("ééééé", 2), "éé... (cut)");
        assert_eq!(
            cut(&"x".repeat(1_000_000), 80).len(),
            80 + "... (cut)".len()
        );
    }

    #[test]
    fn numbers_past_a_million_are_written_in_powers_of_ten() {
        assert_eq!(number(89.0), "89");
        assert_eq!(number(0.5), "0.5");
        assert_eq!(number(-1e300), "-1e300");
        assert_eq!(number(1.5e7), "1.5e7");
        assert_eq!(number(f64::NAN), "NaN");
    }
}
