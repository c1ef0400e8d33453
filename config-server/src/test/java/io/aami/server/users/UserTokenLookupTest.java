package io.aami.server.users;

import io.aami.common.json.WireJson;
import io.aami.server.audit.AuditStore;
import io.aami.server.audit.AuditTrail;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aami.server.db.DataAccessException;
import io.aami.server.db.Database;
import io.aami.server.security.Secrets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A bearer token that cannot be a user token by its form is refused before any query: the service here has a
 * database that cannot be reached (a closed pool), so any query would throw. A well-formed one does query.
 */
class UserTokenLookupTest {
    @Test
    void aMalformedTokenCostsNoQuery() {
        Database closed = Database.connect("jdbc:postgresql://127.0.0.1:9/none", "nobody", "none", 1);
        closed.close();
        UserTokenStore store = new UserTokenStore();
        UserTokenService service = new UserTokenService(closed, new UserStore(), store, new TokenUses(closed, store),
                new Secrets(new SecureRandom()),
                new AuditTrail(new AuditStore(), WireJson.mapper(), Clock.systemUTC()), Clock.systemUTC());
        String wellFormed = UserTokenFormat.format(UUID.randomUUID(), "a".repeat(UserTokenFormat.SECRET_LENGTH));

        for (String bad : new String[] {null, "", "aami_u_", wellFormed + "a", wellFormed.substring(1), wellFormed.toUpperCase(),
                wellFormed.replace("_a", "-a"), "aami_admin_0123456789", "x".repeat(100_000)}) {
            assertThat(service.authenticate(bad)).as(String.valueOf(bad)).isEmpty();
        }
        assertThatThrownBy(() -> service.authenticate(wellFormed)).isInstanceOf(DataAccessException.class);
    }

    @Test
    void theIdInTheTokenIsTheRowsId() {
        UUID id = UUID.randomUUID();
        String token = UserTokenFormat.format(id, "b".repeat(UserTokenFormat.SECRET_LENGTH));
        assertThat(token).hasSize(UserTokenFormat.PREFIX.length() + 33 + UserTokenFormat.SECRET_LENGTH);
        assertThat(UserTokenFormat.id(token)).contains(id);
    }
}
