//! A software passkey, as a browser's authenticator answers: a P-256 key per credential, "none"
//! attestation, user verified, and a signature counter. It signs exactly what WebAuthn signs, so
//! the server's checks (webauthn-rs) run for real.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use openssl::{
    bn::BigNumContext,
    ec::{EcGroup, EcKey},
    hash::MessageDigest,
    nid::Nid,
    pkey::{PKey, Private},
    sign::Signer,
};
use serde_cbor_2::Value as Cbor;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// User present and user verified (PIN or biometrics).
const PRESENT_AND_VERIFIED: u8 = 0x01 | 0x04;
/// …with attested credential data.
const WITH_CREDENTIAL: u8 = 0x40;

pub struct PasskeyDevice {
    origin: String,
    /// Credentials made: id, key, user handle (base64url), counter.
    credentials: Vec<(Vec<u8>, EcKey<Private>, String, u32)>,
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn client_data(kind: &str, challenge: &str, origin: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "type": kind, "challenge": challenge, "origin": origin, "crossOrigin": false
    }))
    .unwrap()
}

impl PasskeyDevice {
    /// A device used at `origin` (what the browser's address bar shows).
    pub fn new(origin: &str) -> Self {
        PasskeyDevice {
            origin: origin.to_owned(),
            credentials: Vec::new(),
        }
    }

    fn rp_hash(options: &Value) -> Vec<u8> {
        let rp_id = options["publicKey"]["rp"]["id"]
            .as_str()
            .or_else(|| options["publicKey"]["rpId"].as_str())
            .expect("options name the relying party");
        Sha256::digest(rp_id.as_bytes()).to_vec()
    }

    /// Answers `navigator.credentials.create` with the server's options: a new credential, as
    /// the JSON the browser's `toJSON` gives.
    pub fn create(&mut self, options: &str) -> String {
        let options: Value = serde_json::from_str(options).unwrap();
        let public_key = &options["publicKey"];
        assert_eq!(
            public_key["authenticatorSelection"]["residentKey"], "required",
            "NetCare's passkeys are discoverable"
        );
        let challenge = public_key["challenge"].as_str().unwrap();
        let handle = public_key["user"]["id"].as_str().unwrap().to_owned();
        let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
        let key = EcKey::generate(&group).unwrap();
        let mut x = openssl::bn::BigNum::new().unwrap();
        let mut y = openssl::bn::BigNum::new().unwrap();
        key.public_key()
            .affine_coordinates(&group, &mut x, &mut y, &mut BigNumContext::new().unwrap())
            .unwrap();
        let cose = Cbor::Map(
            [
                (Cbor::Integer(1), Cbor::Integer(2)),  // kty: EC2
                (Cbor::Integer(3), Cbor::Integer(-7)), // alg: ES256
                (Cbor::Integer(-1), Cbor::Integer(1)), // crv: P-256
                (Cbor::Integer(-2), Cbor::Bytes(x.to_vec_padded(32).unwrap())),
                (Cbor::Integer(-3), Cbor::Bytes(y.to_vec_padded(32).unwrap())),
            ]
            .into_iter()
            .collect(),
        );
        let mut id = vec![0u8; 32];
        openssl::rand::rand_bytes(&mut id).unwrap();
        let mut auth_data = Self::rp_hash(&options);
        auth_data.push(PRESENT_AND_VERIFIED | WITH_CREDENTIAL);
        auth_data.extend(0u32.to_be_bytes());
        auth_data.extend([0u8; 16]); // AAGUID: none
        auth_data.extend((id.len() as u16).to_be_bytes());
        auth_data.extend(&id);
        auth_data.extend(serde_cbor_2::to_vec(&cose).unwrap());
        let attestation = Cbor::Map(
            [
                (Cbor::Text("fmt".into()), Cbor::Text("none".into())),
                (Cbor::Text("attStmt".into()), Cbor::Map(Default::default())),
                (Cbor::Text("authData".into()), Cbor::Bytes(auth_data)),
            ]
            .into_iter()
            .collect(),
        );
        let answer = json!({
            "id": b64(&id),
            "rawId": b64(&id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client_data("webauthn.create", challenge, &self.origin)),
                "attestationObject": b64(&serde_cbor_2::to_vec(&attestation).unwrap()),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        });
        self.credentials.push((id, key, handle, 0));
        answer.to_string()
    }

    /// Answers `navigator.credentials.get` with the server's options, using the credential the
    /// options allow (or, for a sign-in with the passkey alone, the newest one).
    pub fn get(&mut self, options: &str) -> String {
        let options: Value = serde_json::from_str(options).unwrap();
        let public_key = &options["publicKey"];
        let challenge = public_key["challenge"].as_str().unwrap();
        let allowed: Vec<String> = public_key["allowCredentials"]
            .as_array()
            .map(|list| {
                list.iter()
                    .map(|c| c["id"].as_str().unwrap().to_owned())
                    .collect()
            })
            .unwrap_or_default();
        let origin = self.origin.clone();
        let rp_hash = Self::rp_hash(&options);
        let (id, key, handle, counter) = self
            .credentials
            .iter_mut()
            .rev()
            .find(|(id, ..)| allowed.is_empty() || allowed.contains(&b64(id)))
            .expect("the device holds a passkey the server allows");
        *counter += 1;
        let mut auth_data = rp_hash;
        auth_data.push(PRESENT_AND_VERIFIED);
        auth_data.extend(counter.to_be_bytes());
        let client = client_data("webauthn.get", challenge, &origin);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client));
        let pkey = PKey::from_ec_key(key.clone()).unwrap();
        let mut signer = Signer::new(MessageDigest::sha256(), &pkey).unwrap();
        signer.update(&signed).unwrap();
        let signature = signer.sign_to_vec().unwrap();
        json!({
            "id": b64(id),
            "rawId": b64(id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(&client),
                "authenticatorData": b64(&auth_data),
                "signature": b64(&signature),
                "userHandle": handle,
            },
            "clientExtensionResults": {},
        })
        .to_string()
    }
}
