package io.aami.server.users;

import io.aami.common.json.WireJson;
import io.aami.server.audit.Actor;
import io.aami.server.audit.AuditStore;
import io.aami.server.audit.AuditTrail;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.contract.users.UserRequest;
import io.aami.contract.users.UserUpdate;
import io.aami.server.db.Database;
import io.aami.server.db.Migrations;
import io.aami.server.security.PasswordHasher;
import io.aami.server.security.Principal;
import io.aami.server.security.Role;
import io.aami.server.testing.TestDatabase;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Name and password (what the console's login will call): the right password of an enabled user only; an
 * unknown name costs the same Argon2 work as a known one, so timing does not enumerate names.
 */
class UserLoginTest {
    static final Actor ADMIN = Actor.of(Principal.breakGlass(), "127.0.0.1");
    static Database db;
    static UserService users;

    @BeforeAll
    static void database() {
        TestDatabase.Coordinates c = TestDatabase.fresh();
        db = Database.connect(c.url(), c.user(), c.password(), 2);
        new Migrations(db, Clock.systemUTC()).migrate(Duration.ofSeconds(30));
        users = new UserService(db, new UserStore(), new UserTokenStore(), new PasswordHasher(new SecureRandom()),
                new AuditTrail(new AuditStore(), WireJson.mapper(), Clock.systemUTC()), Clock.systemUTC());
    }

    @AfterAll
    static void close() {
        db.close();
    }

    @Test
    void onlyTheRightPasswordOfAnEnabledUser() {
        UUID id = users.create(ADMIN, new UserRequest("Olivia", "operator", "correct horse battery")).id();
        Principal p = users.authenticate("olivia", "correct horse battery").orElseThrow();
        assertThat(p.userId()).isEqualTo(id);
        assertThat(p.role()).isEqualTo(Role.OPERATOR);
        assertThat(users.authenticate("olivia", "correct horse batter")).isEmpty();
        assertThat(users.authenticate("olivia", null)).isEmpty();
        users.update(ADMIN, id, new UserUpdate(null, true));
        assertThat(users.authenticate("olivia", "correct horse battery")).as("disabled").isEmpty();
    }

    @Test
    void anUnknownNameCostsTheSameWorkAsAKnownOne() {
        users.create(ADMIN, new UserRequest("peggy", "viewer", "correct horse battery"));
        long known = fastest(() -> users.authenticate("peggy", "wrong password here"));
        long unknown = fastest(() -> users.authenticate("nobody-" + UUID.randomUUID(), "wrong password here"));
        // Argon2 with 19 MiB takes tens of milliseconds; without the dummy hash an unknown name answers in one query.
        assertThat(unknown).as("unknown %d ns vs known %d ns", unknown, known).isGreaterThan(known / 3);
    }

    private static long fastest(Runnable r) {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, System.nanoTime() - t);
        }
        return best;
    }
}
