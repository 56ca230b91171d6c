//! Models: the metadata roan reads from sea-orm entities, shared by migrations and (later) the
//! admin, forms and the shell.
//!
//! An app registers its entities with [`crate::App::model`]; roan derives each model's table,
//! fields (type, null, unique, default, primary key, max length, index) and foreign keys.

pub mod connect;
pub mod display;
mod entity;
mod expressions;
pub mod fixtures;
pub mod introspect;
mod meta;
pub mod objects;
pub mod query;

pub use connect::connect;
pub use entity::{model_named, model_of};
pub use expressions::F;
pub use meta::{
    DefaultValue, Field, FieldType, ForeignKey, Index, ManyToMany, ModelState, OnDelete,
};
