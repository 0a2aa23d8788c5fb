//! The rules of two-step sign-in codes, without the database: authenticator (TOTP, RFC 6238) codes
//! and single-use recovery codes.

use rand::RngCore;
use totp_rs::{Algorithm, TOTP};

/// How long one authenticator code lasts (every common app uses 30 seconds).
pub const STEP_SECONDS: u64 = 30;
/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "NetCare";
/// How many recovery codes an account gets at a time.
pub const RECOVERY_CODES: usize = 10;
/// A recovery code's length without its dashes: 16 base32 characters, 80 random bits.
const RECOVERY_CODE_CHARS: usize = 16;
const BASE32_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// A new authenticator secret: 160 random bits, as RFC 4226 recommends.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; 20];
    rand::rng().fill_bytes(&mut secret);
    secret
}

/// The secret as people type it into an app: base32, upper case, in groups of four.
pub fn secret_text(secret: &[u8]) -> String {
    let plain = base32::encode(base32::Alphabet::Rfc4648 { padding: false }, secret);
    plain
        .as_bytes()
        .chunks(4)
        .map(|group| String::from_utf8_lossy(group).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The secret read back from its text (spaces, case and padding ignored).
pub fn secret_from_text(text: &str) -> Option<Vec<u8>> {
    let plain: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    base32::decode(base32::Alphabet::Rfc4648 { padding: false }, &plain)
        .filter(|bytes| bytes.len() >= 16)
}

fn authenticator(secret: &[u8], account: &str) -> TOTP {
    // The label's account part may not hold a colon; usernames cannot, but be safe.
    let account = account.replace(':', " ");
    TOTP::new_unchecked(
        Algorithm::SHA1,
        6,
        1,
        STEP_SECONDS,
        secret.to_vec(),
        Some(ISSUER.to_owned()),
        account,
    )
}

/// The `otpauth://` link an authenticator app reads (from the QR code).
pub fn enrolment_link(secret: &[u8], account: &str) -> String {
    authenticator(secret, account).get_url()
}

/// The code an app shows at `unix_seconds` (demo and tests type it as a person would).
pub fn code_at(secret: &[u8], unix_seconds: u64) -> String {
    authenticator(secret, "").generate(unix_seconds)
}

/// The time step a typed code belongs to, if it is the code of the step now, just before or just
/// after (a phone's clock a little off, a code typed as it changed), and newer than `last_step`,
/// the step of the last code accepted: a code is good once.
pub fn accepted_step(secret: &[u8], code: &str, unix_seconds: u64, last_step: u64) -> Option<u64> {
    let totp = authenticator(secret, "");
    let now_step = unix_seconds / STEP_SECONDS;
    (now_step.saturating_sub(1)..=now_step + 1)
        .filter(|step| *step > last_step)
        .find(|step| {
            let expected = totp.generate(step * STEP_SECONDS);
            constant_time_eq(expected.as_bytes(), code.as_bytes())
        })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a person typed in the second step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnteredCode {
    /// Six digits from the authenticator app.
    Authenticator(String),
    /// A recovery code, lower case without dashes or spaces.
    Recovery(String),
}

/// Reads a typed code: six digits (spaces allowed, as apps group them) or a recovery code (dashes,
/// spaces and case ignored); anything else is named.
pub fn read_code(typed: &str) -> Result<EnteredCode, &'static str> {
    let compact: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if compact.is_empty() {
        return Err("Enter the 6-digit code from your authenticator app, or a recovery code.");
    }
    if compact.bytes().all(|b| b.is_ascii_digit()) {
        return if compact.len() == 6 {
            Ok(EnteredCode::Authenticator(compact))
        } else {
            Err("An authenticator code has 6 digits.")
        };
    }
    if compact.len() == RECOVERY_CODE_CHARS && compact.bytes().all(|b| BASE32_ALPHABET.contains(&b))
    {
        return Ok(EnteredCode::Recovery(compact));
    }
    Err("This is neither a 6-digit authenticator code nor a recovery code (like abcd-efgh-ijkl-mnop).")
}

/// A fresh set of recovery codes, as shown to the person (groups of four).
pub fn new_recovery_codes() -> Vec<String> {
    let mut rng = rand::rng();
    (0..RECOVERY_CODES)
        .map(|_| {
            let chars: Vec<u8> = (0..RECOVERY_CODE_CHARS)
                .map(|_| BASE32_ALPHABET[(rng.next_u32() % 32) as usize])
                .collect();
            chars
                .chunks(4)
                .map(|group| String::from_utf8_lossy(group).into_owned())
                .collect::<Vec<_>>()
                .join("-")
        })
        .collect()
}

/// What is stored of a recovery code: the SHA-256 of its compact form (80 random bits need no
/// slow hash).
pub fn recovery_code_hash(code: &str) -> String {
    let compact: String = code
        .chars()
        .filter(|c| *c != '-' && !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    crate::platform::digest::sha256_hex(compact.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 appendix B, SHA-1, with the last six of its eight digits.
    const RFC_SECRET: &[u8] = b"12345678901234567890";

    #[test]
    fn codes_are_those_of_rfc_6238() {
        assert_eq!(code_at(RFC_SECRET, 59), "287082");
        assert_eq!(code_at(RFC_SECRET, 1_111_111_109), "081804");
        assert_eq!(code_at(RFC_SECRET, 2_000_000_000), "279037");
    }

    #[test]
    fn a_code_is_accepted_in_its_step_and_the_neighbouring_ones_once() {
        let now = 1_111_111_109;
        let code = code_at(RFC_SECRET, now);
        let step = now / STEP_SECONDS;
        assert_eq!(accepted_step(RFC_SECRET, &code, now, 0), Some(step));
        // Thirty seconds late or early still passes: clocks drift.
        assert_eq!(accepted_step(RFC_SECRET, &code, now + 30, 0), Some(step));
        assert_eq!(accepted_step(RFC_SECRET, &code, now - 30, 0), Some(step));
        assert_eq!(accepted_step(RFC_SECRET, &code, now + 90, 0), None);
        // Once accepted, the same code (or an older one) is refused.
        assert_eq!(accepted_step(RFC_SECRET, &code, now, step), None);
        assert_eq!(accepted_step(RFC_SECRET, "000000", now, 0), None);
    }

    #[test]
    fn the_secret_text_reads_back_and_the_link_names_the_issuer() {
        let secret = new_secret();
        let text = secret_text(&secret);
        assert_eq!(text.len(), 32 + 7, "{text}");
        assert_eq!(secret_from_text(&text.to_lowercase()), Some(secret.clone()));
        let link = enrolment_link(&secret, "dana.admin");
        assert!(
            link.starts_with("otpauth://totp/NetCare:dana.admin?"),
            "{link}"
        );
        assert!(
            link.contains(&format!("secret={}", text.replace(' ', ""))),
            "{link}"
        );
        assert!(link.contains("issuer=NetCare"), "{link}");
    }

    #[test]
    fn typed_codes_are_read_leniently_and_refused_clearly() {
        assert_eq!(
            read_code(" 123 456 "),
            Ok(EnteredCode::Authenticator("123456".into()))
        );
        assert_eq!(
            read_code("ABCD-efgh-2345-7wxy"),
            Ok(EnteredCode::Recovery("abcdefgh23457wxy".into()))
        );
        assert_eq!(
            read_code("12345"),
            Err("An authenticator code has 6 digits.")
        );
        assert!(read_code("").is_err());
        assert!(
            read_code("abcd-efgh-1111-0000").is_err(),
            "1 and 0 are not base32"
        );
    }

    #[test]
    fn recovery_codes_are_ten_distinct_and_hash_whatever_the_typing() {
        let codes = new_recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let distinct: std::collections::HashSet<_> = codes.iter().collect();
        assert_eq!(distinct.len(), RECOVERY_CODES);
        for code in &codes {
            assert_eq!(code.len(), 19, "{code}");
            let EnteredCode::Recovery(compact) = read_code(code).unwrap() else {
                panic!("{code} is a recovery code");
            };
            assert_eq!(
                recovery_code_hash(&compact),
                recovery_code_hash(&code.to_uppercase())
            );
        }
    }
}
