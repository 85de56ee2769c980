//! The demo's example operations: what each role comes to Flywheel for (a brand's matches,
//! an explained content score, a shop's rating, a scout's prospects and funnel), on ids read
//! from the seeded database. `flywheel demo` prints them as `curl` commands, writes them to
//! `flywheel-examples.md` beside the database, and opens GraphiQL on them, each with the
//! token of the role that runs it.

use crate::auth::{Claims, JwtKeys, Role};
use crate::graphiql::{Page, Tab};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value, json};

/// Ids of the demo the examples are about.
#[derive(Debug, Clone)]
pub struct Subjects {
    /// The brand with the most collaborations, and the market most of them are in.
    pub brand: i64,
    pub brand_market: String,
    /// A scored video with room to improve (score 50-80 in a full cohort), and its creator.
    pub content: i64,
    pub creator: i64,
    /// A rated shop, B first (closest to the story of what it takes to reach A).
    pub shop: i64,
    /// The scout with the most pipeline entries: its id, its token subject, its markets (the
    /// busiest first).
    pub scout: i64,
    pub scout_subject: String,
    pub scout_markets: Vec<String>,
}

/// The first column of every row `sql` returns; an error when it returns none.
async fn column<T: sea_orm::TryGetable>(
    db: &DatabaseConnection,
    sql: String,
) -> anyhow::Result<Vec<T>> {
    let rows = db
        .query_all_raw(Statement::from_string(db.get_database_backend(), &sql))
        .await?;
    anyhow::ensure!(
        !rows.is_empty(),
        "the demo database is incomplete (nothing for `{sql}`); rerun with --reset"
    );
    Ok(rows
        .iter()
        .map(|row| row.try_get_by_index::<T>(0))
        .collect::<Result<_, _>>()?)
}

/// The first column of the first row.
async fn first<T: sea_orm::TryGetable>(db: &DatabaseConnection, sql: String) -> anyhow::Result<T> {
    Ok(column(db, sql).await?.swap_remove(0))
}

impl Subjects {
    /// Reads them from a seeded demo database.
    pub async fn read(db: &DatabaseConnection) -> anyhow::Result<Self> {
        let brand = first(db, "SELECT brand_id FROM collaboration GROUP BY brand_id ORDER BY COUNT(*) DESC, brand_id LIMIT 1".into()).await?;
        let brand_market = first(
            db,
            format!(
                "SELECT c.market_code FROM collaboration co JOIN creator c ON c.id = co.creator_id \
                 WHERE co.brand_id = {brand} GROUP BY c.market_code ORDER BY COUNT(*) DESC, c.market_code LIMIT 1"
            ),
        )
        .await?;
        let content = first(
            db,
            "SELECT content_id FROM content_score WHERE kind = 'video' AND score BETWEEN 50 AND 80 \
             AND peers >= 30 ORDER BY audience DESC, content_id LIMIT 1"
                .into(),
        )
        .await?;
        let creator = first(
            db,
            format!("SELECT creator_id FROM content WHERE id = {content}"),
        )
        .await?;
        let shop = first(
            db,
            "SELECT shop_id FROM shop_rating WHERE tier <> 'unrated' ORDER BY \
             CASE tier WHEN 'b' THEN 0 WHEN 'c' THEN 1 WHEN 'a' THEN 2 ELSE 3 END, overall DESC, shop_id LIMIT 1"
                .into(),
        )
        .await?;
        let scout = first(db, "SELECT scout_id FROM pipeline_entry GROUP BY scout_id ORDER BY COUNT(*) DESC, scout_id LIMIT 1".into()).await?;
        let scout_subject = first(
            db,
            format!("SELECT external_id FROM scout WHERE id = {scout}"),
        )
        .await?;
        let scout_markets = column(
            db,
            format!(
                "SELECT m.market_code FROM scout_market m LEFT JOIN pipeline_entry e \
                 ON e.scout_id = m.scout_id AND e.market_code = m.market_code WHERE m.scout_id = {scout} \
                 GROUP BY m.market_code ORDER BY COUNT(e.id) DESC, m.market_code"
            ),
        )
        .await?;
        Ok(Self {
            brand,
            brand_market,
            content,
            creator,
            shop,
            scout,
            scout_subject,
            scout_markets,
        })
    }
}

/// One example operation and the role whose token runs it.
#[derive(Debug, Clone)]
pub struct Example {
    pub title: &'static str,
    pub role: Role,
    pub query: &'static str,
    pub variables: Value,
}

