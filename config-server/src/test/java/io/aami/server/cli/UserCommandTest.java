package io.aami.server.cli;

import static io.aami.server.testing.TestServer.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;

import io.aami.server.testing.Api;
import io.aami.server.testing.ServerPerClass;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code user add} against a real server: the first admin from the command line, the password never an argument. */
class UserCommandTest {
    @RegisterExtension
    static final ServerPerClass server = ServerPerClass.with(Map.of());
    static final Api api = server.api();
    static final String PASSWORD = "correct horse battery";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        return runAgainst("http://127.0.0.1:" + server.running().port(), stdin, args);
    }

    private int runAgainst(String serverUrl, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--server", serverUrl, "--data-dir", dir.toString()));
        return new UserCommand(new CommandContext(Map.of("AAMI_ADMIN_TOKEN", ADMIN),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintStream(out), new PrintStream(err),
                Clock.systemUTC(), dir.resolve("none.yaml"))).run(all);
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theFirstAdminFromStandardInput() throws Exception {
        assertThat(run(PASSWORD + "\n", "add", "--name", "root", "--role", "admin")).as(printed()).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("created user root (admin)");
        assertThat(api.get("/api/v1/users", ADMIN).body()).contains("\"name\":\"root\"").contains("\"role\":\"admin\"");
        assertThat(printed()).doesNotContain(PASSWORD);
        assertThat(storedPasswordIs("root", PASSWORD)).as("the line, without its line end").isTrue();
    }

    @Test
    void thePasswordFromAFile() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), PASSWORD + "\r\n");
        assertThat(run("", "add", "--name", "ops", "--role", "operator", "--password-file", file.toString())).as(printed()).isZero();
        assertThat(api.get("/api/v1/users", ADMIN).body()).contains("\"name\":\"ops\"");
        assertThat(storedPasswordIs("ops", PASSWORD)).isTrue();
    }

    /** Whether {@code name}'s stored hash is {@code password}'s, read straight from the database. */
    private static boolean storedPasswordIs(String name, String password) throws Exception {
        var db = server.database();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(db.url(), db.user(), db.password());
             java.sql.PreparedStatement ps = c.prepareStatement("SELECT password_hash FROM users WHERE name = ?")) {
            ps.setString(1, name);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                return rs.next() && new io.aami.server.security.PasswordHasher(new java.security.SecureRandom())
                        .verify(rs.getString(1), password);
            }
        }
    }

    @Test
    void neverAsAnArgumentAndNeverEmpty() {
        assertThat(run("", "add", "--name", "x", "--role", "admin", "--password", PASSWORD)).isEqualTo(2);
        assertThat(printed()).contains("unknown option '--password'");
        assertThat(run("", "add", "--name", "nopw", "--role", "admin")).isEqualTo(1);
        assertThat(printed()).contains("no password");
        assertThat(api.get("/api/v1/users", ADMIN).body()).doesNotContain("nopw");
    }

    @Test
    void theServersRefusalIsShown() {
        assertThat(run("short\n", "add", "--name", "weak", "--role", "admin")).isEqualTo(1);
        assertThat(printed()).contains("answered 400").contains("password");
        assertThat(run(PASSWORD + "\n", "add", "--name", "odd", "--role", "root")).isEqualTo(1);
        assertThat(printed()).contains("role");
        assertThat(run(PASSWORD + "\n", "add", "--role", "admin")).isEqualTo(2);
    }

    @Test
    void plainHttpToAnotherHostIsRefusedBeforeTheAdminTokenIsSent() {
        for (String remote : List.of("http://192.0.2.10:8443", "http://aami.example.internal:8080", "http://[2001:db8::1]:8443")) {
            out.reset();
            err.reset();
            long started = System.nanoTime();
            assertThat(runAgainst(remote, PASSWORD + "\n", "add", "--name", "far", "--role", "viewer")).as(remote).isEqualTo(1);
            assertThat(err.toString(StandardCharsets.UTF_8)).as(remote).contains("plain HTTP to another host").contains("https://");
            assertThat(System.nanoTime() - started).as("refused before any connection attempt").isLessThan(2_000_000_000L);
        }
        int port = server.running().port();
        err.reset();
        assertThat(runAgainst("http://localhost:" + port, PASSWORD + "\n", "add", "--name", "near", "--role", "viewer"))
                .as(printed()).isZero();
        assertThat(runAgainst("http://[::1]:" + port, PASSWORD + "\n", "add", "--name", "near", "--role", "viewer"))
                .as("loopback is allowed (the server may not listen on ::1)").isNotEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("plain HTTP to another host");
    }

    @Test
    void aPasswordFileOthersCanReadIsWarnedAbout() throws Exception {
        Path open = Files.writeString(dir.resolve("open-pw"), PASSWORD + "\n");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(run("", "add", "--name", "warned", "--role", "viewer", "--password-file", open.toString())).as(printed()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning").contains("readable by group or others").contains("rw-r--r--");

        err.reset();
        Path closed = Files.writeString(dir.resolve("closed-pw"), PASSWORD + "\n");
        Files.setPosixFilePermissions(closed, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        assertThat(run("", "add", "--name", "quiet", "--role", "viewer", "--password-file", closed.toString())).as(printed()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("warning");
    }
}
