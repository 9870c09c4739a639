//! `base_url`: checked by hand to be `http(s)://HOST[:PORT]/[PATH/]`, and given its final `/`.

/// Why `url` (already ending in `/`) cannot be the base of every URL of the site, if it cannot:
/// it must be `http(s)://HOST[:PORT]/[PATH/]`, the host a DNS name in ASCII or an IP address,
/// with no user, query or fragment, and the path made of URL-safe characters. (The `url`
/// crate would add 36 crates for IDNA and ICU; this is all a base URL needs.)
pub(super) fn check_base_url(url: &str) -> Result<(), String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it does not start with `https://` or `http://`")?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if authority.contains('@') {
        return Err("it has a user name (`…@`); leave credentials out".into());
    }
    let port = match authority.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']').ok_or("its IPv6 address has no `]`")?;
            check_ipv6(host)?;
            match after {
                "" => None,
                _ => Some(after.strip_prefix(':').ok_or("it has text after the `]`")?),
            }
        }
        None => {
            let (host, port) = match authority.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (authority, None),
            };
            check_host(host)?;
            port
        }
    };
    if let Some(port) = port {
        let ok = port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && matches!(port.parse::<u16>(), Ok(1..));
        if !ok {
            return Err(format!("`{port}` after `:` is not a port (1 to 65535)"));
        }
    }
    check_url_path(path)
}

fn check_ipv6(host: &str) -> Result<(), String> {
    host.parse::<std::net::Ipv6Addr>()
        .map(|_| ())
        .map_err(|_| format!("`[{host}]` is not an IPv6 address"))
}

/// A DNS name in ASCII (labels of letters, digits and inner hyphens) or an IPv4 address.
fn check_host(host: &str) -> Result<(), String> {
    if host.is_empty() {
        return Err("it has no host".into());
    }
    if !host.is_ascii() {
        return Err(format!(
            "the host `{host}` is not ASCII; write its xn-- (punycode) form"
        ));
    }
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return host
            .parse::<std::net::Ipv4Addr>()
            .map(|_| ())
            .map_err(|_| format!("`{host}` is not an IPv4 address"));
    }
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    if host.len() > 253 || !host.split('.').all(label_ok) {
        return Err(format!("`{host}` is not a host name"));
    }
    Ok(())
}

/// `/`, or `/a/b/` made of unreserved characters and `%XX` escapes, without `.`, `..` or
/// empty segments.
fn check_url_path(path: &str) -> Result<(), String> {
    if let Some(c) = path.chars().find(|c| matches!(c, '?' | '#')) {
        return Err(format!(
            "it has a `{c}`: a base URL cannot carry a query or fragment"
        ));
    }
    let inner = path.trim_start_matches('/');
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    if inner.is_empty() {
        return Ok(());
    }
    for segment in inner.split('/') {
        if matches!(segment, "" | "." | "..") {
            return Err(format!("its path `{path}` has an empty, `.` or `..` part"));
        }
        let bytes = segment.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b == b'%' {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit));
                if hex.is_none() {
                    return Err(format!(
                        "its path `{path}` has a `%` not followed by two hex digits"
                    ));
                }
                i += 3;
                continue;
            }
            if !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~')) {
                let c = segment[i..].chars().next().unwrap_or('?');
                return Err(format!(
                    "its path `{path}` has `{c}`; percent-encode it or use letters, digits, `-`, `.`, `_`, `~`"
                ));
            }
            i += 1;
        }
    }
    Ok(())
}

pub(super) fn normalise_base_url(url: &str) -> String {
    let url = url.trim();
    if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    }
}
