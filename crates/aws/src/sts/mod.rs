//! AWS STS: [`caller_identity`], whose credentials these are ([`StsIdentity`]).

pub mod caller_identity;

pub use caller_identity::StsIdentity;
