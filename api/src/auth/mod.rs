//! Who is calling: bearer JWTs, the four roles and their scopes, and the guard every resolver
//! uses. Deny by default: a field without an allowing guard is unreachable.

mod caller;
pub mod guard;
mod jwt;
mod scope;

pub use caller::{Caller, Role};
pub use guard::{RoleGuard, caller};
pub use jwt::{Claims, JwtKeys, KeySource};
pub use scope::ScopeCheck;
