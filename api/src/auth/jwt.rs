//! Bearer JWTs: HS256 with a shared secret (and minting), or RS256/ES256 verified with a public
//! key file for deployments where another service issues tokens. `exp` is always required.

use super::{Caller, Role};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// The claims Flywheel reads.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub brand_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shop_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub markets: Option<Vec<String>>,
    pub exp: i64,
    #[serde(default)]
    pub iat: i64,
}

/// Longest token verified: far above any real one, so a megabyte header costs no decoding.
const MAX_TOKEN_BYTES: usize = 4_096;

/// Where verification keys come from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// HS256 with this secret; also lets `flywheel token` mint.
    Secret(String),
    /// RS256 or ES256 with a PEM public key (verification only).
    PublicKey { algorithm: Algorithm, pem: Vec<u8> },
}

/// Ready-made keys for verifying (and, with a secret, minting) tokens.
#[derive(Clone)]
pub struct JwtKeys {
    decoding: DecodingKey,
    encoding: Option<EncodingKey>,
    validation: Validation,
}

impl JwtKeys {
    /// Builds keys from their source; a bad PEM is a configuration error.
    pub fn new(source: &KeySource) -> anyhow::Result<Self> {
        let (decoding, encoding, algorithm) = match source {
            KeySource::Secret(secret) => (
                DecodingKey::from_secret(secret.as_bytes()),
                Some(EncodingKey::from_secret(secret.as_bytes())),
                Algorithm::HS256,
            ),
            KeySource::PublicKey { algorithm, pem } => {
                let key = match algorithm {
                    Algorithm::RS256 => DecodingKey::from_rsa_pem(pem)?,
                    Algorithm::ES256 => DecodingKey::from_ec_pem(pem)?,
                    other => {
                        anyhow::bail!("unsupported JWT algorithm {other:?}; use RS256 or ES256")
                    }
                };
                (key, None, *algorithm)
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 30;
        Ok(Self {
            decoding,
            encoding,
            validation,
        })
    }

    /// Signs claims (HS256 only).
    pub fn mint(&self, claims: &Claims) -> anyhow::Result<String> {
        let key = self
            .encoding
            .as_ref()
            .ok_or_else(|| anyhow::anyhow!("minting needs the HS256 secret (--jwt-secret)"))?;
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            claims,
            key,
        )?)
    }

    /// Verifies a token and turns its claims into a caller, checking that the role's scope
    /// claim is present and well-formed.
    pub fn verify(&self, token: &str) -> Result<Caller, String> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(format!(
                "the bearer token is longer than {MAX_TOKEN_BYTES} bytes"
            ));
        }
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| format!("invalid bearer token: {}", why(&e)))?;
        caller_from(data.claims)
    }
}

/// Why a token was refused, in words (the library's own display is its variant's name).
fn why(err: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match err.kind() {
        ErrorKind::ExpiredSignature => "it has expired".into(),
        ErrorKind::ImmatureSignature => "it is not valid yet (nbf)".into(),
        ErrorKind::InvalidSignature => "its signature does not match this server's key".into(),
        ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
            "it is signed with an algorithm this server does not accept".into()
        }
        ErrorKind::MissingRequiredClaim(claim) => format!("it has no `{claim}` claim"),
        ErrorKind::Json(e) => format!("its claims are not what a Flywheel token holds ({e})"),
        ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Utf8(_) => {
            "it is not a well-formed JWT".into()
        }
        _ => "it could not be verified".into(),
    }
}

fn parse_id(claim: &str, value: Option<String>) -> Result<Option<i64>, String> {
    value
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| format!("claim {claim} must be an id, got {v:?}"))
        })
        .transpose()
}