const CONTENT_SCORE: &str = "\
query ContentScoreExplained($content: ID!, $creator: ID!) {
  content(id: $content) {
    title
    score {
      total confidence summary cohortLevel peers
      pool { index size nextSize scoreNeeded impressionsToCollect decision }
      components { name displayRate percentile points text }
      improvements { gain text }
    }
  }
  creator(id: $creator) {
    handle followers
    contentScore { score trimmedMean pieces priorMean priorShare penalty confidence }
  }
}
";

const BRAND_MATCHES: &str = "\
query BrandMatches($brand: ID!, $market: String!) {
  brand(id: $brand) {
    name
    creatorMatches(first: 5, filter: {market: $market, maxFollowers: 100000, ecommerceCapable: true}) {
      totalCount
      edges {
        node {
          score confidence explanation
          components { name share }
          creator {
            handle followers
            contentScore { score }
            ltv { pActive expectedSellingDays ltv { amountMinor currency } reason }
          }
        }
      }
    }
  }
}
";

const SHOP_RATING: &str = "\
query ShopRating($shop: ID!) {
  shop(id: $shop) {
    name
    rating {
      tier projectedTier overall asOf nextOfficialEvaluation explanation
      perks { trafficWeight productSelectionPriority settlementDays badge }
      dimensions { dimension score weight }
      improvements { metric targetTier value targetValue cleanEventsNeeded pointsAvailable advice }
    }
    ratingHistory(first: 6) { edges { node { asOf kind tier previousTier overall reasons } } }
  }
}
";

const SCOUT_PROSPECTS: &str = "\
query ScoutProspects($market: String!, $scout: ID!) {
  me { subject markets }
  prospectSuggestions(market: $market, first: 5) {
    totalCount
    edges { node {
      score why reach engagement sales ecommerce attributedOrders
      creator { handle followers ecommerceCapable }
    } }
  }
  funnel(market: $market, scoutId: $scout) {
    entries
    reached { state count }
    conversions { from to rate }
    medianDays { state medianDays }
    ecommerceCapableShare
  }
  pipeline(market: $market, scoutId: $scout, first: 5) {
    totalCount
    edges { node { state creator { handle } } }
  }
}
";

/// The examples, in the order GraphiQL's tabs show them: the admin's first, so the page
/// opens with the admin token in its headers.
pub fn examples(s: &Subjects) -> Vec<Example> {
    vec![
        Example {
            title: "A content score explained: components, traffic pool, what to improve",
            role: Role::Admin,
            query: CONTENT_SCORE,
            variables: json!({ "content": s.content.to_string(), "creator": s.creator.to_string() }),
        },
        Example {
            title: "A brand's creator matches, with reasons, content score and LTV",
            role: Role::Brand,
            query: BRAND_MATCHES,
            variables: json!({ "brand": s.brand.to_string(), "market": s.brand_market }),
        },
        Example {
            title: "A shop's rating, perks and what to fix for the next tier",
            role: Role::Shop,
            query: SHOP_RATING,
            variables: json!({ "shop": s.shop.to_string() }),
        },
        Example {
            title: "A scout's prospect suggestions, funnel and pipeline",
            role: Role::Scout,
            query: SCOUT_PROSPECTS,
            variables: json!({ "market": s.scout_markets[0], "scout": s.scout.to_string() }),
        },
    ]
}

/// The shell variable holding a role's token (`export BRAND=...`).
pub fn token_var(role: Role) -> &'static str {
    match role {
        Role::Admin => "ADMIN",
        Role::Brand => "BRAND",
        Role::Scout => "SCOUT",
        Role::Shop => "SHOP",
    }
}

/// Quotes for a POSIX shell: inside single quotes nothing is special but the quote itself.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

impl Example {
    /// The request body: the query on one line (GraphQL needs no newlines) and the variables.
    pub fn body(&self) -> Value {
        let query = self.query.split_whitespace().collect::<Vec<_>>().join(" ");
        json!({ "query": query, "variables": self.variables })
    }

    /// A `curl` command that runs the example with the role's exported token.
    pub fn curl(&self, url: &str) -> String {
        format!(
            "curl -s {url} -H \"Authorization: Bearer ${}\" -H 'Content-Type: application/json' \\\n  -d {}",
            token_var(self.role),
            shell_quote(&self.body().to_string())
        )
    }

