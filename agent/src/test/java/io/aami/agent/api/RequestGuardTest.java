package io.aami.agent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.Headers;
import io.aami.agent.config.AgentConfig;
import org.junit.jupiter.api.Test;

/** The Host rule when the API listens beyond loopback (behind api.token); the loopback case runs in LocalApiBrowserAttackTest. */
class RequestGuardTest {
    private static Headers host(String value) {
        Headers h = new Headers();
        h.add("Host", value);
        return h;
    }

    private static void refused(RequestGuard guard, String hostHeader) {
        assertThatThrownBy(() -> guard.checkOrigin(host(hostHeader))).as(hostHeader).isInstanceOfSatisfying(LocalApiException.class,
                e -> assertThat(e.status()).isEqualTo(421));
    }

    @Test
    void aTokenGuardedListenAddressIsAlsoAValidHost() {
        RequestGuard guard = RequestGuard.forApi(new AgentConfig.Api("10.1.2.3", 8469, "t0ken"));
        guard.checkOrigin(host("10.1.2.3:8469"));
        guard.checkOrigin(host("127.0.0.1:8469"));
        refused(guard, "10.1.2.4:8469");
        refused(guard, "evil.example");
    }

    /**
     * {@code api.listen: 10.1} binds 10.0.0.1, which the heartbeat reports and Prometheus then sends as Host: the
     * address bound counts, in any literal spelling, and no other address does.
     */
    @Test
    void theAddressBoundIsAValidHostHoweverTheListenHostSpellsIt() throws Exception {
        RequestGuard guard = RequestGuard.forApi(new AgentConfig.Api("10.1", 8469, "t0ken"), java.net.InetAddress.getByName("10.1"));
        guard.checkOrigin(host("10.0.0.1:8469"));
        guard.checkOrigin(host("10.1:8469"));
        guard.checkOrigin(host("[::ffff:10.0.0.1]:8469"));
        refused(guard, "10.0.0.2:8469");
        refused(guard, "10.0.0.1.evil.example");
        RequestGuard v6 = RequestGuard.forApi(new AgentConfig.Api("2001:db8:0::1", 8469, "t0ken"),
                java.net.InetAddress.getByName("2001:db8::1"));
        v6.checkOrigin(host("[2001:db8::1]:8469"));
        v6.checkOrigin(host("[2001:db8:0:0:0:0:0:1]"));
        refused(v6, "[2001:db8::2]:8469");
        RequestGuard shorthandLoopback = RequestGuard.forApi(new AgentConfig.Api("127.1", 8469, "t0ken"),
                java.net.InetAddress.getByName("127.1"));
        refused(shorthandLoopback, "evil.example");
        shorthandLoopback.checkOrigin(host("127.0.0.1"));
    }

    @Test
    void aWildcardListenAcceptsAddressLiteralsButNoNames() {
        RequestGuard guard = RequestGuard.forApi(new AgentConfig.Api("0.0.0.0", 8469, "t0ken"));
        guard.checkOrigin(host("192.0.2.7:8469"));
        guard.checkOrigin(host("[2001:db8::1]:8469"));
        refused(guard, "evil.example:8469");
        refused(guard, "999.0.0.1");
    }

    /**
     * With the agent's own certificate on the API, the names it carries are what curl and scrapers verify and send; a
     * page could only be served under them with a certificate of the fleet's private CA. Without it, they are refused.
     */
    @Test
    void theAgentsCertificateNamesCountOnlyWhenTheApiPresentsThatCertificate() {
        java.nio.file.Path crt = java.nio.file.Path.of("agent.crt");
        java.nio.file.Path key = java.nio.file.Path.of("agent.key");
        AgentConfig.Api api = new AgentConfig.Api("0.0.0.0", 8469, "t0ken");
        RequestGuard own = RequestGuard.forApi(api.withTls(new AgentConfig.ApiTls(true, crt, key, null, true)));
        own.checkOrigin(host("agent.aami.internal:8469"));
        own.checkOrigin(host("0b6f3a52-1111-4e3a-9d7e-0123456789ab.agent.aami.internal:8469"));
        refused(own, "agent.aami.internal.evil.example");
        refused(own, "*.aami.internal");
        refused(own, "aami.internal");
        RequestGuard loopbackOwn = RequestGuard.forApi(new AgentConfig.Api("127.0.0.1", 8469, null)
                .withTls(new AgentConfig.ApiTls(true, crt, key, null, true)));
        loopbackOwn.checkOrigin(host("agent.aami.internal"));
        refused(RequestGuard.forApi(api.withTls(new AgentConfig.ApiTls(true, crt, key, null))), "agent.aami.internal");
        refused(RequestGuard.forApi(api), "agent.aami.internal");
    }

    @Test
    void withoutATokenOnlyLoopbackNamesCount() {
        RequestGuard guard = RequestGuard.forApi(new AgentConfig.Api("127.0.0.1", 8469, null));
        guard.checkOrigin(host("127.0.0.2"));
        guard.checkOrigin(host("[0:0:0:0:0:0:0:1]:1"));
        guard.checkOrigin(host("localhost."));
        refused(guard, "192.0.2.7");
        refused(guard, "[::2]");
        refused(guard, "");
    }
}
