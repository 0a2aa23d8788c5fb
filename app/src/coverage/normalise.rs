//! The forms serial numbers, product IDs and MAC addresses are matched in. What people and
//! spreadsheets type differs in case, spacing and invisible characters; what they mean does not.
//! The original text is always kept and shown; only these keys are compared.

/// Characters that carry no meaning in an identifier: whitespace, control characters (NUL, …),
/// and invisible format characters (zero-width spaces and joiners, BOM, bidirectional marks, soft
/// hyphen) that copy-paste from documents and spreadsheets leaves behind.
fn is_noise(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(
            c,
            '\u{00AD}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// Removes noise and upper-cases.
fn clean_upper(raw: &str) -> String {
    raw.chars()
        .filter(|c| !is_noise(*c))
        .flat_map(char::to_uppercase)
        .collect()
}

/// The key a serial number is matched on.
pub fn serial_key(raw: &str) -> String {
    clean_upper(raw)
}

/// The key a product ID is matched on: like a serial, and a trailing `=` (the vendor's marker for
/// a spare part) is ignored, so `C9300-48P=` matches `C9300-48P`.
pub fn pid_key(raw: &str) -> String {
    let mut key = clean_upper(raw);
    let kept = key.trim_end_matches('=').len();
    key.truncate(kept);
    key
}

/// The key a MAC address is matched on: twelve upper-case hex digits, whatever the notation
/// (`00:11:22:aa:bb:cc`, `00-11-22-AA-BB-CC`, `0011.22aa.bbcc`, `001122aabbcc`). `None` when the
/// text is not a MAC address.
pub fn mac_key(raw: &str) -> Option<String> {
    let key: String = raw
        .chars()
        .filter(|c| !is_noise(*c) && !matches!(c, ':' | '-' | '.'))
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (key.len() == 12 && key.bytes().all(|b| b.is_ascii_hexdigit())).then_some(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn serials_ignore_case_spaces_and_invisible_characters() {
        assert_eq!(serial_key("  foc1234x5yz "), "FOC1234X5YZ");
        assert_eq!(serial_key("FOC 1234\tX5YZ"), "FOC1234X5YZ");
        assert_eq!(
            serial_key("\u{FEFF}FOC1234\u{200B}X5YZ\u{0}"),
            "FOC1234X5YZ"
        );
        assert_eq!(serial_key("\u{202E}FOC1234X5YZ\u{202C}"), "FOC1234X5YZ");
        assert_eq!(serial_key(""), "");
    }

    #[test]
    fn look_alike_letters_are_not_folded_into_latin() {
        // Cyrillic "С" (U+0421) is a different serial from Latin "C": matching it would be a guess.
        assert_ne!(serial_key("\u{0421}AT1234"), serial_key("CAT1234"));
    }

    #[test]
    fn a_trailing_spare_marker_is_ignored_on_product_ids() {
        assert_eq!(pid_key("C9300-48P="), "C9300-48P");
        assert_eq!(pid_key("c9300-48p"), "C9300-48P");
        assert_eq!(pid_key("C9300-48P=="), "C9300-48P");
        // Only a trailing one: an inner `=` is part of the ID.
        assert_eq!(pid_key("AB=CD"), "AB=CD");
    }

    #[test]
    fn mac_notations_compare_equal() {
        let expected = Some("001122AABBCC".to_owned());
        for form in [
            "00:11:22:aa:bb:cc",
            "00-11-22-AA-BB-CC",
            "0011.22aa.bbcc",
            "001122AABBCC",
            " 00:11:22:AA:BB:CC ",
        ] {
            assert_eq!(mac_key(form), expected, "{form}");
        }
    }

    #[test]
    fn non_macs_are_refused() {
        for form in [
            "",
            "00:11:22:33:44",
            "00:11:22:33:44:55:66",
            "GG:11:22:33:44:55",
            "not a mac",
        ] {
            assert_eq!(mac_key(form), None, "{form}");
        }
    }

    proptest! {
        #[test]
        fn normalisation_is_idempotent(raw in "\\PC{0,40}") {
            prop_assert_eq!(serial_key(&serial_key(&raw)), serial_key(&raw));
            prop_assert_eq!(pid_key(&pid_key(&raw)), pid_key(&raw));
            if let Some(mac) = mac_key(&raw) {
                prop_assert_eq!(mac_key(&mac), Some(mac));
            }
        }

        #[test]
        fn keys_hold_no_noise(raw in "[ a-z0-9\u{200B}\u{FEFF}\t=-]{0,30}") {
            let key = serial_key(&raw);
            prop_assert!(!key.chars().any(is_noise));
            prop_assert!(!key.chars().any(|c| c.is_ascii_lowercase()));
        }

        #[test]
        fn decorated_serials_match_their_plain_form(serial in "[A-Z0-9]{4,14}", pad in "[ \t\u{200B}]{0,3}") {
            let decorated = format!("{pad}{}{pad}", serial.to_lowercase());
            prop_assert_eq!(serial_key(&decorated), serial);
        }

        #[test]
        fn any_mac_notation_gives_the_same_key(bytes in proptest::array::uniform6(any::<u8>())) {
            let colon = bytes.iter().map(|b| format!("{b:02x}")).collect::<Vec<_>>().join(":");
            let dash = bytes.iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join("-");
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            let dotted = format!("{}.{}.{}", &hex[0..4], &hex[4..8], &hex[8..12]);
            let key = mac_key(&colon);
            prop_assert!(key.is_some());
            prop_assert_eq!(mac_key(&dash), key.clone());
            prop_assert_eq!(mac_key(&dotted), key);
        }
    }
}
