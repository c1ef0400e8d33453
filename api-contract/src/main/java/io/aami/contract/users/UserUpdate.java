package io.aami.contract.users;

/** Body of {@code PUT /api/v1/users/{id}}: a new role and/or the disabled flag; a null field is left as it is. */
public record UserUpdate(String role, Boolean disabled) {
}
