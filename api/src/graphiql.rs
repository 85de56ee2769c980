//! GraphiQL on `GET /graphql`, from assets built into the binary so it works without
//! internet: pinned minified builds of GraphiQL 3 and React 18 vendored by
//! `scripts/vendor-graphiql.sh` under `api/assets/graphiql/` (with their licences).
//!
//! Each asset is served under its content hash (`/graphiql/assets/{hash}/{name}`), so it can
//! be cached for a year and a re-vendored one gets a new URL; the page names it with its
//! subresource-integrity hash. The page itself is never cached: it carries the tabs and
//! tokens of the running server ([`Page`]).

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Json};
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha384};
use std::sync::{Arc, LazyLock};

/// The route the assets are served on.
pub const ASSET_ROUTE: &str = "/graphiql/assets/{hash}/{name}";

/// One vendored file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// In the order the page loads them: GraphiQL's UMD build needs React and ReactDOM as globals.
const ASSETS: [Asset; 4] = [
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/graphiql.min.css"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/react-dom.production.min.js"),
    },
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../assets/graphiql/graphiql.min.js"),
    },
];

/// An asset with its URL and integrity hash, computed once.
struct Served {
    asset: &'static Asset,
    /// The first 8 bytes of its SHA-384, in hex: the URL's cache-busting part.
    hash: String,
    /// `sha384-<base64>`, for the page's `integrity` attribute.
    integrity: String,
}

impl Served {
    fn url(&self) -> String {
        ASSET_ROUTE
            .replace("{hash}", &self.hash)
            .replace("{name}", self.asset.name)
    }
}

static SERVED: LazyLock<Vec<Served>> = LazyLock::new(|| {
    ASSETS
        .iter()
        .map(|asset| {
            let digest = Sha384::digest(asset.bytes);
            Served {
                asset,
                hash: digest[..8].iter().map(|b| format!("{b:02x}")).collect(),
                integrity: format!(
                    "sha384-{}",
                    base64::engine::general_purpose::STANDARD.encode(digest)
                ),
            }
        })
        .collect()
});

/// One tab the page opens with (GraphiQL names it after the operation).
#[derive(Debug, Clone, Serialize)]
pub struct Tab {
    pub query: String,
    /// JSON text of the variables.
    pub variables: String,
    /// JSON text of the request headers; `None` uses the page's headers.
    pub headers: Option<String>,
}

/// What the page opens with.
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub tabs: Vec<Tab>,
    /// JSON text of the headers new tabs start with. `Some` only where the server can hand
    /// out tokens (`flywheel demo`); then headers are also kept across reloads, which
    /// GraphiQL does not do by default for a token typed in by hand.
    pub headers: Option<String>,
}

impl Default for Page {
    /// For `flywheel serve`: a tab saying how to send a token.
    fn default() -> Self {
        Self {
            tabs: vec![Tab {
                query: "# Welcome to Flywheel. Every query needs a bearer token: mint one with\n\
                        #   flywheel token --role admin\n\
                        # and put it in the Headers pane below as\n\
                        #   {\"Authorization\": \"Bearer <token>\"}\n\
                        # The Docs button (top left) shows the whole schema.\n\
                        query Me {\n  me { subject role brandId shopId markets }\n}\n"
                    .into(),
                variables: String::new(),
                headers: None,
            }],
            headers: None,
        }
    }
}

/// What the page's script reads.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Config<'a> {
    endpoint: &'static str,
    tabs: &'a [Tab],
    headers: Option<&'a str>,
    /// Namespaces GraphiQL's local storage: tabs a browser kept from another demo (other
    /// ids, expired tokens) would otherwise replace this page's tabs.
    storage_key: String,
}

/// The HTML of the page.
pub fn html(page: &Page) -> String {
    let fingerprint = serde_json::to_vec(page).expect("a page serializes");
    let storage_key = Sha384::digest(&fingerprint)[..6]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let config = serde_json::to_string(&Config {
        endpoint: "/graphql",
        tabs: &page.tabs,
        headers: page.headers.as_deref(),
        storage_key,
    })
    .expect("the config serializes")
    // `<` only occurs inside JSON strings, where `\u003c` means the same; no query text can
    // then close the script element.
    .replace('<', "\\u003c");
    let (css, scripts) = SERVED.split_first().expect("assets");
    let scripts: String = scripts
        .iter()
        .map(|s| {
            format!(
                "<script src=\"{}\" integrity=\"{}\"></script>\n",
                s.url(),
                s.integrity
            )
        })
        .collect();
    include_str!("graphiql.html")
        .replace("{css_url}", &css.url())
        .replace("{css_integrity}", &css.integrity)
        .replace("{scripts}", &scripts)
        .replace("{config}", &config)
}

/// `GET /graphql`: the page with the tabs the server was started with (a [`Page`] extension;
/// without one, the default page).
pub async fn page(page: Option<Extension<Arc<Page>>>) -> Response {
    let html = match page {
        Some(Extension(page)) => html(&page),
        None => html(&Page::default()),
    };
    ([(header::CACHE_CONTROL, "no-cache")], Html(html)).into_response()
}

/// `GET /graphiql/assets/{hash}/{name}`: a vendored asset; 404 for an unknown name or a
/// hash of other bytes (a page from another build).
pub async fn asset(Path((hash, name)): Path<(String, String)>) -> Response {
    match SERVED
        .iter()
        .find(|s| s.asset.name == name && s.hash == hash)
    {
        Some(s) => (
            [
                (header::CONTENT_TYPE, s.asset.content_type),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            s.asset.bytes,
        )
            .into_response(),
        None => (
            StatusCode::NOT_FOUND,
            Json(serde_json::json!({ "error": "no such GraphiQL asset" })),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_names_every_asset_with_its_integrity_hash() {
        let html = html(&Page::default());
        for s in SERVED.iter() {
            assert!(html.contains(&s.url()), "{} missing", s.asset.name);
            assert!(
                html.contains(&s.integrity),
                "{} integrity missing",
                s.asset.name
            );
        }
        assert!(
            !html.contains("https://"),
            "the page must not load from the internet"
        );
    }

    #[test]
    fn query_text_cannot_close_the_config_script() {
        let page = Page {
            tabs: vec![Tab {
                query: "# </script><script>alert(1)</script>\n{ me { role } }".into(),
                variables: "{}".into(),
                headers: None,
            }],
            headers: None,
        };
        let html = html(&page);
        assert!(!html.contains("</script><script>alert"));
        assert!(html.contains("\\u003c/script>"));
    }

    #[tokio::test]
    async fn assets_are_served_by_hash_only() {
        let s = &SERVED[0];
        let ok = asset(Path((s.hash.clone(), s.asset.name.into()))).await;
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()[header::CONTENT_TYPE], s.asset.content_type);
        let stale = asset(Path(("0000000000000000".into(), s.asset.name.into()))).await;
        assert_eq!(stale.status(), StatusCode::NOT_FOUND);
    }
}
