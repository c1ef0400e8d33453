package io.aami.server.users;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The last enabled admin can be neither demoted, disabled nor deleted: not one by one, not by a race. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LastAdminTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();

    private static String admin(String name) {
        Api.Reply r = api.post("/api/v1/users", Map.of("name", name, "role", "admin", "password", "correct horse battery"), ADMIN);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    @Test
    @Order(1)
    void theLastEnabledAdminStays() {
        String a = admin("root-a");
        String b = admin("root-b");
        assertThat(api.put("/api/v1/users/" + a, Map.of("role", "operator"), ADMIN).status()).isEqualTo(200);
        for (Api.Reply refused : List.of(api.put("/api/v1/users/" + b, Map.of("role", "viewer"), ADMIN),
                api.put("/api/v1/users/" + b, Map.of("disabled", true), ADMIN),
                api.delete("/api/v1/users/" + b, ADMIN))) {
            assertThat(refused.status()).as(refused.toString()).isEqualTo(409);
            assertThat(refused.json().get("code").asText()).isEqualTo("LAST_ADMIN");
        }
        assertThat(api.get("/api/v1/users/" + b, ADMIN).json().get("role").asText()).isEqualTo("admin");
        // A disabled admin does not count: enabling another admin first makes the change possible.
        assertThat(api.put("/api/v1/users/" + a, Map.of("role", "admin"), ADMIN).status()).isEqualTo(200);
        assertThat(api.delete("/api/v1/users/" + b, ADMIN).status()).isEqualTo(204);
        assertThat(api.put("/api/v1/users/" + a, Map.of("disabled", true), ADMIN).json().get("code").asText()).isEqualTo("LAST_ADMIN");
        assertThat(api.delete("/api/v1/users/" + a, ADMIN).status()).isEqualTo(409);
    }

    /** Two admins demoting each other at the same moment: one wins, one admin remains. */
    @Test
    @Order(2)
    void twoConcurrentDemotionsLeaveOneAdmin() throws Exception {
        for (int round = 0; round < 5; round++) {
            String a = admin("race-a" + round);
            String b = admin("race-b" + round);
            List<String> others = api.get("/api/v1/users", ADMIN).json().findValuesAsText("id");
            // Only a and b are enabled admins for this round.
            for (String id : others) {
                if (!id.equals(a) && !id.equals(b)) {
                    api.put("/api/v1/users/" + id, Map.of("role", "viewer"), ADMIN);
                }
            }
            CountDownLatch go = new CountDownLatch(1);
            CompletableFuture<Integer> one = CompletableFuture.supplyAsync(() -> demote(go, a));
            CompletableFuture<Integer> two = CompletableFuture.supplyAsync(() -> demote(go, b));
            go.countDown();
            assertThat(List.of(one.get(), two.get())).as("round " + round).containsExactlyInAnyOrder(200, 409);
            long admins = api.get("/api/v1/users", ADMIN).json().findValuesAsText("role").stream().filter("admin"::equals).count();
            assertThat(admins).isEqualTo(1);
        }
    }

    private static int demote(CountDownLatch go, String id) {
        try {
            go.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return api.put("/api/v1/users/" + id, Map.of("role", "operator"), ADMIN).status();
    }
}
