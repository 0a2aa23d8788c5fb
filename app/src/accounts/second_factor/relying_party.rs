//! Who NetCare is to passkeys: the relying party id (a domain name) and the origin browsers sign
//! for, both from the public URL.

use std::net::IpAddr;

use webauthn_rs::prelude::{Url, Webauthn, WebauthnBuilder};

/// The relying party id and origin of a public URL. Browsers refuse passkeys for an IP address, so
/// the host must be a name; a loopback address stands for `localhost` (where browsers allow
/// passkeys over plain http), which is how NetCare is reached on the machine it runs on.
pub fn relying_party(public_url: &str) -> Result<(String, Url), String> {
    let url = Url::parse(public_url).map_err(|_| format!("{public_url} is not a URL"))?;
    let host = url.host_str().unwrap_or_default();
    let address = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>();
    let name = match address {
        Ok(ip) if ip.is_loopback() => "localhost".to_owned(),
        Ok(_) => {
            return Err(format!(
                "Passkeys need NetCare to be reached by a name, not the address {host}: ask the \
                 operator to set --public-url to its https:// name."
            ))
        }
        Err(_) if host.is_empty() => return Err(format!("{public_url} names no host")),
        Err(_) => host.to_ascii_lowercase(),
    };
    let port = url
        .port()
        .map(|port| format!(":{port}"))
        .unwrap_or_default();
    let origin = Url::parse(&format!("{}://{name}{port}", url.scheme()))
        .map_err(|_| format!("{public_url} is not a URL"))?;
    Ok((name, origin))
}

/// The checks of passkeys for this public URL, or why passkeys cannot work there.
pub fn webauthn(public_url: &str) -> Result<Webauthn, String> {
    let (id, origin) = relying_party(public_url)?;
    WebauthnBuilder::new(&id, &origin)
        .and_then(|builder| builder.rp_name("NetCare").build())
        .map_err(|err| format!("Passkeys cannot work at {origin}: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_named_host_is_its_own_relying_party() {
        let (id, origin) = relying_party("https://NetCare.example.com").unwrap();
        assert_eq!(id, "netcare.example.com");
        assert_eq!(origin.as_str(), "https://netcare.example.com/");
        let (id, origin) = relying_party("https://portal.example.com:8443/").unwrap();
        assert_eq!(id, "portal.example.com");
        assert_eq!(origin.as_str(), "https://portal.example.com:8443/");
    }

    #[test]
    fn loopback_addresses_stand_for_localhost() {
        for url in [
            "http://127.0.0.1:3000",
            "http://[::1]:3000",
            "http://localhost:3000",
        ] {
            let (id, origin) = relying_party(url).unwrap();
            assert_eq!(id, "localhost", "{url}");
            assert_eq!(origin.as_str(), "http://localhost:3000/", "{url}");
        }
    }

    #[test]
    fn a_network_address_cannot_hold_passkeys() {
        let refused = relying_party("http://10.1.2.3:3000").unwrap_err();
        assert!(refused.contains("10.1.2.3"), "{refused}");
        assert!(relying_party("not a url").is_err());
    }

    #[test]
    fn the_checks_build_for_a_name_and_for_localhost() {
        assert!(webauthn("https://netcare.example.com").is_ok());
        assert!(webauthn("http://127.0.0.1:3000").is_ok());
    }
}
