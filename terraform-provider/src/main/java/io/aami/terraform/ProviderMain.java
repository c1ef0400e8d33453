package io.aami.terraform;

import io.aami.terraform.plugin.AutoMtls;
import io.aami.terraform.plugin.FastExit;
import io.aami.terraform.plugin.InstanceServer;
import io.aami.terraform.plugin.PluginServer;
import io.aami.terraform.plugin.ProviderService;
import io.aami.terraform.resources.Catalog;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code terraform-provider-aami}: started by Terraform, never by hand. Checks go-plugin's magic cookie,
 * serves the provider and prints the handshake line, then runs until Terraform's Shutdown (or until Terraform is
 * gone) and ends at once ({@link FastExit}).
 */
public final class ProviderMain {
    /** go-plugin's handshake for Terraform providers: the cookie Terraform sets for its plugins. */
    static final String COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
    static final String COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

    private ProviderMain() {
    }

    public static void main(String[] args) throws Exception {
        // Read first: Terraform may be gone by the time the handshake is printed, and a parent read after that would be
        // the process we were handed to (init), never to change (ProviderHandshakeIT saw that race on a loaded machine).
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        if (args.length == 1 && args[0].equals("--train")) {
            Training.run();
            return;
        }
        if (args.length == 3 && args[0].equals("--instance-server")) {
            // Started by the launcher, detached, its output in the directory's log: see InstanceServer.
            InstanceServer.run(Path.of(args[1]), Duration.ofSeconds(Long.parseLong(args[2])), Training::warmUp);
            FastExit.halt(0);
        }
        if (!COOKIE_VALUE.equals(System.getenv(COOKIE_KEY))) {
            System.err.println("This binary is a plugin. These are not meant to be executed directly.\n"
                    + "Please execute the program that consumes these plugins, which will\n"
                    + "load any plugins automatically");
            System.exit(1);
        }
        String versions = System.getenv("PLUGIN_PROTOCOL_VERSIONS");
        if (versions != null && !versions.isBlank() && !java.util.Arrays.asList(versions.split(",")).contains("6")) {
            System.err.println("terraform-provider-aami speaks plugin protocol 6 only; Terraform offered " + versions);
            System.exit(1);
        }
        String clientCert = System.getenv("PLUGIN_CLIENT_CERT");
        PrintStream stdout = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        // Past the handshake, anything printed goes where Terraform's logs go, never into the protocol.
        System.setOut(System.err);
        PluginServer server = PluginServer.start(new ProviderService(new Catalog(), System::getenv),
                () -> clientCert == null || clientCert.isBlank() ? null : AutoMtls.forClient(clientCert), stdout);
        server.stopWithParent(parent);
        server.awaitStop();
        FastExit.halt(0);
    }
}
