//! Password hashing (Argon2id, off the async runtime) and the refusal of common or guessable
//! passwords (zxcvbn, which ships a list of common leaked passwords and spots keyboard walks,
//! repeats and sequences).

use std::cell::RefCell;

use argon2::{
    password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString},
    Algorithm, Argon2, Block, Params, Version,
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

thread_local! {
    /// This hashing thread's Argon2 memory (19 MB), kept for the thread's life. Allocated and freed
    /// per hash, the allocator kept the freed copies: under load the server rose from ~30 MB to
    /// ~270 MB and stayed there; with the memory kept it stays at ~70 MB.
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// Argon2 of `password` and `salt` into `out`, in this thread's kept memory.
fn argon2_into(argon: &Argon2, password: &[u8], salt: &[u8], out: &mut [u8]) -> argon2::Result<()> {
    MEMORY.with_borrow_mut(|memory| {
        let needed = argon.params().block_count();
        if memory.len() < needed {
            memory.resize(needed, Block::default());
        }
        argon.hash_password_into_with_memory(password, salt, out, &mut memory[..])
    })
}

/// The PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) of `password` with a new salt and
/// the default parameters: the same string `argon2`'s own hasher writes.
fn hash_now(password: &[u8]) -> argon2::password_hash::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    let argon = Argon2::default();
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        argon2_into(&argon, password, salt_bytes, out).map_err(Into::into)
    })?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(argon.params())?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the PHC string `stored` (with whatever parameters it names).
fn matches_now(password: &[u8], stored: &str) -> argon2::password_hash::Result<bool> {
    let parsed = PasswordHash::new(stored)?;
    let algorithm = Algorithm::try_from(parsed.algorithm)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()?
        .unwrap_or_default();
    let argon = Argon2::new(algorithm, version, Params::try_from(&parsed)?);
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Ok(false);
    };
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    let computed = Output::init_with(expected.len(), |out| {
        argon2_into(&argon, password, salt_bytes, out).map_err(Into::into)
    })?;
    // `Output`'s comparison takes the same time wherever the first difference is.
    Ok(computed == expected)
}

pub async fn hash(password: String) -> Result<String, String> {
    on_hashing_thread(move || hash_now(password.as_bytes()).map_err(|err| err.to_string())).await?
}

/// Checks `password` against `stored`; with no stored hash, spends the same time and fails, so a
/// wrong username cannot be told from a wrong password by the time the answer takes.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    on_hashing_thread(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_owned());
        let matches = matches_now(password.as_bytes(), &stored).unwrap_or(false);
        matches && known
    })
    .await
    .unwrap_or(false)
}

/// The hash of a random password nobody knows, with the same parameters as real ones.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret = super::session::random_token();
        hash_now(secret.as_bytes()).expect("hashing works")
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

    #[test]
    fn hashes_are_the_standard_phc_strings_both_ways() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        // A hash written by argon2's own hasher (as stored before) verifies here…
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default()
            .hash_password(b"copper kettle orbit lantern", &salt)
            .unwrap()
            .to_string();
        assert!(matches_now(b"copper kettle orbit lantern", &theirs).unwrap());
        assert!(!matches_now(b"copper kettle orbit lanterns", &theirs).unwrap());
        // …and ours verifies with argon2's own verifier.
        let ours = hash_now(b"copper kettle orbit lantern").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(Argon2::default()
            .verify_password(b"copper kettle orbit lantern", &parsed)
            .is_ok());
        // Other parameters (a cheaper hash) are read from the string.
        let cheap = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"secret words here", &salt)
        .unwrap()
        .to_string();
        assert!(matches_now(b"secret words here", &cheap).unwrap());
        assert!(matches_now(b"x", "not a hash").is_err());
    }
}
