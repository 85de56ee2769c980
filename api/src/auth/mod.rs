//! Who is calling: bearer JWTs, the four roles and their scopes, and the guard every resolver
//! uses. Deny by default: a field without an allowing guard is unreachable.

mod caller;
pub mod guard;
mod jwt;

pub use caller::{Caller, Role};
pub use guard::{RoleGuard, caller};
pub use jwt::{Claims, JwtKeys, KeySource};
