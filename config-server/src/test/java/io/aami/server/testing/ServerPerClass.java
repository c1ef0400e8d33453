package io.aami.server.testing;

import io.aami.server.RunningServer;
import java.time.Clock;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real server shared by all tests of a class, started before the first and closed after the last:
 * {@code @RegisterExtension static final ServerPerClass server = ServerPerClass.with(Map.of());}
 * and {@code static final Api api = server.api();}.
 */
public final class ServerPerClass implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<TestServer> starter;
    private final Api api = Api.sendingThrough(() -> started().api());
    private TestServer server;

    private ServerPerClass(Supplier<TestServer> starter) {
        this.starter = starter;
    }

    /** A server with {@code env} added to the test defaults, on a fresh database. */
    public static ServerPerClass with(Map<String, String> env) {
        return new ServerPerClass(() -> TestServer.start(env));
    }

    /** As {@link #with(Map)}, telling time by {@code clock}. */
    public static ServerPerClass with(Map<String, String> env, Clock clock) {
        return new ServerPerClass(() -> TestServer.start(env, TestDatabase.fresh(), clock));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server = starter.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    private TestServer started() {
        if (server == null) {
            throw new IllegalStateException("the server starts before the class's first test; register with @RegisterExtension"
                    + " on a static field");
        }
        return server;
    }

    /** The running server's Api; usable (as a static final field) before the server starts, called after. */
    public Api api() {
        return api;
    }

    public TestDatabase.Coordinates database() {
        return started().database();
    }

    public RunningServer running() {
        return started().running();
    }
}