    /// The example as a GraphiQL tab, signed with `token`.
    fn tab(&self, token: &str) -> Tab {
        Tab {
            query: format!(
                "# {}, as {}\n{}",
                self.title,
                token_var(self.role),
                self.query
            ),
            variables: serde_json::to_string_pretty(&self.variables).expect("JSON"),
            headers: Some(json!({ "Authorization": format!("Bearer {token}") }).to_string()),
        }
    }
}

/// A token per role.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub admin: String,
    pub brand: String,
    pub shop: String,
    pub scout: String,
}

impl Tokens {
    /// Week-long tokens scoped to the examples' subjects, with the subjects `flywheel token`
    /// gives, except the scout's: the seeded scout's external id, so that its pipeline is
    /// that scout's.
    pub fn mint(keys: &JwtKeys, s: &Subjects) -> anyhow::Result<Self> {
        let now = chrono::Utc::now().timestamp();
        let claims = |role, sub: String| Claims {
            sub,
            role,
            brand_id: None,
            shop_id: None,
            markets: None,
            exp: now + 7 * 24 * 3600,
            iat: now,
        };
        Ok(Self {
            admin: keys.mint(&claims(Role::Admin, "admin".into()))?,
            brand: keys.mint(&Claims {
                brand_id: Some(s.brand.to_string()),
                ..claims(Role::Brand, format!("brand:{}", s.brand))
            })?,
            shop: keys.mint(&Claims {
                shop_id: Some(s.shop.to_string()),
                ..claims(Role::Shop, format!("shop:{}", s.shop))
            })?,
            scout: keys.mint(&Claims {
                markets: Some(s.scout_markets.clone()),
                ..claims(Role::Scout, s.scout_subject.clone())
            })?,
        })
    }

    /// The role's token.
    pub fn of(&self, role: Role) -> &str {
        match role {
            Role::Admin => &self.admin,
            Role::Brand => &self.brand,
            Role::Shop => &self.shop,
            Role::Scout => &self.scout,
        }
    }
}

/// GraphiQL's page: a tab per example, new tabs with the admin token.
pub fn page(examples: &[Example], tokens: &Tokens) -> Page {
    Page {
        tabs: examples.iter().map(|e| e.tab(tokens.of(e.role))).collect(),
        headers: Some(
            json!({ "Authorization": format!("Bearer {}", tokens.of(Role::Admin)) }).to_string(),
        ),
    }
}

/// The `export` lines for the tokens, each with what it is scoped to.
pub fn exports(tokens: &Tokens, s: &Subjects) -> String {
    [Role::Admin, Role::Brand, Role::Shop, Role::Scout]
        .into_iter()
        .map(|role| {
            let scope = match role {
                Role::Admin => "everything".to_owned(),
                Role::Brand => format!("brand {}", s.brand),
                Role::Shop => format!("shop {}", s.shop),
                Role::Scout => format!(
                    "scout {} ({}), markets {}",
                    s.scout,
                    s.scout_subject,
                    s.scout_markets.join(",")
                ),
            };
            format!(
                "export {}={}   # {scope}\n",
                token_var(role),
                tokens.of(role)
            )
        })
        .collect()
}

/// The examples as Markdown: the tokens, then each example's operation, variables and curl.
pub fn markdown(examples: &[Example], tokens: &Tokens, s: &Subjects, url: &str) -> String {
    let mut out = format!(
        "# Flywheel demo examples\n\nGraphiQL at {url} opens with these as tabs. In a shell, \
         export the tokens (valid 7 days), then run any `curl` below.\n\n```sh\n{}```\n",
        exports(tokens, s)
    );
    for e in examples {
        out += &format!(
            "\n## {} ({})\n\n```graphql\n{}```\n\nVariables: `{}`\n\n```sh\n{}\n```\n",
            e.title,
            token_var(e.role),
            e.query,
            e.variables,
            e.curl(url)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_bodies_survive_the_shell() {
        let example = Example {
            title: "t",
            role: Role::Brand,
            query: "query Q($x: String!) {\n  me { role }\n}\n",
            variables: json!({ "x": "it's" }),
        };
        let curl = example.curl("http://h/graphql");
        assert!(curl.contains("$BRAND"));
        assert!(curl.ends_with(
            r#"-d '{"query":"query Q($x: String!) { me { role } }","variables":{"x":"it'\''s"}}'"#
        ));
    }
}
