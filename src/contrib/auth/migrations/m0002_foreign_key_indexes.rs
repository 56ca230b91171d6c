//! Migration auth.0002_foreign_key_indexes, frozen: the foreign key columns of the link tables
//! get the index Django gives every foreign key.

use crate::migrations::prelude::*;

fn fk(name: &str, to_table: &str) -> Field {
    Field::new(name, FieldType::Integer)
        .foreign_key(to_table, "id", OnDelete::Cascade)
        .db_index()
}

/// Alter field user_groups.user_id, user_groups.group_id, user_permissions.user_id,
/// user_permissions.permission_id, group_permissions.group_id, group_permissions.permission_id
pub fn migration() -> Migration {
    Migration::new("auth", "0002_foreign_key_indexes")
        .depends_on(&[("auth", "0001_initial")])
        .operations(vec![
            Operation::alter_field("user_groups", fk("user_id", "roan_auth_user")),
            Operation::alter_field("user_groups", fk("group_id", "roan_auth_group")),
            Operation::alter_field("user_permissions", fk("user_id", "roan_auth_user")),
            Operation::alter_field(
                "user_permissions",
                fk("permission_id", "roan_auth_permission"),
            ),
            Operation::alter_field("group_permissions", fk("group_id", "roan_auth_group")),
            Operation::alter_field(
                "group_permissions",
                fk("permission_id", "roan_auth_permission"),
            ),
        ])
}
