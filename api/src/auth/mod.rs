//! Who is calling and what it may do: bearer JWTs, the four roles and their scopes, and the
//! access policy (`policy.rs`) every resolver asks. Deny by default: a field reaches only the
//! roles its guard's [`Policy`] admits.

mod caller;
mod jwt;
mod policy;
mod scope;

pub use caller::{Authentication, Caller, Role, caller};
pub use jwt::{Claims, JwtKeys, KeySource};
pub use policy::Policy;
pub use scope::ScopeCheck;
