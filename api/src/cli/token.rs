//! `flywheel token`: mint a bearer token.

use super::{DEMO_SECRET, JwtArgs};
use crate::auth::{Claims, Role};
use clap::Args;

/// What the token grants.
#[derive(Args, Debug)]
pub struct TokenArgs {
    /// The caller's role.
    #[arg(long, value_enum)]
    pub role: Role,
    /// For brands: the brand id.
    #[arg(long, required_if_eq("role", "brand"))]
    pub brand_id: Option<i64>,
    /// For shops: the shop id.
    #[arg(long, required_if_eq("role", "shop"))]
    pub shop_id: Option<i64>,
    /// For scouts: comma-separated market codes.
    #[arg(long, value_delimiter = ',', required_if_eq("role", "scout"))]
    pub markets: Vec<String>,
    /// The subject (who the caller is); defaults to role:id.
    #[arg(long)]
    pub subject: Option<String>,
    /// Hours until the token expires.
    #[arg(long, default_value_t = 24)]
    pub ttl_hours: i64,
    #[command(flatten)]
    pub jwt: JwtArgs,
}

/// The claims for the arguments, expiring `ttl_hours` from now.
pub fn claims(args: &TokenArgs) -> Claims {
    let now = chrono::Utc::now().timestamp();
    let role_name = args.role.name();
    let scope = args.brand_id.or(args.shop_id).map(|id| id.to_string());
    Claims {
        sub: args.subject.clone().unwrap_or_else(|| match &scope {
            Some(id) => format!("{role_name}:{id}"),
            None if !args.markets.is_empty() => format!("{role_name}:{}", args.markets.join("+")),
            None => role_name.to_owned(),
        }),
        role: args.role,
        brand_id: args.brand_id.map(|id| id.to_string()),
        shop_id: args.shop_id.map(|id| id.to_string()),
        markets: (!args.markets.is_empty()).then(|| args.markets.clone()),
        exp: now + args.ttl_hours * 3600,
        iat: now,
    }
}

/// Prints a token.
pub fn run(args: TokenArgs) -> anyhow::Result<()> {
    if args.jwt.jwt_secret.is_none() {
        eprintln!("note: FLYWHEEL_JWT_SECRET is not set; signing with the demo secret");
    }
    let keys = args.jwt.keys(Some(DEMO_SECRET))?;
    println!("{}", keys.mint(&claims(&args))?);
    Ok(())
}
