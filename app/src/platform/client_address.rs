//! Who a request comes from, for the per-address throttles. Behind a reverse proxy every request
//! arrives from the proxy: the proxy's own `Forwarded` / `X-Forwarded-For` header then names the
//! client, but only a peer configured as a trusted proxy is believed (anyone else could write
//! those headers). IPv6 clients are grouped by their /64, the block one customer line gets, so a
//! client cannot dodge the throttle by walking its own addresses.

use std::{net::IpAddr, str::FromStr};

/// A network in CIDR notation (`10.0.0.0/8`, `fd00::/8`), or one address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.network, address) {
            (IpAddr::V4(net), IpAddr::V4(addr)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(addr) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(addr)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(addr) & mask
            }
            (IpAddr::V4(_), IpAddr::V6(addr)) => addr
                .to_ipv4_mapped()
                .is_some_and(|v4| self.contains(IpAddr::V4(v4))),
            (IpAddr::V6(_), IpAddr::V4(_)) => false,
        }
    }
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let refused = || format!("`{text}` is not an address or a network such as 10.0.0.0/8");
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let network: IpAddr = address.parse().map_err(|_| refused())?;
        let most = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(prefix) => prefix.parse::<u8>().map_err(|_| refused())?,
            None => most,
        };
        if prefix > most {
            return Err(refused());
        }
        Ok(Cidr { network, prefix })
    }
}

/// The address a throttle counts a request against: the peer, or, when the peer is a trusted
/// proxy, the nearest address in its forwarding header that is not itself a trusted proxy.
/// `forwarded` and `x_forwarded_for` are the headers' values as received.
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded: Option<&str>,
    x_forwarded_for: Option<&str>,
    trusted_proxies: &[Cidr],
) -> String {
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    let trusted = |address: &IpAddr| trusted_proxies.iter().any(|cidr| cidr.contains(*address));
    let mut client = peer;
    if trusted(&peer) {
        // The chain as the proxies appended it, nearest last; walk back past our own proxies.
        let chain: Vec<IpAddr> = match (forwarded, x_forwarded_for) {
            (Some(forwarded), _) => forwarded_for(forwarded),
            (None, Some(list)) => list.split(',').filter_map(parse_address).collect(),
            (None, None) => Vec::new(),
        };
        for hop in chain.iter().rev() {
            client = *hop;
            if !trusted(hop) {
                break;
            }
        }
    }
    throttle_key(client)
}

/// The `for=` addresses of a `Forwarded` header (RFC 7239), in order.
fn forwarded_for(header: &str) -> Vec<IpAddr> {
    header
        .split(',')
        .flat_map(|element| element.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(name, _)| name.trim().eq_ignore_ascii_case("for"))
        .filter_map(|(_, value)| parse_address(value))
        .collect()
}

/// An address as proxies write it: `203.0.113.7`, `203.0.113.7:4711`, `"[2001:db8::1]:4711"`.
fn parse_address(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(address) = text.parse() {
        return Some(address);
    }
    if let Some(rest) = text.strip_prefix('[') {
        return rest.split_once(']')?.0.parse().ok();
    }
    let (host, _port) = text.rsplit_once(':')?;
    host.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

/// IPv4 as it is (an IPv4-mapped IPv6 address as IPv4); IPv6 by its /64.
fn throttle_key(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let block = u128::from(v6) & (u128::MAX << 64);
                format!("{}/64", std::net::Ipv6Addr::from(block))
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    fn proxies(list: &[&str]) -> Vec<Cidr> {
        list.iter().map(|c| c.parse().unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let spoofed = Some("198.51.100.9");
        assert_eq!(
            client_address(ip("203.0.113.7"), None, spoofed, &[]),
            "203.0.113.7"
        );
        assert_eq!(
            client_address(ip("203.0.113.7"), Some("for=198.51.100.9"), None, &[]),
            "203.0.113.7"
        );
        assert_eq!(client_address(None, None, None, &[]), "unknown");
    }

    #[test]
    fn behind_a_trusted_proxy_the_forwarded_client_counts() {
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(ip("10.1.2.3"), None, Some("198.51.100.9"), &trusted),
            "198.51.100.9"
        );
        assert_eq!(
            client_address(
                ip("10.1.2.3"),
                Some("for=\"[2001:db8:aa:bb::1]:4711\";proto=https"),
                None,
                &trusted
            ),
            "2001:db8:aa:bb::/64"
        );
        // A proxy that forwards nothing: the proxy itself.
        assert_eq!(
            client_address(ip("10.1.2.3"), None, None, &trusted),
            "10.1.2.3"
        );
    }

    #[test]
    fn a_client_cannot_hide_behind_an_address_it_wrote_itself() {
        // The client wrote 1.1.1.1 into the header; our proxy appended the client's real address.
        let trusted = proxies(&["10.0.0.0/8"]);
        assert_eq!(
            client_address(
                ip("10.1.2.3"),
                None,
                Some("1.1.1.1, 198.51.100.9"),
                &trusted
            ),
            "198.51.100.9"
        );
        // Two proxies of ours in a row are walked past.
        assert_eq!(
            client_address(
                ip("10.1.2.3"),
                None,
                Some("1.1.1.1, 198.51.100.9, 10.9.9.9"),
                &trusted
            ),
            "198.51.100.9"
        );
    }

    #[test]
    fn ipv6_clients_are_grouped_by_their_64() {
        assert_eq!(
            client_address(ip("2001:db8:1:2:aaaa::1"), None, None, &[]),
            client_address(ip("2001:db8:1:2:bbbb::9"), None, None, &[])
        );
        assert_ne!(
            client_address(ip("2001:db8:1:2::1"), None, None, &[]),
            client_address(ip("2001:db8:1:3::1"), None, None, &[])
        );
        assert_eq!(
            client_address(ip("::ffff:203.0.113.7"), None, None, &[]),
            "203.0.113.7"
        );
    }

    #[test]
    fn networks_are_read_and_matched() {
        let net: Cidr = "192.168.0.0/16".parse().unwrap();
        assert!(net.contains("192.168.4.5".parse().unwrap()));
        assert!(!net.contains("192.169.0.1".parse().unwrap()));
        assert!(net.contains("::ffff:192.168.1.1".parse().unwrap()));
        let one: Cidr = "127.0.0.1".parse().unwrap();
        assert!(one.contains("127.0.0.1".parse().unwrap()));
        assert!(!one.contains("127.0.0.2".parse().unwrap()));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains("8.8.8.8".parse().unwrap()));
        let v6: Cidr = "fd00::/8".parse().unwrap();
        assert!(v6.contains("fd12::1".parse().unwrap()));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0/8", "::/129", ""] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }
}
