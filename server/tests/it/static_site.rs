use app::bundles::Bundle;
use axum::http::StatusCode;

use crate::support::{body_text, no_database, Backend, TestApp};

no_database!(
    client_routes_get_the_app_shell,
    each_area_is_served_its_own_page,
    precompressed_assets_are_sent_to_browsers_that_accept_them,
    hashed_assets_are_cached_for_good,
    missing_files_are_not_found,
    missing_build_is_explained
);

async fn client_routes_get_the_app_shell(backend: Backend) {
    let app = TestApp::new(backend).await;
    // The shell's Content-Security-Policy allows its inline start-up script by hash, nothing else.
    for bundle in Bundle::ALL {
        std::fs::write(
            app.site_dir.join(bundle.page()),
            "<!DOCTYPE html><title>NetCare test shell</title><script type=\"module\">start()</script>",
        )
        .unwrap();
    }
    let response = app.get("/").await;
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let scripts = csp
        .split(';')
        .find(|d| d.trim_start().starts_with("script-src"))
        .unwrap();
    assert!(!scripts.contains("unsafe-inline"), "{csp}");
    for path in ["/", "/library/devices", "/no/such/page"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert!(
            body_text(response).await.contains("NetCare test shell"),
            "{path}"
        );
    }
}

/// Each area of the app is its own bundle: a deep link (or a reload) gets the page of the bundle
/// that serves it, with its own CSP.
async fn each_area_is_served_its_own_page(backend: Backend) {
    let app = TestApp::new(backend).await;
    for (page, marker) in [
        ("home.html", "home shell"),
        ("index.html", "portal shell"),
        ("accounts.html", "accounts shell"),
        ("admin.html", "admin shell"),
        ("agents.html", "agents shell"),
    ] {
        std::fs::write(
            app.site_dir.join(page),
            format!(
                "<!DOCTYPE html><title>{marker}</title><script type=\"module\">{marker}()</script>"
            ),
        )
        .unwrap();
    }
    for (path, marker) in [
        ("/", "home shell"),
        ("/?from=email", "home shell"),
        ("/library?status=expired", "portal shell"),
        ("/library/devices/42", "portal shell"),
        ("/uploads", "admin shell"),
        ("/login", "accounts shell"),
        ("/onboarding/verify?token=x", "accounts shell"),
        ("/profile", "accounts shell"),
        ("/access/", "admin shell"),
        ("/collectors", "admin shell"),
        ("/agents", "agents shell"),
        ("/agents/unknown", "portal shell"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let csp = response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("'sha256-"), "{path}: {csp}");
        let body = body_text(response).await;
        assert!(
            body.contains(marker),
            "{path} should get the {marker}: {body}"
        );
    }
}

async fn hashed_assets_are_cached_for_good(backend: Backend) {
    let app = TestApp::new(backend).await;
    std::fs::write(
        app.site_dir.join("frontend-0123456789abcdef_bg.wasm"),
        b"\0asm",
    )
    .unwrap();
    let response = app.get("/frontend-0123456789abcdef_bg.wasm").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-type"], "application/wasm");
}

async fn missing_files_are_not_found(backend: Backend) {
    let app = TestApp::new(backend).await;
    let response = app.get("/frontend-ffffffffffffffff.js").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["cache-control"], "no-store");
}

async fn missing_build_is_explained(backend: Backend) {
    let app = TestApp::new(backend).await;
    for bundle in Bundle::ALL {
        std::fs::remove_file(app.site_dir.join(bundle.page())).unwrap();
    }
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(body_text(response).await.contains("not built"));
}

async fn precompressed_assets_are_sent_to_browsers_that_accept_them(backend: Backend) {
    let app = TestApp::new(backend).await;
    let asset = "frontend-0123456789abcdef.js";
    std::fs::write(app.site_dir.join(asset), "console.log('plain')").unwrap();
    std::fs::write(app.site_dir.join(format!("{asset}.gz")), b"gzipped bytes").unwrap();
    let request = axum::http::Request::get(format!("/{asset}"))
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "gzip");
    assert_eq!(
        crate::support::body_bytes(response).await.as_ref(),
        b"gzipped bytes"
    );
    // A client that does not accept gzip gets the file itself.
    let response = app.get(&format!("/{asset}")).await;
    assert_eq!(body_text(response).await, "console.log('plain')");
    // Brotli, smaller, goes to browsers that accept it (every current one).
    std::fs::write(app.site_dir.join(format!("{asset}.br")), b"brotli bytes").unwrap();
    let request = axum::http::Request::get(format!("/{asset}"))
        .header("accept-encoding", "gzip, deflate, br, zstd")
        .body(axum::body::Body::empty())
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(
        crate::support::body_bytes(response).await.as_ref(),
        b"brotli bytes"
    );
}
