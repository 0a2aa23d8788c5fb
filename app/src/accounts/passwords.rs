//! Password hashing (Argon2id, off the async runtime) and the refusal of common or guessable
//! passwords (zxcvbn, which ships a list of common leaked passwords and spots keyboard walks,
//! repeats and sequences).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

use super::rules::check_password_length;

/// Length, then guessability. `context` holds the person's own words (username, name, email),
/// which make a password easy to guess for anyone who knows them.
pub fn check_password(password: &str, context: &[&str]) -> Result<(), String> {
    check_password_length(password)?;
    let estimate = zxcvbn::zxcvbn(password, context);
    if estimate.score() < zxcvbn::Score::Three {
        let hint = estimate
            .feedback()
            .and_then(|f| f.warning())
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        return Err(format!(
            "This password is too common or too easy to guess{hint}. Try a few unrelated words."
        ));
    }
    Ok(())
}

pub async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| err.to_string())
    })
    .await
    .map_err(|err| err.to_string())?
}

/// Checks `password` against `stored`; with no stored hash, spends the same time and fails, so a
/// wrong username cannot be told from a wrong password by the time the answer takes.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let matches = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        matches && known
    })
    .await
    .unwrap_or(false)
}

/// The hash of a random password nobody knows, with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        let secret = super::session::random_token();
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .expect("hashing works")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_and_guessable_passwords_are_refused() {
        for password in [
            "password1234",
            "123456789012",
            "qwertyuiopasdf",
            "aaaaaaaaaaaaaaaa",
            "iloveyou1234",
        ] {
            assert!(check_password(password, &[]).is_err(), "{password}");
        }
        // The person's own name is easy to guess for anyone who knows them.
        assert!(check_password("danaadmin2026", &["danaadmin", "Dana Admin"]).is_err());
    }

    #[test]
    fn long_unrelated_words_are_fine() {
        assert!(check_password("copper kettle orbit lantern", &[]).is_ok());
        assert!(check_password(&"correct horse battery staple ".repeat(4), &[]).is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_and_dummy_never_matches() {
        let hash = hash("copper kettle orbit lantern".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify("copper kettle orbit lantern".into(), Some(hash.clone())).await);
        assert!(!verify("copper kettle orbit lanterN".into(), Some(hash)).await);
        assert!(!verify("anything".into(), None).await);
    }
}
