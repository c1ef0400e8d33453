package io.aami.server.tokens;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.aami.contract.ErrorCode;
import io.aami.contract.tokens.BootstrapTokenView;
import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditTrail;
import io.aami.server.audit.Change;
import io.aami.server.error.ApiException;
import io.aami.server.groups.GroupDeletionStep;
import io.aami.server.targets.TargetStore;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A group's deletion takes its bootstrap tokens that can no longer enroll anyone (revoked, expired or used up)
 * with it, each deletion audited; one token that still can refuses the whole deletion (409 {@code IN_USE},
 * naming how many and which): deleting the group must not silently disarm or re-scope a live credential, and
 * a scoped token is never made unscoped (broader) by nulling its group.
 */
final class GroupTokenCleanup implements GroupDeletionStep {
    private static final int IDS_SHOWN = 5;

    private final BootstrapTokenStore store;
    private final TargetStore targets;
    private final AuditTrail audit;
    private final Clock clock;

    GroupTokenCleanup(BootstrapTokenStore store, TargetStore targets, AuditTrail audit, Clock clock) {
        this.store = store;
        this.targets = targets;
        this.audit = audit;
        this.clock = clock;
    }

    /**
     * The audited state of a deleted token: its view and the targets it enrolled that are not revoked, the
     * provenance {@code revoke_agents} used and the deletion erases (targets forget a deleted token's id).
     */
    record Deleted(@JsonProperty("bootstrap_token") BootstrapTokenView token,
                   @JsonProperty("enrolled_targets") List<UUID> enrolledTargets) {
    }

    @Override
    public void beforeDelete(Connection c, Actor actor, UUID groupId) throws SQLException {
        Instant now = clock.instant();
        // No token can join the group meanwhile: an insert naming it waits for the group's row, locked by the caller.
        List<BootstrapToken> tokens = store.inGroup(c, groupId);
        List<String> live = tokens.stream().filter(t -> canEnroll(t, now)).map(BootstrapToken::id).toList();
        if (!live.isEmpty()) {
            throw refusal(groupId, live);
        }
        for (BootstrapToken t : tokens) {
            List<UUID> enrolled = targets.enrolledBy(c, t.id());
            if (!store.deleteDead(c, t.id(), now)) {
                throw refusal(groupId, List.of(t.id())); // cannot happen: a dead token never comes back to life
            }
            audit.record(c, actor, Change.deleted(Change.BOOTSTRAP_TOKEN, t.id(), new Deleted(t.view(now, null), enrolled)));
        }
    }

    private static ApiException refusal(UUID groupId, List<String> live) {
        return new ApiException(ErrorCode.IN_USE, "group " + groupId + " has " + live.size() + " bootstrap token"
                + (live.size() == 1 ? "" : "s") + " that can still enroll agents (" + shown(live)
                + "); revoke " + (live.size() == 1 ? "it" : "them") + " first (DELETE /api/v1/bootstrap-tokens/{id})");
    }

    private static boolean canEnroll(BootstrapToken t, Instant now) {
        return !t.revoked() && !t.expired(now) && !t.exhausted();
    }

    private static String shown(List<String> ids) {
        String head = String.join(", ", ids.subList(0, Math.min(IDS_SHOWN, ids.size())));
        return ids.size() > IDS_SHOWN ? head + ", …" : head;
    }
}
