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

/// Argon2 takes 19 MB and a core for each hash. Hashes run on a few threads of their own, one
/// per core: a burst of sign-ins waits its turn instead of taking the server's memory, and each
/// thread reuses its 19 MB. (On the shared blocking pool every new thread kept its own copy:
/// 32 clients signing in took the server from 31 MB to over 1 GB.)
async fn on_hashing_thread<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    type Job = Box<dyn FnOnce() + Send>;
    static JOBS: std::sync::OnceLock<std::sync::mpsc::SyncSender<Job>> = std::sync::OnceLock::new();
    let jobs = JOBS.get_or_init(|| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Job>(1024);
        let receiver = std::sync::Arc::new(std::sync::Mutex::new(receiver));
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(1, 8));
        for n in 0..threads {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-hashing-{n}"))
                .spawn(move || loop {
                    let job = match receiver.lock() {
                        Ok(guard) => guard.recv(),
                        Err(_) => return,
                    };
                    match job {
                        Ok(job) => job(),
                        Err(_) => return,
                    }
                })
                .expect("a password hashing thread starts");
        }
        sender
    });
    let (done, result) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = done.send(work());
    });
    // `send` blocks only when 1,024 hashes already wait; off the runtime's threads meanwhile.
    let jobs = jobs.clone();
    tokio::task::spawn_blocking(move || jobs.send(job))
        .await
        .map_err(|err| err.to_string())?
        .map_err(|_| "the password hashing threads stopped".to_owned())?;
    result.await.map_err(|err| err.to_string())
}

pub async fn hash(password: String) -> Result<String, String> {
    on_hashing_thread(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|hash| hash.to_string())
            .map_err(|err| err.to_string())
    })
    .await?
}

/// Checks `password` against `stored`; with no stored hash, spends the same time and fails, so a
/// wrong username cannot be told from a wrong password by the time the answer takes.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    on_hashing_thread(move || {
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