fn caller_from(claims: Claims) -> Result<Caller, String> {
    let brand_id = parse_id("brand_id", claims.brand_id)?;
    let shop_id = parse_id("shop_id", claims.shop_id)?;
    let markets = claims.markets.unwrap_or_default();
    let missing = match claims.role {
        Role::Brand if brand_id.is_none() => Some("brand_id"),
        Role::Shop if shop_id.is_none() => Some("shop_id"),
        Role::Scout if markets.is_empty() => Some("markets"),
        _ => None,
    };
    if let Some(claim) = missing {
        return Err(format!(
            "a {} token needs the {claim} claim",
            claims.role.name()
        ));
    }
    Ok(Caller {
        subject: claims.sub,
        role: claims.role,
        brand_id,
        shop_id,
        markets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(role: Role, exp: i64) -> Claims {
        Claims {
            sub: "t".into(),
            role,
            brand_id: Some("7".into()),
            shop_id: None,
            markets: None,
            exp,
            iat: 0,
        }
    }

    #[test]
    fn round_trip_and_expiry() {
        let keys = JwtKeys::new(&KeySource::Secret("s3cret".into())).unwrap();
        let now = chrono::Utc::now().timestamp();
        let token = keys.mint(&claims(Role::Brand, now + 60)).unwrap();
        assert_eq!(keys.verify(&token).unwrap().brand_id, Some(7));
        let expired = keys.mint(&claims(Role::Brand, now - 3600)).unwrap();
        assert!(keys.verify(&expired).unwrap_err().contains("expired"));
        let other = JwtKeys::new(&KeySource::Secret("other".into())).unwrap();
        assert!(other.verify(&token).is_err());
    }

    /// A token with this header and claims, signed HS256 with `secret` (or unsigned).
    fn forge(
        header: serde_json::Value,
        claims: serde_json::Value,
        secret: Option<&[u8]>,
    ) -> String {
        use base64::Engine;
        use jsonwebtoken::crypto::sign;
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let body = format!(
            "{}.{}",
            b64.encode(header.to_string()),
            b64.encode(claims.to_string())
        );
        match secret {
            Some(s) => {
                let sig = sign(
                    body.as_bytes(),
                    &EncodingKey::from_secret(s),
                    Algorithm::HS256,
                );
                format!("{body}.{}", sig.unwrap())
            }
            None => format!("{body}."),
        }
    }

    #[test]
    fn hostile_tokens_are_refused() {
        let secret = b"s3cret-of-enough-length";
        let keys =
            JwtKeys::new(&KeySource::Secret(String::from_utf8_lossy(secret).into())).unwrap();
        let exp = chrono::Utc::now().timestamp() + 600;
        let hs = serde_json::json!({"alg": "HS256", "typ": "JWT"});
        let admin = serde_json::json!({"sub": "x", "role": "admin", "exp": exp});
        assert!(
            keys.verify(&forge(hs.clone(), admin.clone(), Some(secret)))
                .is_ok()
        );
        let none = forge(serde_json::json!({"alg": "none"}), admin.clone(), None);
        assert!(keys.verify(&none).is_err(), "alg none");
        let wrong = forge(hs.clone(), admin.clone(), Some(b"another-secret-entirely"));
        assert!(
            keys.verify(&wrong)
                .unwrap_err()
                .contains("signature does not match")
        );
        let no_exp = serde_json::json!({"sub": "x", "role": "admin"});
        assert!(
            keys.verify(&forge(hs.clone(), no_exp, Some(secret)))
                .unwrap_err()
                .contains("exp")
        );
        // A brand token whose role was edited to admin after signing.
        let brand = forge(
            hs.clone(),
            serde_json::json!({"sub": "x", "role": "brand", "brand_id": "1", "exp": exp}),
            Some(secret),
        );
        let mut parts: Vec<String> = brand.split('.').map(str::to_owned).collect();
        parts[1] = forge(hs.clone(), admin.clone(), None)
            .split('.')
            .nth(1)
            .unwrap()
            .to_owned();
        assert!(keys.verify(&parts.join(".")).is_err(), "tampered role");
        let unknown_role = serde_json::json!({"sub": "x", "role": "root", "exp": exp});
        assert!(
            keys.verify(&forge(hs.clone(), unknown_role, Some(secret)))
                .is_err()
        );
        let scout = serde_json::json!({"sub": "x", "role": "scout", "exp": exp});
        assert!(
            keys.verify(&forge(hs.clone(), scout, Some(secret)))
                .unwrap_err()
                .contains("markets")
        );
        let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert!(keys.verify(&huge).unwrap_err().contains("longer than"));
    }

    #[test]
    fn an_rs256_server_refuses_hs256_signed_with_its_public_key() {
        let pem = include_bytes!("testdata/rsa_public.pem");
        let keys = JwtKeys::new(&KeySource::PublicKey {
            algorithm: Algorithm::RS256,
            pem: pem.to_vec(),
        })
        .unwrap();
        let exp = chrono::Utc::now().timestamp() + 600;
        let forged = forge(
            serde_json::json!({"alg": "HS256", "typ": "JWT"}),
            serde_json::json!({"sub": "x", "role": "admin", "exp": exp}),
            Some(pem),
        );
        assert!(
            keys.verify(&forged)
                .unwrap_err()
                .contains("algorithm this server does not accept")
        );
    }

    #[test]
    fn scope_claims_are_required() {
        let keys = JwtKeys::new(&KeySource::Secret("s".into())).unwrap();
        let mut c = claims(Role::Shop, chrono::Utc::now().timestamp() + 60);
        let err = keys.verify(&keys.mint(&c).unwrap()).unwrap_err();
        assert!(err.contains("shop_id"), "{err}");
        c.shop_id = Some("x".into());
        assert!(
            keys.verify(&keys.mint(&c).unwrap())
                .unwrap_err()
                .contains("must be an id")
        );
    }

    /// A throwaway P-256 key pair, for the test only.
    const EC_PRIVATE: &str = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgcFZsFCxsEPthclXo\neucbrUDV5Mm6WDJusUbASFgX0/OhRANCAAR0SqhBDf8rz5kSId7S1w7rAHvvXtl0\n5u9Bl2Ex+xRJp12JgyTO2kIirStzWOiDrpwg+Me434aSMm/VSJuyhbdZ\n-----END PRIVATE KEY-----";
    const EC_PUBLIC: &str = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEdEqoQQ3/K8+ZEiHe0tcO6wB7717Z\ndObvQZdhMfsUSaddiYMkztpCIq0rc1jog66cIPjHuN+GkjJv1UibsoW3WQ==\n-----END PUBLIC KEY-----";

    #[test]
    fn es256_tokens_issued_elsewhere_verify_with_the_public_key() {
        let keys = JwtKeys::new(&KeySource::PublicKey {
            algorithm: Algorithm::ES256,
            pem: EC_PUBLIC.as_bytes().to_vec(),
        })
        .unwrap();
        let signing = EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).unwrap();
        let c = claims(Role::Brand, chrono::Utc::now().timestamp() + 60);
        let token = jsonwebtoken::encode(&Header::new(Algorithm::ES256), &c, &signing).unwrap();
        assert_eq!(keys.verify(&token).unwrap().brand_id, Some(7));
        assert!(keys.mint(&c).is_err(), "a public key cannot mint");
        let hs = JwtKeys::new(&KeySource::Secret("s3cret".into()))
            .unwrap()
            .mint(&c)
            .unwrap();
        assert!(
            keys.verify(&hs).is_err(),
            "an HS256 token is refused by an ES256 verifier"
        );
    }
}
