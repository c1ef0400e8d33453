package io.aami.contract.audit;

import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.UUID;

/**
 * One change made through the admin API ({@code GET /api/v1/audit}), newest first. {@code before} and
 * {@code after} are the object's state as JSON (null when it did not exist), with every secret left out: no
 * password, hash, token secret or key; a check's script by its SHA-256 and size, its {@code env} by names only.
 *
 * @param id            the event's number: larger is later; pass the last one seen as {@code after} for the next page
 * @param actorKind     {@code user} or {@code break_glass} (the configured admin token)
 * @param actorId       the user's id; null for the admin token
 * @param actorName     the user's name at the time, or {@code admin-token}
 * @param sourceAddress the address the request came from (the TCP peer)
 * @param action        {@code create}, {@code update}, {@code delete}, {@code revoke}, {@code set_password}
 * @param objectType    {@code group}, {@code target}, {@code check}, {@code probe}, {@code bootstrap_token},
 *                      {@code user}, {@code user_token}
 */
public record AuditEventView(long id, Instant at, String actorKind, UUID actorId, String actorName, String sourceAddress,
                             String action, String objectType, String objectId, @JsonRawValue String before,
                             @JsonRawValue String after) {
}
