package io.aami.contract.users;

import java.util.UUID;

/**
 * {@code GET /api/v1/me}: who the credential acts as. {@code kind} is {@code user} (then {@code user_id} and
 * {@code name} are set) or {@code break_glass} (the admin token); {@code role} is the role it acts with now.
 */
public record Caller(String kind, UUID userId, String name, String role) {
}
